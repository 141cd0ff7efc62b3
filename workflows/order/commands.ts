import { proxyActivities } from '@temporalio/workflow';
import type { OrderActivities } from '../../activities/types.js';
import type { Command, OrderEvent, pendingTimer } from '../../domain/order-machine.js';
import type { OrderTimings } from '../../domain/timings.js';
import { checkData } from './data-check.js';
import type { OrderRun } from './order-run.js';

/**
 * Runs the machine's commands as activities and turns each outcome into the machine's next event. Business
 * outcomes come back as values; only transient failures are thrown, and Temporal retries those.
 */
export class CommandRunner {
  private readonly activities: OrderActivities;

  constructor(
    private readonly run: OrderRun,
    private readonly timings: OrderTimings,
  ) {
    this.activities = proxyActivities<OrderActivities>({
      startToCloseTimeout: timings.activityTimeout,
      // No maximum attempts: business outcomes come back as values, so what fails is transient and worth retrying
      // until it works (an operator sees the attempts and the last error on the pending activity in the UI).
      retry: {
        initialInterval: timings.retryInitialInterval,
        maximumInterval: timings.retryMaxInterval,
        backoffCoefficient: 2,
      },
    });
  }

  async execute(command: Command): Promise<OrderEvent> {
    const external = this.activities;
    const state = this.run.state;
    const { order } = state;
    switch (command.type) {
      case 'CHECK_DATA':
        return { type: 'DATA_CHECKED', reasons: await checkData(order, this.run.localActivities) };
      case 'QUOTE': {
        const quote = await external.quoteOrder({ order });
        return quote.ok ? { type: 'QUOTED', cost: quote.cost } : { type: 'QUOTE_REFUSED', reasons: quote.reasons };
      }
      case 'HOLD_WALLET': {
        const hold = await external.holdWalletFunds({
          merchantId: order.merchantId,
          orderId: order.id,
          ...pick(command),
        });
        return hold.held
          ? { type: 'WALLET_HELD', reference: hold.reference }
          : { type: 'WALLET_SHORT', available: hold.available };
      }
      case 'CHARGE_PAYPAL': {
        const paid = await external.chargePayPal({ merchantId: order.merchantId, orderId: order.id, ...pick(command) });
        if (paid.outcome === 'charged') return { type: 'PAYPAL_CHARGED', reference: paid.reference };
        if (paid.outcome === 'not_enabled') return { type: 'PAYPAL_NOT_ENABLED', available: paid.available };
        return { type: 'PAYPAL_DECLINED', issue: paid.issue, message: paid.message };
      }
      case 'SUBMIT': {
        const submitted = await external.submitOrder({ order });
        return submitted.ok
          ? {
              type: 'SUPPLIER_ACCEPTED',
              supplierOrderId: submitted.supplierOrderId,
              alreadyExisted: submitted.alreadyExisted,
            }
          : { type: 'SUPPLIER_REFUSED', reasons: submitted.reasons };
      }
      case 'CAPTURE_WALLET':
        await external.captureWalletHold({
          merchantId: order.merchantId,
          orderId: order.id,
          key: command.key,
          holdKey: command.holdKey,
        });
        return { type: 'CHARGE_CAPTURED' };
      case 'RETURN_CHARGE':
        await external.returnCharge({
          merchantId: order.merchantId,
          orderId: order.id,
          charge: command.charge,
          key: command.key,
          holdKey: command.holdKey,
        });
        return { type: 'CHARGE_RETURNED' };
      case 'PROBE': {
        const probe = await external.probeOrder({ order, kind: command.kind });
        // The re-check was started by a timer: its outcome is the timer's doing in the timeline.
        return { type: 'PROBED', ready: probe.ready, reasons: probe.reasons, by: 'timer' };
      }
      case 'POLL_TRACKING': {
        const tracking = state.supplierOrderId
          ? await external.pollTracking({ supplierOrderId: state.supplierOrderId })
          : null;
        return tracking ? { type: 'TRACKING_FOUND', tracking } : { type: 'TRACKING_PENDING' };
      }
      case 'NOTIFY_CHANNEL_SHIPPED': {
        const sent = await external.notifyChannelShipped({ order, tracking: command.tracking });
        return {
          type: 'CHANNEL_NOTIFIED',
          what: 'shipped',
          ok: sent.ok,
          ...(sent.message ? { message: sent.message } : {}),
        };
      }
      case 'CANCEL_ON_CHANNEL': {
        const cancelled = await external.cancelOnChannel({ order, reason: command.reason });
        return {
          type: 'CHANNEL_NOTIFIED',
          what: 'cancelled',
          ok: cancelled.ok,
          ...(cancelled.message ? { message: cancelled.message } : {}),
        };
      }
    }
  }

  /** The configured duration of the timer the order waits on. */
  timerDelay(timer: NonNullable<ReturnType<typeof pendingTimer>>): number {
    const { timings } = this;
    switch (timer.timer) {
      case 'payment-expiry':
        return Math.max(1, Date.parse(this.run.state.statusSince) + timings.bankTransferExpiry - Date.now());
      case 'funds-retry': {
        const schedule = timings.fundsRetrySchedule;
        return schedule[Math.min(timer.retryCount, schedule.length - 1)] ?? timings.retryMaxInterval;
      }
      case 'stock-recheck':
        return timings.stockRecheckInterval;
      case 'tracking-poll':
        return timings.trackingPollInterval;
    }
  }
}

function pick(command: { amount: number; currency: string; key: string }): {
  amount: number;
  currency: string;
  key: string;
} {
  return { amount: command.amount, currency: command.currency, key: command.key };
}
