import { z } from 'zod';
import { ReviewReason } from './review-reasons.js';

/**
 * The order as merchants and connectors submit it. Keys and types are enforced here (422 when wrong);
 * the *content* of customer data (a too-long address, a bad phone) is not: such an order is accepted and
 * waits in review with a reason, because a channel order must never be lost over a typo.
 */
export const orderStatuses = [
  'RECEIVED',
  'AWAITING_PAYMENT',
  'AWAITING_SHIPPING_METHOD',
  'PENDING_REVIEW',
  'PROCESSING',
  'SUBMITTED',
  'SHIPPED',
  'CANCELLED',
  'SENT_MANUALLY',
] as const;
export const OrderStatus = z.enum(orderStatuses);
export type OrderStatus = z.infer<typeof OrderStatus>;

export const terminalStatuses: ReadonlySet<OrderStatus> = new Set(['SHIPPED', 'CANCELLED', 'SENT_MANUALLY']);

export const Channel = z
  .string()
  .max(32)
  .regex(
    /^[a-z][a-z0-9_-]{1,31}$/,
    'lower-case channel name, e.g. amazon, ebay, manual (GET /v1/sales-channels lists them)',
  )
  .meta({ example: 'amazon' });

export const Currency = z
  .string()
  .max(3)
  .regex(/^[A-Z]{3}$/, 'ISO 4217 code in capitals, e.g. EUR')
  .meta({ example: 'EUR' });

export const PaymentMethod = z.enum(['prepaid', 'bank_transfer', 'cod']);
export type PaymentMethod = z.infer<typeof PaymentMethod>;

export const Payment = z.object({
  method: PaymentMethod,
  amountPaid: z.number().int().min(0).max(100_000_000).meta({ description: 'What the customer paid, in minor units' }),
  currency: Currency,
});
export type Payment = z.infer<typeof Payment>;

const customerFields = {
  name: z.string().max(200),
  email: z.string().max(320),
  phone: z.string().max(60),
};

export const Customer = z.object({
  name: customerFields.name,
  email: customerFields.email.default(''),
  phone: customerFields.phone.default(''),
});
export type Customer = z.infer<typeof Customer>;

const addressFields = {
  line1: z.string().max(500),
  line2: z.string().max(500),
  city: z.string().max(200),
  postcode: z.string().max(40),
  region: z.string().max(100),
  country: z
    .string()
    .max(2)
    .regex(/^[A-Za-z]{2}$/, 'ISO 3166-1 alpha-2 country code, e.g. IT')
    .transform((c) => c.toUpperCase()),
};

export const ShippingAddress = z.object({
  ...addressFields,
  line2: addressFields.line2.default(''),
  region: addressFields.region.default(''),
});
export type ShippingAddress = z.infer<typeof ShippingAddress>;

export const OrderItem = z.object({
  sku: z.string().min(1).max(64),
  quantity: z.number().int().min(1).max(999),
});
export type OrderItem = z.infer<typeof OrderItem>;

export const ShippingMethod = z.string().trim().min(1).max(40).meta({ example: 'gls' });

export const NewOrder = z
  .object({
    channel: Channel,
    externalId: z.string().trim().min(1).max(100),
    payment: Payment,
    customer: Customer,
    shippingAddress: ShippingAddress,
    items: z.array(OrderItem).min(1).max(100),
    shippingMethod: ShippingMethod.optional(),
  })
  .meta({ id: 'NewOrder' });
export type NewOrder = z.infer<typeof NewOrder>;

/** The fields a merchant may correct while an order waits. */
export const OrderPatch = z
  .object({
    // No defaults here: a field left out of a fix must keep its value, not become ''.
    customer: z.object(customerFields).partial().strict().optional(),
    shippingAddress: z.object(addressFields).partial().strict().optional(),
    shippingMethod: ShippingMethod.optional(),
  })
  .strict()
  .refine((p) => p.customer !== undefined || p.shippingAddress !== undefined || p.shippingMethod !== undefined, {
    message: 'nothing to change: give customer, shippingAddress or shippingMethod',
  })
  .meta({ id: 'OrderPatch' });
export type OrderPatch = z.infer<typeof OrderPatch>;

/** Everything the workflow needs to know about the order it runs, fixed at creation. */
export interface OrderRecord extends NewOrder {
  id: string;
  merchantId: string;
  createdAt: string;
  /** Set when the order came through a shop connector: used to push tracking and cancellations back. */
  channelConnectionId?: string;
}

export const Cost = z
  .object({
    products: z.number().int(),
    shipping: z.number().int(),
    taxes: z.number().int(),
    total: z.number().int(),
    currency: Currency,
  })
  .meta({ id: 'Cost' });
export type Cost = z.infer<typeof Cost>;

export const ChargeSource = z.enum(['wallet', 'paypal']);
export const Charge = z
  .object({
    source: ChargeSource,
    amount: z.number().int(),
    currency: Currency,
    reference: z.string(),
    state: z.enum(['held', 'captured', 'returned']),
  })
  .meta({ id: 'Charge' });
export type Charge = z.infer<typeof Charge>;

export const Tracking = z
  .object({ number: z.string(), carrier: z.string(), url: z.string().nullable() })
  .meta({ id: 'Tracking' });
export type Tracking = z.infer<typeof Tracking>;

export const OrderView = z
  .object({
    id: z.string(),
    workflowId: z.string(),
    merchantId: z.string(),
    channel: z.string(),
    externalId: z.string(),
    status: OrderStatus,
    reviewReasons: z.array(ReviewReason),
    payment: Payment,
    customer: Customer,
    shippingAddress: ShippingAddress,
    items: z.array(OrderItem),
    shippingMethod: z.string().nullable(),
    cost: Cost.nullable(),
    charge: Charge.nullable(),
    supplierOrderId: z.string().nullable(),
    tracking: Tracking.nullable(),
    waitingFor: z
      .string()
      .nullable()
      .meta({ description: 'In plain words: what the order waits for and what moves it on' }),
    createdAt: z.string(),
    updatedAt: z.string(),
    version: z.number().int(),
  })
  // The API's Order (api/schemas.ts) is this view with the actions its status allows.
  .meta({ id: 'OrderView' });
export type OrderView = z.infer<typeof OrderView>;
