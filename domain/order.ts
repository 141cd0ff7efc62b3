import { z } from 'zod';
import { addressFields, customerFields, orderPatchBody, shippingMethod } from './order-patch.js';
import { orderStatuses } from './order-status.js';
import { reviewReasonCodes, type ReviewReason as ReviewReasonData } from './review-reasons.js';

/**
 * The order as merchants and connectors submit it. Keys and types are enforced here (422 when wrong);
 * the *content* of customer data (a too-long address, a bad phone) is not: such an order is accepted and
 * waits in review with a reason, because a channel order must never be lost over a typo.
 */
export { orderStatuses, terminalStatuses } from './order-status.js';
export const OrderStatus = z.enum(orderStatuses);
export type OrderStatus = z.infer<typeof OrderStatus>;

export const ReviewReasonCode = z.enum(reviewReasonCodes);
export type ReviewReasonCode = z.infer<typeof ReviewReasonCode>;

export const ReviewReason = z
  .object({
    code: ReviewReasonCode,
    field: z.string().optional(),
    message: z.string(),
  })
  .meta({ id: 'ReviewReason' }) satisfies z.ZodType<ReviewReasonData>;
export type ReviewReason = z.infer<typeof ReviewReason>;

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

const customer = customerFields();

export const Customer = z.object({
  name: customer.name,
  email: customer.email.default(''),
  phone: customer.phone.default(''),
});
export type Customer = z.infer<typeof Customer>;

const address = addressFields();

export const ShippingAddress = z.object({
  ...address,
  line2: address.line2.default(''),
  region: address.region.default(''),
});
export type ShippingAddress = z.infer<typeof ShippingAddress>;

export const OrderItem = z.object({
  sku: z.string().min(1).max(64),
  quantity: z.number().int().min(1).max(999),
});
export type OrderItem = z.infer<typeof OrderItem>;

export const ShippingMethod = shippingMethod();

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
export const OrderPatch = orderPatchBody();
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
