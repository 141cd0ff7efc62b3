import { proxyActivities } from '@temporalio/workflow';
import type { PayPalTopUpActivities } from '../../../activities/top-up-methods/paypal.js';
import type { PayPalTopUpCommand, PayPalTopUpEvent } from '../../../domain/top-up-methods/paypal.js';
import type { TopUpRecord, TopUpTimings } from '../../../domain/top-up.js';
import { topUpActivityOptions } from '../activity-options.js';

/** PayPal's commands as activities: the charge on the linked account, and the re-check of a held capture. */
export function payPalTopUpCommands(
  timings: TopUpTimings,
): (command: PayPalTopUpCommand, topUp: TopUpRecord) => Promise<PayPalTopUpEvent> {
  const paypal = proxyActivities<PayPalTopUpActivities>(topUpActivityOptions(timings));
  return async (command, topUp) => {
    switch (command.type) {
      case 'CHARGE_PAYPAL': {
        const charged = await paypal.chargePayPalTopUp({
          topUpId: topUp.id,
          merchantId: topUp.merchantId,
          currency: topUp.currency,
          amount: command.amount,
        });
        if (charged.outcome === 'captured')
          return {
            type: 'PAYPAL_CAPTURED',
            orderId: charged.orderId,
            captureId: charged.captureId,
            captureStatus: charged.captureStatus,
          };
        if (charged.outcome === 'declined')
          return { type: 'PAYPAL_DECLINED', issue: charged.issue, message: charged.message };
        return { type: 'PAYPAL_NOT_LINKED' };
      }
      case 'CHECK_CAPTURE': {
        const checked = await paypal.checkPayPalCapture({ orderId: command.orderId });
        return { type: 'CAPTURE_CHECKED', captureStatus: checked.captureStatus };
      }
    }
  };
}
