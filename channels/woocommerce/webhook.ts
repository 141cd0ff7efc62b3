import { z } from 'zod';
import { carrierNamedIn } from '../../domain/carriers.js';
import { decimalToMinor } from '../../domain/money.js';
import { NewOrder, type OrderItem, type PaymentMethod } from '../../domain/order.js';
import type { ShopOrderEvent } from '../shop-order-event.js';

/**
 * WooCommerce order webhooks → the platform's order. Pure, so the route can map, store and acknowledge at once.
 * Webhooks carry the REST v3 order as `GET /wp-json/wc/v3/orders/{id}` returns it. The schema holds only the
 * fields we read and forgives what PHP does to them: empty strings for unset fields, null where a plugin
 * removed a value, `[]` for an empty object, numbers where strings are documented.
 */

/** The topics the platform acts on; the merchant creates one webhook for each. */
export const wooCommerceOrderTopics = ['order.created', 'order.updated'];
const orderTopics = new Set(wooCommerceOrderTopics);

/** Statuses WooCommerce gives an order once payment is received. */
const paidStatuses = new Set(['processing', 'completed']);
/** Nothing left to ship: cancelled by the merchant, money returned, or payment failed. */
const cancelledStatuses = new Set(['cancelled', 'refunded', 'failed']);
/** Gateways where the customer pays the merchant's bank later: WooCommerce holds the order on-hold until then. */
const bankTransferGateways = new Set(['bacs', 'cheque']);

/** A text field as WooCommerce fills it: '' when unset; null or a number tolerated. */
const text = z
  .union([z.string(), z.number()])
  .nullish()
  .transform((v) => (v === null || v === undefined ? '' : String(v).trim()));

/** PHP encodes an empty associative array as `[]`, so an address with nothing in it may arrive as a list. */
const emptyListAsObject = (value: unknown): unknown =>
  Array.isArray(value) && value.length === 0 ? {} : (value ?? {});

const WooAddress = z.preprocess(
  emptyListAsObject,
  z.looseObject({
    first_name: text,
    last_name: text,
    company: text,
    address_1: text,
    address_2: text,
    city: text,
    state: text,
    postcode: text,
    country: text,
    email: text,
    phone: text,
  }),
);
type WooAddress = z.infer<typeof WooAddress>;

const WooLineItem = z.looseObject({
  id: z.number().nullish(),
  name: text,
  product_id: z.number().nullish(),
  sku: text,
  quantity: z.coerce.number(),
});

const WooShippingLine = z.looseObject({ method_id: text, method_title: text });

export const WooCommerceOrderWebhook = z.looseObject({
  id: z.union([z.number().int().positive(), z.string().regex(/^\d+$/).transform(Number)]),
  number: text,
  status: z.string(),
  currency: z.string(),
  total: z.union([z.string(), z.number()]).transform((v) => String(v).trim()),
  payment_method: text,
  payment_method_title: text,
  date_paid: z
    .string()
    .nullish()
    .transform((v) => (v ? v : null)),
  billing: WooAddress,
  shipping: WooAddress,
  line_items: z.array(WooLineItem),
  shipping_lines: z.array(WooShippingLine).nullish(),
  meta_data: z.array(z.unknown()).nullish(),
});
export type WooCommerceOrderWebhook = z.infer<typeof WooCommerceOrderWebhook>;

export function mapWooCommerceOrderWebhook(topic: string, payload: unknown): ShopOrderEvent {
  const normalizedTopic = topic.trim().toLowerCase();
  if (!orderTopics.has(normalizedTopic)) {
    return { kind: 'ignored', reason: `WooCommerce topic "${topic}" is not an order creation or update` };
  }

  const parsed = WooCommerceOrderWebhook.safeParse(payload);
  if (!parsed.success) {
    return {
      kind: 'unmappable',
      reason: `The WooCommerce order could not be read: ${describeIssues(parsed.error)}`,
      externalId: readableId(payload),
    };
  }
  const woo = parsed.data;
  const externalId = String(woo.id);
  const unmappable = (reason: string): ShopOrderEvent => ({
    kind: 'unmappable',
    reason: `WooCommerce order ${woo.number || externalId}: ${reason}`,
    externalId,
  });

  if (!/^\d+(\.\d+)?$/.test(woo.total)) return unmappable(`total "${woo.total}" is not an amount`);

  const items = mapItems(woo.line_items);
  if (typeof items === 'string') return unmappable(items);

  // The shipping address, or billing when the checkout had no separate shipping address (virtual-only carts,
  // or shops that hide the shipping fields). The two are never mixed field by field.
  const source: { name: 'shipping' | 'billing'; address: WooAddress } | null = woo.shipping.address_1
    ? { name: 'shipping', address: woo.shipping }
    : woo.billing.address_1
      ? { name: 'billing', address: woo.billing }
      : null;
  if (!source) return unmappable('the order has no address: shipping.address_1 and billing.address_1 are both empty');
  const { address } = source;
  if (!/^[A-Za-z]{2}$/.test(address.country)) {
    return unmappable(`${source.name}.country "${address.country}" is not a two-letter ISO country code`);
  }

  const method = paymentMethod(woo.payment_method);
  const shippingMethod = carrierOf(woo.shipping_lines ?? []);
  const candidate = {
    channel: 'woocommerce',
    externalId,
    payment: { method, amountPaid: decimalToMinor(Number(woo.total)), currency: woo.currency.toUpperCase() },
    customer: {
      name: fullName(woo.shipping) || fullName(woo.billing) || woo.shipping.company || woo.billing.company,
      email: woo.billing.email,
      phone: woo.shipping.phone || woo.billing.phone,
    },
    shippingAddress: {
      line1: address.address_1,
      line2: address.address_2,
      city: address.city,
      postcode: address.postcode,
      region: address.state,
      country: address.country,
    },
    items,
    ...(shippingMethod ? { shippingMethod } : {}),
  };
  const order = NewOrder.safeParse(candidate);
  if (!order.success) return unmappable(`the mapped order is not valid: ${describeIssues(order.error)}`);

  return {
    kind: 'order',
    externalId,
    order: order.data,
    paid: isPaid(method, woo.status, woo.date_paid),
    cancelled: cancelledStatuses.has(woo.status),
  };
}

function paymentMethod(gateway: string): PaymentMethod {
  const id = gateway.toLowerCase();
  if (id === 'cod') return 'cod';
  if (bankTransferGateways.has(id)) return 'bank_transfer';
  return 'prepaid';
}

/**
 * WooCommerce moves a cash-on-delivery order straight to processing, and since 3.0 stamps `date_paid` when it
 * does (woocommerce#14775), though no money has moved: such an order is paid only once completed (the courier
 * collected). For every other gateway processing/completed or a payment date means the shop has the money.
 */
function isPaid(method: PaymentMethod, status: string, datePaid: string | null): boolean {
  if (method === 'cod') return status === 'completed';
  return paidStatuses.has(status) || datePaid !== null;
}

/** The supplier's SKUs; lines of the same SKU (e.g. two personalisations of one product) are added up. */
function mapItems(lines: z.infer<typeof WooLineItem>[]): OrderItem[] | string {
  if (lines.length === 0) return 'the order has no line items (line_items is empty)';
  const quantities = new Map<string, number>();
  for (const [index, line] of lines.entries()) {
    if (!line.sku) {
      const product = line.product_id ? `, product ${line.product_id}` : '';
      return `line item "${line.name || `#${index + 1}`}" (line_items[${index}]${product}) has no SKU; give the product the supplier's SKU in WooCommerce and resend`;
    }
    quantities.set(line.sku, (quantities.get(line.sku) ?? 0) + line.quantity);
  }
  return [...quantities].map(([sku, quantity]) => ({ sku, quantity }));
}

function carrierOf(lines: z.infer<typeof WooShippingLine>[]): string | undefined {
  for (const line of lines) {
    const carrier = carrierNamedIn(line.method_title) ?? carrierNamedIn(line.method_id);
    if (carrier) return carrier;
  }
  return undefined;
}

function fullName(address: WooAddress): string {
  return [address.first_name, address.last_name].filter(Boolean).join(' ');
}

function describeIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 5)
    .map((issue) => {
      const field = issue.path
        .map((p, i) => (typeof p === 'number' ? `[${p}]` : `${i > 0 ? '.' : ''}${String(p)}`))
        .join('');
      return field ? `${field}: ${issue.message}` : issue.message;
    })
    .join('; ');
}

/** The order id of a payload the schema refused, so the operator can still find the order on the shop. */
function readableId(payload: unknown): string | null {
  if (typeof payload !== 'object' || payload === null) return null;
  const id = (payload as { id?: unknown }).id;
  return (typeof id === 'number' && Number.isSafeInteger(id) && id > 0) || (typeof id === 'string' && /^\d+$/.test(id))
    ? String(id)
    : null;
}

/**
 * The ping WooCommerce sends when a webhook is saved: `webhook_id=N`, form-encoded (or with no type at all),
 * unsigned. It must be acknowledged with a 200 or WooCommerce refuses to save the webhook.
 */
export function isWooCommercePing(rawBody: Buffer, contentType: string | undefined): boolean {
  if (rawBody.length > 64) return false;
  const mediaType = contentType?.split(';')[0]?.trim().toLowerCase() ?? '';
  if (mediaType !== '' && mediaType !== 'application/x-www-form-urlencoded') return false;
  return /^webhook_id=\d+$/.test(rawBody.toString('utf8').trim());
}
