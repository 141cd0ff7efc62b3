import { randomBytes } from 'node:crypto';
import type { HttpClient } from './http-client.js';

/**
 * A merchant on a running production topology, its wallet funded over the REST API. The funding is this one
 * call: when money enters wallets by operator-confirmed top-ups or adjustments instead of the merchant's own
 * `POST /v1/wallet/top-ups`, only `fundWallet` changes.
 */
export async function fundWallet(api: HttpClient, _operatorKey: string, merchant: { id: string; key: string }, amount: number): Promise<void> {
  const res = await api.post('/v1/wallet/top-ups', { amount, currency: 'EUR', reference: `opening-${merchant.id}` }, { key: merchant.key });
  if (res.status !== 201 && res.status !== 200) throw new Error(`top-up of ${merchant.id}: HTTP ${res.status} ${res.text}`);
}

export async function createFundedMerchant(api: HttpClient, operatorKey: string, opts: { name?: string; amount: number }): Promise<{ id: string; key: string }> {
  const res = await api.post('/v1/merchants', { name: opts.name ?? `Shop ${randomBytes(3).toString('hex')}` }, { key: operatorKey });
  if (res.status !== 201) throw new Error(`merchant not created: HTTP ${res.status} ${res.text}`);
  const merchant = { id: res.body.id as string, key: res.body.apiKey as string };
  await fundWallet(api, operatorKey, merchant, opts.amount);
  return merchant;
}
