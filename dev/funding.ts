import type { TopUpView } from '../domain/top-up.js';
import { PayPalSimulatorAdmin } from '../simulators/paypal/admin-client.js';
import type { HttpClient } from './http-client.js';

/**
 * Money set up the way the platform allows it, over its REST API: an operator's audited adjustment, a bank-transfer
 * top-up the finance desk confirms, a PayPal linked through PayPal's approval. Shared by `npm start`, the scripts
 * and the tests.
 */

function expectStatus(what: string, res: { status: number; text: string }, ...ok: number[]): void {
  if (!ok.includes(res.status)) throw new Error(`${what}: HTTP ${res.status} ${res.text}`);
}

/** A named operator key, created with the root key (only root manages operator keys). */
export async function createOperatorKey(
  api: HttpClient,
  rootKey: string,
  name: string,
): Promise<{ id: string; key: string }> {
  const res = await api.post('/v1/operator-keys', { name }, { key: rootKey });
  expectStatus(`operator key ${name}`, res, 201);
  return { id: res.body.id as string, key: res.body.apiKey as string };
}

/** An operator's signed adjustment of a merchant's wallet, with its reason. */
export async function adjustWallet(
  api: HttpClient,
  operatorKey: string,
  input: { merchantId: string; amount: number; reason: string; idempotencyKey?: string },
): Promise<{ wallet: { balance: number; available: number }; transaction: { id: string } }> {
  const res = await api.post(
    '/v1/finance/adjustments',
    { merchantId: input.merchantId, amount: input.amount, reason: input.reason },
    { key: operatorKey, ...(input.idempotencyKey ? { headers: { 'Idempotency-Key': input.idempotencyKey } } : {}) },
  );
  expectStatus('adjustment', res, 200, 201);
  return res.body;
}

/** The merchant starts a bank-transfer top-up; the finance desk confirms the money arrived. Answers the COMPLETED top-up. */
export async function topUpByBankTransfer(
  api: HttpClient,
  keys: { merchant: string; operator: string },
  amount: number,
  opts: { idempotencyKey?: string; bankReference?: string } = {},
): Promise<TopUpView> {
  const started = await api.post(
    '/v1/wallet/top-ups',
    { method: 'bank_transfer', amount, currency: 'EUR' },
    { key: keys.merchant, ...(opts.idempotencyKey ? { headers: { 'Idempotency-Key': opts.idempotencyKey } } : {}) },
  );
  expectStatus('bank-transfer top-up', started, 200, 201);
  const id = started.body.id as string;
  if (started.body.status !== 'PENDING') return started.body as TopUpView;
  const confirmed = await api.post(
    `/v1/finance/top-ups/${id}/confirm`,
    { amountReceived: amount, bankReference: opts.bankReference ?? `BANK-${id}` },
    { key: keys.operator },
  );
  expectStatus(`confirm ${id}`, confirmed, 200);
  return confirmed.body as TopUpView;
}

/**
 * Links a merchant's PayPal the way a merchant does, against the PayPal simulator: the platform creates a setup token,
 * the payer approves at PayPal (the simulator's approval step; `declineWith` makes every later capture on that
 * account fail with that issue) and PayPal sends the browser back to the platform's return URL, which saves it.
 */
export async function linkPayPalThroughApproval(
  api: HttpClient,
  paypalSimulatorUrl: string,
  merchantKey: string,
  opts: { declineWith?: string; payerEmail?: string } = {},
): Promise<{ setupTokenId: string }> {
  const started = await api.post('/v1/settings/paypal/link', {}, { key: merchantKey });
  expectStatus('PayPal link', started, 201);
  const setupTokenId = started.body.setupTokenId as string;
  const approval = await new PayPalSimulatorAdmin(paypalSimulatorUrl).approveSetupToken(setupTokenId, {
    ...(opts.payerEmail ? { payerEmail: opts.payerEmail } : {}),
    ...(opts.declineWith ? { declineWith: opts.declineWith } : {}),
  });
  const back = await fetch(approval.redirectUrl, { headers: { accept: 'application/json' } });
  const text = await back.text();
  if (back.status !== 200 || !text.includes('"linked"'))
    throw new Error(`PayPal link not completed: HTTP ${back.status} ${text}`);
  return { setupTokenId };
}
