import { z } from 'zod';
import { Currency, OrderStatus, OrderView, ReviewReasonCode } from '../domain/order.js';
import { allowedActions, orderActions, restActionNames, type ActionName } from '../domain/order-actions.js';
import { orderSorts } from '../db/order-listing.js';
import { withSecretReplay } from './secret-fields.js';
import { MerchantOwner } from './user-schemas.js';

function nonEmpty<T>(list: readonly T[]): [T, ...T[]] {
  const [first, ...rest] = list;
  if (first === undefined) throw new Error('an empty list where one value at least is needed');
  return [first, ...rest];
}

/** The actions a bulk request can send: those that need no arguments (resend, cancel…), from the registry. */
export const bulkActionNames: readonly ActionName[] = restActionNames.filter(
  (n) => orderActions[n].body.safeParse({}).success,
);

/** Request and response shapes of the REST API that are not domain types; all feed the OpenAPI document. */

export const ErrorResponse = z
  .object({
    error: z.object({
      code: z.string().meta({ example: 'VALIDATION_FAILED' }),
      message: z.string(),
      details: z.array(z.unknown()).optional(),
    }),
  })
  .meta({ id: 'Error' });

export const CreateMerchant = z
  .object({
    name: z.string().trim().min(1).max(200),
    currency: Currency.optional(),
    ownerEmail: z.email().max(254).optional().meta({
      description: "The owner's e-mail: the answer carries a one-time set-up link to hand to them (no e-mail is sent)",
    }),
    ownerName: z.string().trim().min(1).max(100).optional(),
  })
  .strict()
  .meta({ id: 'CreateMerchant' });
export const MerchantCreated = withSecretReplay(
  z.object({
    id: z.string(),
    name: z.string(),
    apiKey: z.string().meta({ secret: true, description: 'Shown once; only its hash is stored (masked in a replay)' }),
    keyId: z.string().meta({ description: 'The id of that key, to list or revoke it' }),
    ...MerchantOwner,
  }),
).meta({ id: 'MerchantCreated' });

const limit = z.coerce.number().int().min(1).max(200).default(50);

/** A day (2026-12-07, UTC) or an instant with its offset (2026-12-07T10:00:00+01:00). */
export const isoDate = z
  .string()
  .max(40)
  .regex(/^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2}))?$/, 'an ISO date or date-time')
  .refine((s) => !Number.isNaN(Date.parse(s)), 'not a real date')
  // Years PostgreSQL and JavaScript write alike (no year 0, no five digits once a day is added).
  .refine((s) => Number(s.slice(0, 4)) >= 1000 && Number(s.slice(0, 4)) <= 9998, 'a year from 1000 to 9998');

const isDay = (s: string): boolean => s.length === 10;
/** The first instant an isoDate names. */
export const startOf = (s: string): Date => new Date(isDay(s) ? `${s}T00:00:00Z` : s);
/** The instant just after the last one an isoDate names (a day's end, or the instant itself): an exclusive bound. */
export const endOf = (s: string): Date => new Date(startOf(s).getTime() + (isDay(s) ? 86_400_000 : 1));

/** The filters the listing, its counts, its export and bulk actions share. */
export const OrderFilterQuery = z.object({
  status: OrderStatus.optional(),
  reason: ReviewReasonCode.optional(),
  channel: z.string().max(32).optional(),
  q: z.string().trim().min(1).max(200).optional().meta({
    description:
      "Part of the shop's order number (external id), of the customer's name or e-mail, or of a SKU, in any case; or a whole order id",
  }),
  from: isoDate.optional().meta({ description: 'Created on or after (a day is taken from its start, UTC)' }),
  to: isoDate.optional().meta({ description: 'Created on or before (a day is taken to its end, UTC)' }),
});

export const OrderListQuery = OrderFilterQuery.extend({
  sort: z
    .enum(orderSorts)
    .default('-createdAt')
    .meta({ description: '`-` first: descending. total: what the customer paid' }),
  limit,
  cursor: z.string().max(500).optional(),
});

export const OrderExportQuery = OrderFilterQuery.extend({ sort: OrderListQuery.shape.sort });

/** An order as the API answers it: the view, and what the merchant can do with it now. */
export const Order = OrderView.extend({
  allowedActions: z.array(z.enum(nonEmpty(restActionNames))).meta({
    description: `The actions its status allows now, named as in the action registry (${restActionNames
      .map((n) => `${n}: ${orderActions[n].rest?.method.toUpperCase()} ${orderActions[n].rest?.path}`)
      .join('; ')}). Empty for an operator, who cannot act on orders`,
  }),
}).meta({ id: 'Order' });

export const OrderList = z
  .object({ items: z.array(Order), nextCursor: z.string().nullable() })
  .meta({ id: 'OrderList' });

export const OrderCounts = z
  .object({
    total: z.number().int().meta({ description: 'Orders matching the filters other than status' }),
    byStatus: z.record(z.string(), z.number().int()).meta({
      description:
        'Per status, for the filters other than status (every tab at once); statuses without orders are absent',
    }),
    byReason: z.record(z.string(), z.number().int()).meta({
      description: 'Per review reason, for all the filters (status included); an order with two reasons counts twice',
    }),
  })
  .meta({ id: 'OrderCounts' });

export const BulkAction = z
  .object({
    action: z.enum(nonEmpty(bulkActionNames)),
    ids: z
      .array(z.string().max(64))
      .min(1)
      .max(200)
      .refine((ids) => new Set(ids).size === ids.length, 'each order once'),
  })
  .strict()
  .meta({ id: 'BulkAction' });

export const BulkActionResult = z
  .object({
    results: z.array(
      z.object({
        id: z.string(),
        ok: z.boolean(),
        status: OrderStatus.optional().meta({ description: 'The order status after the action (when found)' }),
        error: z.object({ code: z.string(), message: z.string() }).optional(),
      }),
    ),
  })
  .meta({ id: 'BulkActionResult' });

export const OrderEvent = z
  .object({
    at: z.string(),
    type: z.string().meta({ example: 'status.changed' }),
    status: OrderStatus,
    by: z.string().nullable().meta({ description: 'Who caused it: merchant, operator, timer, channel…' }),
    details: z.record(z.string(), z.unknown()),
  })
  .meta({ id: 'OrderEvent' });

export const BulkResend = z
  .object({
    filter: z
      .object({
        status: z.literal('PENDING_REVIEW').default('PENDING_REVIEW'),
        reason: ReviewReasonCode.optional(),
        channel: z.string().max(32).optional(),
      })
      .strict()
      .default({ status: 'PENDING_REVIEW' }),
    limit: z.number().int().min(1).max(500).default(100),
  })
  .strict()
  .meta({ id: 'BulkResend' });

export const BulkResendResult = z
  .object({
    matched: z.number().int(),
    resent: z.number().int(),
    resentIds: z.array(z.string()),
    refused: z.array(z.object({ id: z.string(), code: z.string(), message: z.string() })),
  })
  .meta({ id: 'BulkResendResult' });

export const PageQuery = z.object({
  limit,
  cursor: z
    .string()
    .max(18)
    .regex(/^\d{1,18}$/, 'a cursor from a previous page')
    .optional(),
});

export const Product = z
  .object({
    sku: z.string(),
    name: z.string(),
    price: z.number().int(),
    currency: z.string(),
    stock: z.number().int(),
    syncedAt: z.string(),
  })
  .meta({ id: 'Product' });
export const ProductList = z
  .object({ items: z.array(Product), nextCursor: z.string().nullable() })
  .meta({ id: 'ProductList' });
export const ProductQuery = z.object({
  limit,
  cursor: z.string().max(64).optional(),
  sku: z.string().max(64).optional(),
});

/** The order as answered to this principal: merchants see what they can do with it now, operators nothing. */
export function orderAnswer<T extends { status: OrderStatus }>(
  order: T,
  canAct: boolean,
): T & { allowedActions: ActionName[] } {
  return { ...order, allowedActions: canAct ? allowedActions(order.status) : [] };
}
