import { retryLater } from '../failures.js';
import { PayPalDeclined } from '../paypal/client.js';
import { linkedVaultId } from '../paypal-link.js';
import type { TopUpMoney } from '../types.js';
import type { TopUpMethodDeps } from './deps.js';

export type TopUpChargeResult =
  | { outcome: 'captured'; orderId: string; captureId: string; captureStatus: string }
  | { outcome: 'declined'; issue: string; message: string }
  | { outcome: 'not_linked' };

/** A PayPal top-up's activities: the charge on the merchant's linked account, and the re-check of its capture. */
export interface PayPalTopUpActivities {
  chargePayPalTopUp(input: TopUpMoney): Promise<TopUpChargeResult>;
  checkPayPalCapture(input: { orderId: string }): Promise<{ captureStatus: string }>;
}

/** PayPal's business keys for a top-up: the same top-up never pays twice, whatever is retried. */
export const topUpPayPalKeys = (topUpId: string): { requestKey: string; invoiceId: string } => ({
  requestKey: `top-up:${topUpId}`,
  invoiceId: `top-up-${topUpId}`,
});

export function payPalTopUpActivities({ db, paypal, box }: TopUpMethodDeps): PayPalTopUpActivities {
  return {
    async chargePayPalTopUp({ topUpId, merchantId, amount, currency }) {
      const vaultId = await linkedVaultId(db, box, merchantId, { requireEnabled: false });
      if (!vaultId) return { outcome: 'not_linked' };
      try {
        const charge = await paypal.charge({
          ...topUpPayPalKeys(topUpId),
          vaultId,
          amount,
          currency,
          description: `Wallet top-up ${topUpId}`,
        });
        return {
          outcome: 'captured',
          orderId: charge.paypalOrderId,
          captureId: charge.captureId,
          captureStatus: charge.status,
        };
      } catch (error) {
        if (error instanceof PayPalDeclined)
          return { outcome: 'declined', issue: error.issue, message: error.description };
        throw retryLater(error);
      }
    },

    async checkPayPalCapture({ orderId }) {
      try {
        return { captureStatus: await paypal.captureStatus(orderId) };
      } catch (error) {
        throw retryLater(error);
      }
    },
  };
}
