import { formatMoney } from './money.js';
import type { OrderState } from './order-machine.js';
import type { OrderRecord } from './order.js';
import { remedies } from './review-reasons.js';

/**
 * One line an operator reads in the Temporal UI's list: "Amazon 402-… · 2 items · €59.90". `channelLabel` is the
 * channel's name as people read it (the API knows the channels: api/channel-directory.ts).
 */
export function orderSummary(order: OrderRecord, channelLabel: string): string {
  const channel = channelLabel;
  const count = order.items.reduce((n, i) => n + i.quantity, 0);
  const paid = formatMoney({ amount: order.payment.amountPaid, currency: order.payment.currency });
  const method = order.payment.method === 'prepaid' ? '' : ` · ${order.payment.method.replace('_', ' ')}`;
  return `${channel} ${order.externalId} · ${count} item${count === 1 ? '' : 's'} · ${paid}${method}`;
}

/** In plain words: what the order waits for and what moves it on. Null once nothing is awaited. */
export function describeWaiting(s: OrderState): string | null {
  switch (s.status) {
    case 'RECEIVED':
      return 'Just received; being checked.';
    case 'AWAITING_PAYMENT':
      return (
        'Paid by bank transfer: waits for "payment accepted" (signal paymentAccepted), then goes to the supplier by itself.' +
        warnings(s)
      );
    case 'AWAITING_SHIPPING_METHOD':
      return (
        'Cash on delivery: waits for the merchant to choose a shipping method and synchronize (signal synchronize).' +
        warnings(s)
      );
    case 'PENDING_REVIEW': {
      const lines = s.reviewReasons.map(
        (r) => `${r.code}${r.field ? ` (${r.field})` : ''}: ${r.message} → ${remedies[r.code]}.`,
      );
      const auto = s.retry
        ? ` Re-checked automatically (${s.retry.count} check${s.retry.count === 1 ? '' : 's'} so far).`
        : '';
      return `Pending review. ${lines.join(' ')}${auto}`;
    }
    case 'PROCESSING': {
      const cost = s.cost ? ` (${formatMoney({ amount: s.cost.total, currency: s.cost.currency })})` : '';
      const step: Record<string, string> = {
        checking: 'checking the customer data',
        quoting: 'asking the supplier for the price',
        holding: `holding the cost${cost} on the wallet`,
        charging_paypal: `charging the cost${cost} to PayPal`,
        submitting: 'submitting the order to the supplier (retried until the supplier answers)',
        capturing: `the supplier accepted it as ${s.supplierOrderId}; capturing the cost${cost} held on the wallet`,
      };
      return `Processing: ${step[s.phase ?? ''] ?? 'working'}.`;
    }
    case 'SUBMITTED':
      return `Accepted by the supplier as ${s.supplierOrderId}; tracking is polled until it ships.`;
    default:
      return null;
  }
}

function warnings(s: OrderState): string {
  if (s.reviewReasons.length === 0) return '';
  return ` Fix before it can go: ${s.reviewReasons.map((r) => `${r.code}${r.field ? ` (${r.field})` : ''}`).join(', ')}.`;
}
