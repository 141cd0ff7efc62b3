import { z } from 'zod';

/**
 * What the client relies on in PayPal's answers, and nothing more: unknown fields pass, and statuses stay plain
 * strings so a status PayPal adds later is handled by the client's logic instead of failing the parse.
 */

export const TokenResponseSchema = z.object({
  access_token: z.string().min(1),
  token_type: z.string().regex(/^bearer$/i),
  expires_in: z.number().int().positive(),
});
export type TokenResponse = z.infer<typeof TokenResponseSchema>;

const MoneySchema = z.object({ currency_code: z.string(), value: z.string() });

export const CaptureSchema = z.object({
  id: z.string().min(1),
  status: z.string(),
  amount: MoneySchema.optional(),
  invoice_id: z.string().optional(),
  status_details: z.object({ reason: z.string().optional() }).optional(),
});
export type Capture = z.infer<typeof CaptureSchema>;

export const OrderSchema = z.object({
  id: z.string().min(1),
  status: z.string(),
  purchase_units: z
    .array(
      z.object({
        payments: z.object({ captures: z.array(CaptureSchema).optional() }).optional(),
      }),
    )
    .optional(),
});
export type Order = z.infer<typeof OrderSchema>;

export const RefundSchema = z.object({
  id: z.string().min(1),
  status: z.string(),
  status_details: z.object({ reason: z.string().optional() }).optional(),
});
export type Refund = z.infer<typeof RefundSchema>;

/** Both error shapes: v2's `{ name, message, details[], debug_id }` and OAuth's `{ error, error_description }`. */
export const ErrorBodySchema = z.object({
  name: z.string().optional(),
  message: z.string().optional(),
  debug_id: z.string().optional(),
  details: z
    .array(
      z.object({
        issue: z.string().optional(),
        description: z.string().optional(),
        field: z.string().optional(),
      }),
    )
    .optional(),
  error: z.string().optional(),
  error_description: z.string().optional(),
});
export type ErrorBody = z.infer<typeof ErrorBodySchema>;

const requestKey = z.string().min(1).max(100, 'requestKey is at most 100 characters (PayPal-Request-Id allows 108 with its suffix)');
const currency = z.string().regex(/^[A-Z]{3}$/, 'currency must be an ISO 4217 code such as EUR');
const minorAmount = z.number().int().positive().max(Number.MAX_SAFE_INTEGER);

export const ChargeInputSchema = z.object({
  requestKey,
  invoiceId: z.string().min(1).max(127),
  vaultId: z.string().min(1).max(255),
  amount: minorAmount,
  currency,
  description: z.string().min(1).max(127).optional(),
});

export const RefundInputSchema = z.object({
  requestKey,
  captureId: z.string().min(1).max(64),
  amount: minorAmount,
  currency,
});
