import { z } from 'zod';

/**
 * Request bodies of Payment Method Tokens v3 as the simulator accepts them: the PayPal wallet source only (no cards,
 * no Venmo), with the lengths and patterns of PayPal's published schema (paypal-rest-api-specifications,
 * vault_payment_tokens_v3.json) so a request the simulator takes is one PayPal would read the same way.
 */

function isAbsoluteUrl(value: string): boolean {
  return URL.canParse(value);
}

const redirectUrl = z
  .string()
  .min(1)
  .max(4000)
  .refine(isAbsoluteUrl, { message: 'must be an absolute URL', params: { issue: 'INVALID_PARAMETER_SYNTAX' } });
const customerId = z
  .string()
  .min(1)
  .max(22)
  .regex(/^[0-9a-zA-Z_-]+$/);

/** The text PayPal shows the payer on the approval page; the schema keeps it to a plain character set. */
export const walletDescription = z
  .string()
  .min(1)
  .max(128)
  .regex(/^[a-zA-Z0-9_'\-., :;!?"]*$/, 'description may hold letters, digits, spaces and _ \' - . , : ; ! ? " only');

export const CreateSetupTokenSchema = z.object({
  customer: z.object({ id: customerId.optional() }).optional(),
  payment_source: z.object({
    paypal: z.object({
      description: walletDescription.optional(),
      // MERCHANT: the merchant charges later with the payer absent. PLATFORM is the partner variant.
      usage_type: z.enum(['MERCHANT', 'PLATFORM']).default('MERCHANT'),
      customer_type: z.enum(['CONSUMER', 'BUSINESS']).default('CONSUMER'),
      permit_multiple_payment_tokens: z.boolean().default(false),
      // PayPal requires both URLs for a PayPal wallet: the payer's browser is sent back to one of them.
      experience_context: z.object({
        brand_name: z.string().min(1).max(300).optional(),
        locale: z
          .string()
          .regex(/^[a-z]{2}(?:-[A-Z][a-z]{3})?(?:-(?:[A-Z]{2}|[0-9]{3}))?$/)
          .optional(),
        return_url: redirectUrl,
        cancel_url: redirectUrl,
        shipping_preference: z.enum(['GET_FROM_FILE', 'NO_SHIPPING', 'SET_PROVIDED_ADDRESS']).optional(),
        vault_instruction: z.enum(['ON_CREATE_PAYMENT_TOKENS', 'ON_PAYER_APPROVAL']).optional(),
      }),
    }),
  }),
});

export const CreatePaymentTokenSchema = z.object({
  customer: z.object({ id: customerId.optional() }).optional(),
  payment_source: z.object({
    // Exchanging an approved setup token is the only source simulated; BILLING_AGREEMENT ids are legacy.
    token: z.object({
      id: z
        .string()
        .min(1)
        .max(255)
        .regex(/^[0-9A-Za-z_-]+$/),
      type: z.enum(['SETUP_TOKEN']),
    }),
  }),
});

/** PayPal's id pattern for setup and payment tokens in a path; anything else cannot name one. */
export const TokenIdSchema = z
  .string()
  .min(1)
  .max(36)
  .regex(/^[0-9a-zA-Z_-]+$/);

const issue = z
  .string()
  .regex(/^[A-Z][A-Z_]*$/, 'an issue code such as INSTRUMENT_DECLINED')
  .max(100);

/** The payer's side of an approval, from the approval page or /_admin. */
export const ApprovalSchema = z.object({
  payerEmail: z.email().max(254).optional(),
  /** Rehearses a saved account that cannot pay: captures on the resulting payment token fail with this issue. */
  declineWith: issue.optional(),
});
export type Approval = z.infer<typeof ApprovalSchema>;

/** The approval page's form post. */
export const ApprovalFormSchema = z.object({
  approval_session_id: TokenIdSchema,
  action: z.enum(['approve', 'cancel']),
  payer_email: z.union([z.literal(''), z.email().max(254)]).optional(),
});
