import { z } from 'zod';
import { carrierNamedIn } from '../../domain/carriers.js';
import { decimalToMinor } from '../../domain/money.js';
import { NewOrder, type OrderItem, type PaymentMethod } from '../../domain/order.js';
import type { ShopOrderEvent } from '../shop-order-event.js';

/**
 * Shopify order webhooks → the platform's order. Pure: no I/O, so the route can map, store and acknowledge
 * within Shopify's 5 s. The schema only holds the fields we read; everything else Shopify sends is let through,
 * and fields Shopify leaves out or sends as null are optional, because payloads vary by API version and app scopes.
 */

/** The topics the platform acts on; the merchant subscribes the webhook URL to these. */
export const shopifyOrderTopics = ['orders/create', 'orders/updated', 'orders/paid', 'orders/cancelled'];
const orderTopics = new Set(shopifyOrderTopics);

/** Statuses under which the shop holds the customer's money (authorized counts: the capture is the shop's business). */
const paidStatuses = new Set(['paid', 'partially_refunded', 'authorized']);
/** The money went back or the authorization lapsed: nothing to ship. */
const reversedStatuses = new Set(['refunded', 'voided']);

const codGateway = /cash on delivery|\bcod\b/i;

const text = z.string().nullish();

const ShopifyAddress = z.looseObject({
  first_name: text,
  last_name: text,
  name: text,
  company: text,
  address1: text,
  address2: text,
  city: text,
  province: text,
  province_code: text,
  zip: text,
  country: text,
  country_code: text,
  phone: text,
});

const ShopifyLineItem = z.looseObject({
  id: z.number().int().nullish(),
  sku: text,
  title: text,
  name: text,
  quantity: z.number().int().min(0),
  /** Quantity after order edits and refunds; absent on older API versions. */
  current_quantity: z.number().int().min(0).nullish(),
  requires_shipping: z.boolean().nullish(),
  gift_card: z.boolean().nullish(),
});

const ShopifyShippingLine = z.looseObject({
  title: text,
  code: text,
  is_removed: z.boolean().nullish(),
});

export const ShopifyOrderWebhook = z.looseObject({
  id: z.number().int().positive(),
  name: text,
  email: text,
  phone: text,
  financial_status: text,
  payment_gateway_names: z.array(z.string()).nullish(),
  cancelled_at: text,
  // Shopify sends money as decimal strings; a number is tolerated rather than losing the order over it.
  total_price: z.union([z.string(), z.number()]),
  currency: z.string(),
  shipping_address: ShopifyAddress.nullish(),
  customer: z.looseObject({ email: text, phone: text, first_name: text, last_name: text }).nullish(),
  line_items: z.array(ShopifyLineItem),
  shipping_lines: z.array(ShopifyShippingLine).nullish(),
});
export type ShopifyOrderWebhook = z.infer<typeof ShopifyOrderWebhook>;

type ShopifyLineItem = z.infer<typeof ShopifyLineItem>;

class Unmappable extends Error {}

export function mapShopifyOrderWebhook(topic: string, payload: unknown): ShopOrderEvent {
  if (!orderTopics.has(topic)) {
    return { kind: 'ignored', reason: `Shopify topic "${topic}" is not an order topic the platform acts on` };
  }
  const parsed = ShopifyOrderWebhook.safeParse(payload);
  if (!parsed.success) {
    return {
      kind: 'unmappable',
      reason: `The Shopify ${topic} payload is not a readable order: ${describeIssues(parsed.error)}`,
      externalId: idOf(payload),
    };
  }
  const shop = parsed.data;
  const externalId = String(shop.id);
  try {
    const candidate = {
      channel: 'shopify',
      externalId,
      payment: { method: paymentMethod(shop), amountPaid: amountInCents(shop.total_price), currency: shop.currency },
      customer: { name: customerName(shop), email: contactEmail(shop), phone: contactPhone(shop) },
      shippingAddress: address(shop),
      items: items(shop.line_items),
      ...shippingMethod(shop),
    };
    // The route trusts `order` as a NewOrder, so prove it rather than assume it.
    const order = NewOrder.safeParse(candidate);
    if (!order.success)
      throw new Unmappable(
        `The order built from Shopify order ${shop.name ?? externalId} is not valid: ${describeIssues(order.error)}`,
      );
    const status = shop.financial_status ?? '';
    return {
      kind: 'order',
      externalId,
      order: order.data,
      paid: paidStatuses.has(status),
      cancelled:
        topic === 'orders/cancelled' || nonEmpty(shop.cancelled_at) !== undefined || reversedStatuses.has(status),
    };
  } catch (err) {
    if (err instanceof Unmappable) return { kind: 'unmappable', reason: err.message, externalId };
    throw err;
  }
}

/**
 * COD is recognised by its gateway whatever the status (a delivered COD order may be marked paid later).
 * Anything not yet paid waits for orders/paid like a bank transfer, manual gateway (Bank Deposit, Money Order) or not.
 */
function paymentMethod(shop: ShopifyOrderWebhook): PaymentMethod {
  if ((shop.payment_gateway_names ?? []).some((g) => codGateway.test(g))) return 'cod';
  const status = shop.financial_status ?? '';
  if (paidStatuses.has(status) || reversedStatuses.has(status)) return 'prepaid';
  return 'bank_transfer';
}

function amountInCents(total: string | number): number {
  const value = typeof total === 'number' ? total : /^\s*\d+(\.\d+)?\s*$/.test(total) ? Number(total) : NaN;
  if (!Number.isFinite(value) || value < 0) throw new Unmappable(`total_price "${String(total)}" is not an amount`);
  return decimalToMinor(value);
}

function customerName(shop: ShopifyOrderWebhook): string {
  const a = shop.shipping_address;
  return (
    nonEmpty(a?.name) ??
    nonEmpty(joinName(a?.first_name, a?.last_name)) ??
    nonEmpty(joinName(shop.customer?.first_name, shop.customer?.last_name)) ??
    ''
  );
}

function contactEmail(shop: ShopifyOrderWebhook): string {
  return nonEmpty(shop.email) ?? nonEmpty(shop.customer?.email) ?? '';
}

function contactPhone(shop: ShopifyOrderWebhook): string {
  return nonEmpty(shop.shipping_address?.phone) ?? nonEmpty(shop.phone) ?? nonEmpty(shop.customer?.phone) ?? '';
}

/**
 * Empty address lines and postcodes pass through: the platform puts such orders in review for the merchant to
 * fix. Only what makes the order impossible to hold (no address, no country) is refused here.
 */
function address(shop: ShopifyOrderWebhook) {
  const a = shop.shipping_address;
  if (!a) {
    throw new Unmappable(
      `Shopify order ${shop.name ?? shop.id} has no shipping address (shipping_address is empty): the supplier cannot ship it`,
    );
  }
  const country = nonEmpty(a.country_code);
  if (!country) {
    throw new Unmappable(
      `Shopify order ${shop.name ?? shop.id} has no destination country (shipping_address.country_code is empty)`,
    );
  }
  return {
    line1: a.address1?.trim() ?? '',
    line2: a.address2?.trim() ?? '',
    city: a.city?.trim() ?? '',
    postcode: a.zip?.trim() ?? '',
    region: nonEmpty(a.province_code) ?? nonEmpty(a.province) ?? '',
    country,
  };
}

/**
 * Lines the supplier has nothing to ship are left out: gift cards, lines removed by an order edit or refund, and
 * SKU-less lines that need no shipping (tips, shipping protection). A SKU-less line that does need shipping makes
 * the order unmappable. Repeated SKUs (same variant with different properties) are summed into one item.
 */
function items(lines: ShopifyLineItem[]): OrderItem[] {
  if (lines.length === 0)
    throw new Unmappable('The Shopify order has no line items (line_items is empty): there is nothing to ship');
  const quantities = new Map<string, number>();
  lines.forEach((line, index) => {
    const quantity = line.current_quantity ?? line.quantity;
    const sku = nonEmpty(line.sku);
    if (line.gift_card === true || quantity === 0 || (sku === undefined && line.requires_shipping === false)) return;
    if (sku === undefined) {
      const label = nonEmpty(line.title) ?? nonEmpty(line.name) ?? `#${index + 1}`;
      throw new Unmappable(
        `Line item "${label}" has no SKU (line_items[${index}].sku is empty): give the Shopify variant the supplier's SKU so the product can be ordered`,
      );
    }
    quantities.set(sku, (quantities.get(sku) ?? 0) + quantity);
  });
  if (quantities.size === 0) {
    throw new Unmappable(
      'None of the Shopify line items is a product to ship (all are gift cards, removed, or need no shipping)',
    );
  }
  return [...quantities].map(([sku, quantity]) => ({ sku, quantity }));
}

function shippingMethod(shop: ShopifyOrderWebhook): { shippingMethod?: string } {
  const line = (shop.shipping_lines ?? []).find((l) => l.is_removed !== true);
  // A shipping line naming a supplier carrier becomes the order's shipping method.
  const carrier = carrierNamedIn(line?.code) ?? carrierNamedIn(line?.title);
  return carrier ? { shippingMethod: carrier } : {};
}

function joinName(first: string | null | undefined, last: string | null | undefined): string {
  return [first, last]
    .map((p) => p?.trim() ?? '')
    .filter(Boolean)
    .join(' ');
}

function nonEmpty(value: string | null | undefined): string | undefined {
  const trimmed = value?.trim();
  return trimmed ? trimmed : undefined;
}

function idOf(payload: unknown): string | null {
  if (typeof payload !== 'object' || payload === null) return null;
  const id = (payload as { id?: unknown }).id;
  return typeof id === 'number' || (typeof id === 'string' && id.trim() !== '') ? String(id) : null;
}

function describeIssues(error: z.ZodError): string {
  return error.issues.map((i) => `${i.path.length > 0 ? i.path.join('.') : '(payload)'}: ${i.message}`).join('; ');
}
