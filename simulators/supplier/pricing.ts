import { carriers, findCarrier, postcodeProblem, zoneOf, type SimCarrier } from './catalog.js';
import type { OrderRequest } from './requests.js';
import type { SimState } from './state.js';
import type { BusinessError } from './wire.js';

/**
 * The supplier's business rules for an order that passed form validation: which refusal (ERxxx) applies,
 * else what it costs. Amounts are computed in cents and only turned into decimals on the wire.
 */

export const acceptedPaymentMethods = ['moneybox', 'paypal', 'transfer'];
/** Orders whose products are worth less than this are refused (ER007). */
export const minimumOrderCents = 100;

export interface PricedLine {
  reference: string;
  name: string;
  quantity: number;
  unitPriceCents: number;
}

export interface Quote {
  lines: PricedLine[];
  carrier: SimCarrier;
  productsCents: number;
  shippingCents: number;
  taxesCents: number;
}

export type Evaluation = { ok: true; quote: Quote } | { ok: false; error: BusinessError };

export function toCents(eur: number): number {
  return Math.round(eur * 100);
}

export function toDecimal(cents: number): number {
  return cents / 100;
}

export function evaluateOrder(state: SimState, order: OrderRequest, vatRate: number): Evaluation {
  if (!acceptedPaymentMethods.includes(order.paymentMethod.toLowerCase())) {
    return refuse('ER011', 'Invalid payment method', {
      paymentMethod: order.paymentMethod,
      accepted: acceptedPaymentMethods,
    });
  }

  // The same SKU on two lines counts as one line for stock purposes.
  const quantities = new Map<string, number>();
  for (const line of order.products)
    quantities.set(line.reference, (quantities.get(line.reference) ?? 0) + line.quantity);

  const lines: PricedLine[] = [];
  for (const [reference, quantity] of quantities) {
    const product = state.product(reference);
    if (!product) return refuse('ER001', 'Product not found', { reference });
    lines.push({ reference, name: product.name, quantity, unitPriceCents: toCents(product.wholesalePrice) });
  }

  const country = order.shippingAddress.country.toUpperCase();
  const zipExample = postcodeProblem(country, order.shippingAddress.postcode);
  if (zipExample !== null) return refuse('ER004', 'Zipcode format is not valid', { zipExample });

  const carrier = cheapestCarrier(
    country,
    order.carriers.map((c) => c.name),
  );
  if (!carrier) {
    return refuse('ER010', 'No carrier available for this destination', {
      country,
      carriers: order.carriers.map((c) => c.name),
      available: carriers.filter((c) => carrierRate(c, country) !== undefined).map((c) => c.code),
    });
  }

  for (const line of lines) {
    const available = state.product(line.reference)?.stock ?? 0;
    if (available < line.quantity) {
      return refuse('ER003', 'Not enough stock', {
        reference: line.reference,
        requested: line.quantity,
        available: Math.max(available, 0),
      });
    }
  }

  const productsCents = lines.reduce((sum, l) => sum + l.unitPriceCents * l.quantity, 0);
  if (productsCents < minimumOrderCents) {
    return refuse('ER007', 'The order does not reach the minimum amount', {
      minimumAmount: toDecimal(minimumOrderCents),
      totalAmount: toDecimal(productsCents),
    });
  }

  const shippingCents = carrierRate(carrier, country) ?? 0;
  const taxesCents = Math.round((productsCents + shippingCents) * vatRate);
  return { ok: true, quote: { lines, carrier, productsCents, shippingCents, taxesCents } };
}

/** The three totals check.json returns, as decimals. */
export function quoteTotals(q: { productsCents: number; shippingCents: number; taxesCents: number }) {
  const withoutTaxes = q.productsCents + q.shippingCents;
  return {
    totalWithoutTaxesAndWithoutShippingCost: toDecimal(q.productsCents),
    totalWithoutTaxes: toDecimal(withoutTaxes),
    total: toDecimal(withoutTaxes + q.taxesCents),
  };
}

function cheapestCarrier(country: string, names: string[]): SimCarrier | undefined {
  let best: { carrier: SimCarrier; rate: number } | undefined;
  for (const name of names) {
    const carrier = findCarrier(name);
    const rate = carrier ? carrierRate(carrier, country) : undefined;
    if (carrier && rate !== undefined && (!best || rate < best.rate)) best = { carrier, rate };
  }
  return best?.carrier;
}

function carrierRate(carrier: SimCarrier, country: string): number | undefined {
  const zone = zoneOf(country);
  return zone ? carrier.rates[zone] : undefined;
}

function refuse(code: BusinessError['code'], info: string, data: Record<string, unknown>): Evaluation {
  return { ok: false, error: { code, info, data } };
}
