import { createHash, randomBytes } from 'node:crypto';
import { inTransaction, type Db } from './pool.js';
import { createWallet } from './wallet-ledger.js';

export interface Merchant {
  id: string;
  name: string;
  createdAt: string;
}

export function hashApiKey(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}

function newApiKey(): string {
  return `mk_${randomBytes(32).toString('base64url')}`;
}

/** Creates the merchant with its wallet; the API key is returned once and only its hash is stored. */
export async function createMerchant(
  db: Db,
  input: { name: string; currency?: string; apiKey?: string },
): Promise<Merchant & { apiKey: string }> {
  const apiKey = input.apiKey ?? newApiKey();
  const id = `mer_${randomBytes(9).toString('base64url')}`;
  return inTransaction(db, async (client) => {
    const { rows } = await client.query(
      'INSERT INTO merchants (id, name, api_key_hash, api_key_prefix) VALUES ($1, $2, $3, $4) RETURNING created_at',
      [id, input.name, hashApiKey(apiKey), apiKey.slice(0, 7)],
    );
    await createWallet(client, id, input.currency ?? 'EUR');
    await client.query('INSERT INTO merchant_settings (merchant_id) VALUES ($1)', [id]);
    return { id, name: input.name, apiKey, createdAt: new Date(rows[0].created_at).toISOString() };
  });
}

export async function findMerchantByApiKey(db: Db, apiKey: string): Promise<Merchant | null> {
  const { rows } = await db.query('SELECT id, name, created_at FROM merchants WHERE api_key_hash = $1', [hashApiKey(apiKey)]);
  const r = rows[0];
  return r ? { id: String(r.id), name: String(r.name), createdAt: new Date(r.created_at).toISOString() } : null;
}

export async function getMerchant(db: Db, id: string): Promise<Merchant | null> {
  const { rows } = await db.query('SELECT id, name, created_at FROM merchants WHERE id = $1', [id]);
  const r = rows[0];
  return r ? { id: String(r.id), name: String(r.name), createdAt: new Date(r.created_at).toISOString() } : null;
}
