import type { TopUpView } from '../domain/top-up.js';
import type { HttpClient } from './http-client.js';

/**
 * Putting money in a wallet the way the platform allows it, over its REST API: an operator's audited adjustment,
 * or a bank-transfer top-up the finance desk confirms. Shared by `npm start`, the scripts and the tests.
 */

function expectStatus(what: string, res: { status: number; text: string }, ...ok: number[]): void {
  if (!ok.includes(res.status)) throw new Error(`${what}: HTTP ${res.status} ${res.text}`);
}

/** A named operator key, created with the root key (only root manages operator keys). */
export async function createOperatorKey(api: HttpClient, rootKey: string, name: string): Promise<{ id: string; key: string }> {
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
