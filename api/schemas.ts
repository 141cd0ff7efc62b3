import { z } from 'zod';
import { Currency, OrderStatus, OrderView } from '../domain/order.js';
import { ReviewReasonCode } from '../domain/review-reasons.js';

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

export const CreateMerchant = z.object({ name: z.string().trim().min(1).max(200), currency: Currency.optional() }).strict().meta({ id: 'CreateMerchant' });
export const MerchantCreated = z
  .object({ id: z.string(), name: z.string(), apiKey: z.string().meta({ description: 'Shown once; only its hash is stored' }) })
  .meta({ id: 'MerchantCreated' });

const limit = z.coerce.number().int().min(1).max(200).default(50);

export const OrderListQuery = z.object({
  status: OrderStatus.optional(),
  reason: ReviewReasonCode.optional(),
  channel: z.string().max(32).optional(),
  limit,
  cursor: z.string().max(500).optional(),
});

export const OrderList = z.object({ items: z.array(OrderView), nextCursor: z.string().nullable() }).meta({ id: 'OrderList' });

export const OrderEvent = z
  .object({
    at: z.string(),
    type: z.string().meta({ example: 'status.changed' }),
    status: OrderStatus,
    by: z.string().nullable().meta({ description: 'Who caused it: merchant, operator, timer, channel…' }),
    details: z.record(z.string(), z.unknown()),
  })
  .meta({ id: 'OrderEvent' });

export const CancelBody = z.object({ reason: z.string().trim().max(500).optional() }).strict().meta({ id: 'CancelOrder' });
export const SynchronizeBody = z.object({ shippingMethod: z.string().trim().min(1).max(40).optional() }).strict().meta({ id: 'SynchronizeOrder' });
export const EmptyBody = z.object({}).strict();

export const CancelResult = OrderView.extend({
  channelCancelled: z.boolean(),
  message: z.string(),
}).meta({ id: 'CancelResult' });

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

export const Wallet = z
  .object({ balance: z.number().int(), reserved: z.number().int(), available: z.number().int(), currency: z.string() })
  .meta({ id: 'Wallet' });

export const TopUp = z
  .object({
    amount: z.number().int().min(1).max(100_000_000),
    currency: Currency,
    reference: z.string().trim().min(1).max(200).meta({ description: 'Your reference (e.g. the bank transaction); credited once' }),
  })
  .strict()
  .meta({ id: 'TopUp' });

export const WalletTransaction = z
  .object({
    id: z.string(),
    kind: z.enum(['top_up', 'hold', 'capture', 'release', 'refund']),
    amount: z.number().int(),
    currency: z.string(),
    balanceAfter: z.number().int(),
    reservedAfter: z.number().int(),
    orderId: z.string().nullable(),
    reference: z.string().nullable(),
    createdAt: z.string(),
  })
  .meta({ id: 'WalletTransaction' });

export const TopUpResult = z.object({ transaction: WalletTransaction, wallet: Wallet, ordersResumed: z.array(z.string()) }).meta({ id: 'TopUpResult' });
export const TransactionList = z.object({ items: z.array(WalletTransaction), nextCursor: z.string().nullable() }).meta({ id: 'TransactionList' });
export const PageQuery = z.object({ limit, cursor: z.string().max(18).regex(/^\d{1,18}$/, 'a cursor from a previous page').optional() });

export const Product = z
  .object({ sku: z.string(), name: z.string(), price: z.number().int(), currency: z.string(), stock: z.number().int(), syncedAt: z.string() })
  .meta({ id: 'Product' });
export const ProductList = z.object({ items: z.array(Product), nextCursor: z.string().nullable() }).meta({ id: 'ProductList' });
export const ProductQuery = z.object({ limit, cursor: z.string().max(64).optional(), sku: z.string().max(64).optional() });

export const PayPalSettingsBody = z
  .object({ enabled: z.boolean(), vaultId: z.string().trim().min(1).max(200).optional() })
  .strict()
  .refine((s) => !s.enabled || s.vaultId !== undefined, { message: 'vaultId is required to enable PayPal', path: ['vaultId'] })
  .meta({ id: 'PayPalSettings' });
export const Settings = z
  .object({ paypal: z.object({ enabled: z.boolean(), vaultId: z.string().nullable() }) })
  .meta({ id: 'Settings' });
