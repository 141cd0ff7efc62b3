import { z } from 'zod';
import type { IssueDetail } from './errors.js';
import { parseValue } from './money.js';

/** Money as PayPal writes it; the value's precision depends on the currency, so it is checked against it. */
export const AmountSchema = z
  .object({
    currency_code: z.string().regex(/^[A-Z]{3}$/, 'currency_code must be a three-letter ISO 4217 code'),
    value: z.string().max(32),
  })
  .superRefine((amount, ctx) => {
    const parsed = parseValue(amount.value, amount.currency_code);
    if (!parsed.ok) {
      ctx.addIssue({
        code: 'custom',
        path: ['value'],
        input: amount.value,
        message:
          parsed.issue === 'DECIMAL_PRECISION'
            ? `${amount.currency_code} does not take that many decimals`
            : 'value must be a decimal number such as 39.90',
        params: { issue: parsed.issue },
      });
    } else if (parsed.minor <= 0) {
      ctx.addIssue({
        code: 'custom',
        path: ['value'],
        message: 'value must be greater than zero',
        params: { issue: 'INVALID_PARAMETER_VALUE' },
      });
    }
  });

export const CreateOrderSchema = z.object({
  // Only CAPTURE is simulated: the platform never authorizes first.
  intent: z.enum(['CAPTURE']),
  // PayPal accepts up to ten units; the platform sends one per order, so the simulator keeps it to one.
  purchase_units: z
    .array(
      z.object({
        reference_id: z.string().min(1).max(256).optional(),
        invoice_id: z.string().min(1).max(127).optional(),
        custom_id: z.string().min(1).max(127).optional(),
        description: z.string().min(1).max(127).optional(),
        amount: AmountSchema,
      }),
    )
    .min(1)
    .max(1),
  // Vaulted charges only: a buyer-approval flow needs a browser, which a merchant-not-present charge never has.
  payment_source: z.object({
    paypal: z.object({ vault_id: z.string().min(1).max(255) }),
  }),
});
export type CreateOrderBody = z.infer<typeof CreateOrderSchema>;

export const CaptureBodySchema = z.object({}).loose().optional();

export const RefundBodySchema = z
  .object({
    amount: AmountSchema.optional(),
    invoice_id: z.string().min(1).max(127).optional(),
    custom_id: z.string().min(1).max(127).optional(),
    note_to_payer: z.string().min(1).max(255).optional(),
  })
  .optional();
export type RefundBody = z.infer<typeof RefundBodySchema>;

/** PayPal-Request-Id is limited in length by PayPal; longer ones are refused rather than silently truncated. */
export const RequestIdSchema = z.string().min(1).max(108).optional();

function pointer(path: PropertyKey[]): string {
  return `/${path.map((p) => String(p)).join('/')}`;
}

function issueCode(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case 'invalid_type':
      return issue.input === undefined ? 'MISSING_REQUIRED_PARAMETER' : 'INVALID_PARAMETER_SYNTAX';
    case 'invalid_format':
      return 'INVALID_PARAMETER_SYNTAX';
    case 'invalid_value':
      return 'INVALID_PARAMETER_VALUE';
    case 'too_big':
      return issue.origin === 'array'
        ? 'INVALID_ARRAY_MAX_ITEMS'
        : issue.origin === 'string'
          ? 'INVALID_STRING_MAX_LENGTH'
          : 'INVALID_PARAMETER_VALUE';
    case 'too_small':
      return issue.origin === 'array'
        ? 'INVALID_ARRAY_MIN_ITEMS'
        : issue.origin === 'string'
          ? 'INVALID_STRING_MIN_LENGTH'
          : 'INVALID_PARAMETER_VALUE';
    case 'custom': {
      const custom: unknown = issue.params?.['issue'];
      return typeof custom === 'string' ? custom : 'INVALID_PARAMETER_VALUE';
    }
    default:
      return 'INVALID_PARAMETER_VALUE';
  }
}

/** Validates with zod and, on failure, turns zod's issues into PayPal's `details` entries (JSON-pointer fields). */
export function validate<T extends z.ZodType>(
  schema: T,
  input: unknown,
  location: IssueDetail['location'] = 'body',
): { ok: true; data: z.infer<T> } | { ok: false; details: IssueDetail[] } {
  const result = schema.safeParse(input, { reportInput: true });
  if (result.success) return { ok: true, data: result.data };
  return {
    ok: false,
    details: result.error.issues.map((issue) => ({
      field: pointer(issue.path),
      ...(typeof issue.input === 'string' ? { value: issue.input } : {}),
      location,
      issue: issueCode(issue),
      description: issue.message,
    })),
  };
}
