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

const LinkSchema = z.object({ href: z.string(), rel: z.string(), method: z.string().optional() });

export const SetupTokenSchema = z.object({
  id: z.string().min(1),
  status: z.string(),
  links: z.array(LinkSchema).optional(),
});
export type SetupToken = z.infer<typeof SetupTokenSchema>;

export const PaymentTokenSchema = z.object({
  id: z.string().min(1),
  customer: z.object({ id: z.string().min(1) }),
  payment_source: z.object({
    // PayPal's wallet response carries the payer's id as payer_id and, in its examples, as account_id.
    paypal: z.object({
      email_address: z.string().min(1),
      payer_id: z.string().min(1).optional(),
      account_id: z.string().min(1).optional(),
    }),
  }),
});
export type PaymentToken = z.infer<typeof PaymentTokenSchema>;

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

const requestKey = z
  .string()
  .min(1)
  .max(100, 'requestKey is at most 100 characters (PayPal-Request-Id allows 108 with its suffix)');
/** PayPal's pattern for setup and payment token ids; checked before the id goes into a URL path. */
export const TokenIdSchema = z
  .string()
  .min(1)
  .max(36)
  .regex(/^[0-9a-zA-Z_-]+$/, 'a PayPal token id holds letters, digits, _ and - only');
// Where PayPal sends the merchant's browser back; the platform's own pages, so http(s) only.
const redirectUrl = z.url({ protocol: /^https?$/, error: 'must be an absolute http(s) URL' }).max(4000);
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

export const SetupTokenInputSchema = z.object({
  requestKey,
  returnUrl: redirectUrl,
  cancelUrl: redirectUrl,
  brandName: z.string().min(1).max(300).optional(),
  // PayPal shows it on the approval page and keeps it to this character set.
  description: z
    .string()
    .min(1)
    .max(128)
    .regex(/^[a-zA-Z0-9_'\-., :;!?"]*$/, 'description may hold letters, digits, spaces and _ \' - . , : ; ! ? " only')
    .optional(),
});

export const PaymentTokenInputSchema = z.object({
  requestKey,
  setupTokenId: TokenIdSchema,
});
