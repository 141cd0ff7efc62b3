import type { Request } from 'express';
import { formatValue } from './money.js';
import type { SimCapture, SimOrder, SimRefund } from './state.js';
import type { SimPaymentToken } from './vault-state.js';

/** Turns ledger records into PayPal's JSON shapes, with the HATEOAS links PayPal adds to every resource. */

export function baseUrl(req: Request): string {
  return `${req.protocol}://${req.get('host') ?? 'localhost'}`;
}

function money(amount: number, currency: string): { currency_code: string; value: string } {
  return { currency_code: currency, value: formatValue(amount, currency) };
}

export function captureView(base: string, capture: SimCapture): Record<string, unknown> {
  return {
    id: capture.id,
    status: capture.status,
    amount: money(capture.amount, capture.currency),
    final_capture: true,
    ...(capture.invoiceId ? { invoice_id: capture.invoiceId } : {}),
    ...(capture.customId ? { custom_id: capture.customId } : {}),
    seller_protection: { status: 'ELIGIBLE', dispute_categories: ['ITEM_NOT_RECEIVED', 'UNAUTHORIZED_TRANSACTION'] },
    links: [
      { href: `${base}/v2/payments/captures/${capture.id}`, rel: 'self', method: 'GET' },
      { href: `${base}/v2/payments/captures/${capture.id}/refund`, rel: 'refund', method: 'POST' },
      { href: `${base}/v2/checkout/orders/${capture.orderId}`, rel: 'up', method: 'GET' },
    ],
    create_time: capture.createTime,
    update_time: capture.updateTime,
  };
}

/** The payer behind a vaulted order, as PayPal shows it; `declined-` rehearsal ids have no payment token behind them. */
function paypalSource(vaultId: string, token: SimPaymentToken | undefined): Record<string, unknown> {
  const vault = { id: vaultId, status: 'VAULTED', ...(token ? { customer: { id: token.customerId } } : {}) };
  if (!token) return { attributes: { vault } };
  return {
    email_address: token.payer.email,
    account_id: token.payer.payerId,
    name: { given_name: token.payer.givenName, surname: token.payer.surname },
    attributes: { vault },
  };
}

export function orderView(
  base: string,
  order: SimOrder,
  capture: SimCapture | undefined,
  token: SimPaymentToken | undefined,
): Record<string, unknown> {
  const unit = order.unit;
  return {
    id: order.id,
    intent: 'CAPTURE',
    status: order.status,
    payment_source: { paypal: paypalSource(order.vaultId, token) },
    purchase_units: [
      {
        reference_id: unit.referenceId,
        amount: money(unit.amount, unit.currency),
        ...(unit.invoiceId ? { invoice_id: unit.invoiceId } : {}),
        ...(unit.customId ? { custom_id: unit.customId } : {}),
        ...(unit.description ? { description: unit.description } : {}),
        ...(capture ? { payments: { captures: [captureView(base, capture)] } } : {}),
      },
    ],
    links:
      order.status === 'APPROVED'
        ? [
            { href: `${base}/v2/checkout/orders/${order.id}`, rel: 'self', method: 'GET' },
            { href: `${base}/v2/checkout/orders/${order.id}/capture`, rel: 'capture', method: 'POST' },
          ]
        : [{ href: `${base}/v2/checkout/orders/${order.id}`, rel: 'self', method: 'GET' }],
    create_time: order.createTime,
    update_time: order.updateTime,
  };
}

export function refundView(base: string, refund: SimRefund): Record<string, unknown> {
  return {
    id: refund.id,
    status: refund.status,
    amount: money(refund.amount, refund.currency),
    ...(refund.invoiceId ? { invoice_id: refund.invoiceId } : {}),
    ...(refund.noteToPayer ? { note_to_payer: refund.noteToPayer } : {}),
    links: [
      { href: `${base}/v2/payments/refunds/${refund.id}`, rel: 'self', method: 'GET' },
      { href: `${base}/v2/payments/captures/${refund.captureId}`, rel: 'up', method: 'GET' },
    ],
    create_time: refund.createTime,
    update_time: refund.createTime,
  };
}
