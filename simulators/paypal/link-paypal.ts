import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { PayPalSimulatorAdmin } from './admin-client.js';

export interface LinkPayPalOptions {
  clientId: string;
  clientSecret: string;
  /** The payer's PayPal account; a fresh buyer-<n>@example.com by default. */
  payerEmail?: string;
  /** Makes every capture on the linked account fail with this issue, e.g. INSTRUMENT_DECLINED. */
  declineWith?: string;
}

export interface LinkedPayPal {
  /** The payment token id: what Orders v2 charges as payment_source.paypal.vault_id. */
  vaultId: string;
  setupTokenId: string;
  customerId: string;
  payerEmail: string;
  payerId: string;
}

const TokenSchema = z.object({ access_token: z.string().min(1) });
const SetupTokenSchema = z.object({ id: z.string().min(1) });
const PaymentTokenSchema = z.object({
  id: z.string().min(1),
  customer: z.object({ id: z.string() }),
  payment_source: z.object({ paypal: z.object({ email_address: z.string(), payer_id: z.string() }) }),
});

/**
 * Saves a PayPal account in a running simulator the way a merchant would (setup token, payer approval, payment
 * token) and returns its vault id: for tests and demos that need a chargeable account and are not about linking.
 * The approval goes through /_admin instead of the HTML page.
 */
export async function linkPayPal(baseUrl: string, opts: LinkPayPalOptions): Promise<LinkedPayPal> {
  const base = baseUrl.replace(/\/+$/, '');
  const basic = Buffer.from(`${opts.clientId}:${opts.clientSecret}`).toString('base64');
  const { access_token: token } = await send(TokenSchema, `${base}/v1/oauth2/token`, {
    method: 'POST',
    headers: { authorization: `Basic ${basic}`, 'content-type': 'application/x-www-form-urlencoded' },
    body: 'grant_type=client_credentials',
  });
  const post = (body: unknown): RequestInit => ({
    method: 'POST',
    headers: {
      authorization: `Bearer ${token}`,
      'content-type': 'application/json',
      'paypal-request-id': randomUUID(),
    },
    body: JSON.stringify(body),
  });

  const setup = await send(
    SetupTokenSchema,
    `${base}/v3/vault/setup-tokens`,
    post({
      payment_source: {
        paypal: {
          usage_type: 'MERCHANT',
          // Each link is its own payment token, even when tests reuse one payer e-mail.
          permit_multiple_payment_tokens: true,
          experience_context: {
            return_url: 'https://merchant.example/paypal/return',
            cancel_url: 'https://merchant.example/paypal/cancel',
          },
        },
      },
    }),
  );
  await new PayPalSimulatorAdmin(base).approveSetupToken(setup.id, {
    ...(opts.payerEmail ? { payerEmail: opts.payerEmail } : {}),
    ...(opts.declineWith ? { declineWith: opts.declineWith } : {}),
  });
  const saved = await send(
    PaymentTokenSchema,
    `${base}/v3/vault/payment-tokens`,
    post({ payment_source: { token: { id: setup.id, type: 'SETUP_TOKEN' } } }),
  );
  return {
    vaultId: saved.id,
    setupTokenId: setup.id,
    customerId: saved.customer.id,
    payerEmail: saved.payment_source.paypal.email_address,
    payerId: saved.payment_source.paypal.payer_id,
  };
}

async function send<T>(schema: z.ZodType<T>, url: string, init: RequestInit): Promise<T> {
  const res = await fetch(url, init);
  const text = await res.text();
  if (!res.ok)
    throw new Error(`PayPal simulator ${init.method ?? 'GET'} ${new URL(url).pathname}: HTTP ${res.status} ${text}`);
  return schema.parse(JSON.parse(text));
}
