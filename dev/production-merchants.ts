import { randomBytes } from 'node:crypto';
import { createOperatorKey, topUpByBankTransfer } from './funding.js';
import type { HttpClient } from './http-client.js';

/**
 * A merchant on a running production topology, its wallet funded over the REST API the way money enters a wallet:
 * a bank-transfer top-up the merchant starts and a named finance operator confirms (dev/funding.ts). The funding
 * is this one function.
 */
const financeKeys = new Map<string, Promise<string>>();

/** The finance desk's named operator key, created once per API and root key (only root manages operator keys). */
function financeKey(api: HttpClient, rootKey: string): Promise<string> {
  const id = `${api.baseUrl} ${rootKey}`;
  let key = financeKeys.get(id);
  if (!key) {
    key = createOperatorKey(api, rootKey, 'Production finance').then((k) => k.key);
    financeKeys.set(id, key);
  }
  return key;
}

export async function fundWallet(
  api: HttpClient,
  rootKey: string,
  merchant: { id: string; key: string },
  amount: number,
): Promise<void> {
  await topUpByBankTransfer(api, { merchant: merchant.key, operator: await financeKey(api, rootKey) }, amount, {
    idempotencyKey: `opening-${merchant.id}`,
  });
}

export async function createFundedMerchant(
  api: HttpClient,
  rootKey: string,
  opts: { name?: string; amount: number },
): Promise<{ id: string; key: string }> {
  const res = await api.post(
    '/v1/merchants',
    { name: opts.name ?? `Shop ${randomBytes(3).toString('hex')}` },
    { key: rootKey },
  );
  if (res.status !== 201) throw new Error(`merchant not created: HTTP ${res.status} ${res.text}`);
  const merchant = { id: res.body.id as string, key: res.body.apiKey as string };
  await fundWallet(api, rootKey, merchant, opts.amount);
  return merchant;
}
