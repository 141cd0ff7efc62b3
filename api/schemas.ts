import { z } from 'zod';
import { Currency, OrderStatus, OrderView } from '../domain/order.js';
import { ReviewReasonCode } from '../domain/review-reasons.js';
import { withSecretReplay } from './secret-fields.js';
import { MerchantOwner } from './user-schemas.js';

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

export const OrderListQuery = z.object({
  status: OrderStatus.optional(),
  reason: ReviewReasonCode.optional(),
  channel: z.string().max(32).optional(),
  limit,
  cursor: z.string().max(500).optional(),
});

export const OrderList = z
  .object({ items: z.array(OrderView), nextCursor: z.string().nullable() })
  .meta({ id: 'OrderList' });

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
