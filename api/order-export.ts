import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { stringify } from 'csv-stringify';
import type { Response } from 'express';
import type { StoredOrder } from '../db/orders.js';
import { minorToDecimalString } from '../domain/money.js';

/** The export's columns: header and value, in order. Amounts as decimals in the order's currency. */
const columns: [string, (o: StoredOrder) => string | number][] = [
  ['id', (o) => o.id],
  ['createdAt', (o) => o.createdAt],
  ['channel', (o) => o.channel],
  ['externalId', (o) => o.externalId],
  ['status', (o) => o.status],
  ['reviewReasons', (o) => o.reviewReasons.map((r) => r.code).join(' ')],
  ['customerName', (o) => o.customer.name],
  ['customerEmail', (o) => o.customer.email],
  ['country', (o) => o.shippingAddress.country],
  ['skus', (o) => o.items.map((i) => `${i.sku} x${i.quantity}`).join(' ')],
  ['paymentMethod', (o) => o.payment.method],
  ['total', (o) => minorToDecimalString(o.payment.amountPaid)],
  ['currency', (o) => o.payment.currency],
  ['cost', (o) => (o.cost ? minorToDecimalString(o.cost.total) : '')],
  ['shippingMethod', (o) => o.shippingMethod ?? ''],
  ['supplierOrderId', (o) => o.supplierOrderId ?? ''],
  ['trackingNumber', (o) => o.tracking?.number ?? ''],
  ['updatedAt', (o) => o.updatedAt],
];

/**
 * A cell a spreadsheet would run as a formula (=, +, -, @, tab, carriage return first) is written with a leading
 * apostrophe: customer data must not become a formula on the merchant's computer (OWASP "CSV injection").
 */
function inert(value: string): string {
  return /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
}

/** Streams the orders as a CSV download (RFC 4180, UTF-8 with a BOM so that spreadsheets read accents). */
export async function sendOrdersCsv(
  res: Response,
  orders: AsyncIterable<StoredOrder>,
  filename: string,
): Promise<void> {
  res.status(200);
  res.set('Content-Type', 'text/csv; charset=utf-8');
  res.set('Content-Disposition', `attachment; filename="${filename}"`);
  const rows = Readable.from(
    (async function* () {
      for await (const order of orders) yield columns.map(([, value]) => value(order));
    })(),
  );
  await pipeline(
    rows,
    stringify({ header: true, columns: columns.map(([name]) => name), bom: true, cast: { string: inert } }),
    res,
  );
}
