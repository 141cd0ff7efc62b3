import { supplierCarriers } from '../domain/carriers.js';
import { supplierAddressLine } from '../domain/order-checks.js';
import { minorToDecimalString } from '../domain/money.js';
import type { OrderRecord } from '../domain/order.js';
import type { ReviewReason } from '../domain/review-reasons.js';
import type { SupplierOrderInput } from './supplier/client.js';
import { SupplierRejection, SupplierValidationFailed } from './supplier/client.js';

const languages: Record<string, string> = {
  ES: 'es',
  IT: 'it',
  FR: 'fr',
  DE: 'de',
  AT: 'de',
  PT: 'pt',
  NL: 'nl',
  BE: 'fr',
  PL: 'pl',
};

function splitName(name: string): { firstName: string; lastName: string } {
  const parts = name.trim().split(/\s+/);
  if (parts.length < 2) return { firstName: parts[0] ?? '', lastName: parts[0] ?? '' };
  return { firstName: parts.slice(0, -1).join(' '), lastName: parts[parts.length - 1] ?? '' };
}

/** The order as the supplier's API takes it. `internalReference` is our order id: the key of idempotent submission. */
export function toSupplierOrder(order: OrderRecord): SupplierOrderInput {
  const a = order.shippingAddress;
  return {
    internalReference: order.id,
    language: languages[a.country] ?? 'en',
    carriers: order.shippingMethod ? [order.shippingMethod] : [...supplierCarriers],
    shippingAddress: {
      ...splitName(order.customer.name),
      country: a.country,
      postcode: a.postcode.trim(),
      town: a.city.trim(),
      address: supplierAddressLine(a),
      phone: order.customer.phone.trim(),
      email: order.customer.email.trim(),
      comment: '',
    },
    products: order.items.map((i) => ({ reference: i.sku, quantity: i.quantity })),
    ...(order.payment.method === 'cod'
      ? { cashOnDelivery: Number(minorToDecimalString(order.payment.amountPaid)) }
      : {}),
  };
}

function dataOf(error: SupplierRejection): Record<string, unknown> {
  return error.data && typeof error.data === 'object' ? (error.data as Record<string, unknown>) : {};
}

/**
 * Turns a supplier refusal into the reasons a merchant reads. Returns null for refusals that are not about the
 * order (e.g. the platform's own supplier balance): those are retried, not parked on the merchant.
 */
export function reasonsFromSupplier(error: unknown): ReviewReason[] | null {
  if (error instanceof SupplierValidationFailed) {
    return error.fields.map(({ path, messages }) => {
      const message = `Supplier: ${path}: ${messages.join(' ')}`;
      if (/address/i.test(path)) {
        return /long/i.test(message)
          ? { code: 'ADDRESS_TOO_LONG', field: 'shippingAddress.line1', message }
          : { code: 'INVALID_ADDRESS', field: 'shippingAddress.line1', message };
      }
      if (/postcode/i.test(path)) return { code: 'INVALID_POSTCODE', field: 'shippingAddress.postcode', message };
      if (/phone/i.test(path)) return { code: 'INVALID_PHONE', field: 'customer.phone', message };
      if (/email/i.test(path)) return { code: 'INVALID_EMAIL', field: 'customer.email', message };
      if (/town|country|firstName|lastName/i.test(path)) return { code: 'INVALID_ADDRESS', message };
      return { code: 'SUPPLIER_REJECTED', message };
    });
  }
  if (!(error instanceof SupplierRejection)) return null;
  const data = dataOf(error);
  const info = error.info || error.message;
  switch (error.code) {
    case 'ER001':
    case 'ER002':
      return [
        {
          code: 'UNKNOWN_PRODUCT',
          field: 'items',
          message: `The supplier does not know a product in this order: ${info}`,
        },
      ];
    case 'ER003':
      return [{ code: 'OUT_OF_STOCK', field: 'items', message: `Out of stock at the supplier: ${info}` }];
    case 'ER004': {
      const example = typeof data.zipExample === 'string' ? ` (example: ${data.zipExample})` : '';
      return [
        {
          code: 'INVALID_POSTCODE',
          field: 'shippingAddress.postcode',
          message: `The supplier rejects the postcode${example}`,
        },
      ];
    }
    case 'ER010':
      return [
        { code: 'INVALID_SHIPPING_METHOD', field: 'shippingMethod', message: `No carrier serves this order: ${info}` },
      ];
    case 'ER005':
      // The platform's own money box at the supplier is short: an operator problem, retried until funded.
      return null;
    default:
      return [{ code: 'SUPPLIER_REJECTED', message: `The supplier refused the order (${error.code}): ${info}` }];
  }
}
