import { randomBytes } from 'node:crypto';
import type pg from 'pg';
import { createApiKey } from './api-keys.js';
import { inTransaction, type Db } from './pool.js';
import { createWallet } from './wallet-ledger.js';

export interface Merchant {
  id: string;
  name: string;
  createdAt: string;
}

/**
 * Creates the merchant with its wallet and a first API key, returned once (only its hash is stored). `andThen` runs
 * in the same transaction (e.g. inviting its owner), so that a merchant never exists without what came with it.
 */
export async function createMerchant<T = undefined>(
  db: Db,
  input: { name: string; currency?: string; apiKey?: string; createdBy?: string },
  andThen?: (client: pg.PoolClient, merchantId: string) => Promise<T>,
): Promise<Merchant & { apiKey: string; keyId: string; added?: T }> {
  const id = `mer_${randomBytes(9).toString('base64url')}`;
  return inTransaction(db, async (client) => {
    const { rows } = await client.query('INSERT INTO merchants (id, name) VALUES ($1, $2) RETURNING created_at', [
      id,
      input.name,
    ]);
    await createWallet(client, id, input.currency ?? 'EUR');
    await client.query('INSERT INTO merchant_settings (merchant_id) VALUES ($1)', [id]);
    const key = await createApiKey(client, {
      kind: 'merchant',
      merchantId: id,
      label: 'first key',
      createdBy: input.createdBy ?? 'operator',
      ...(input.apiKey ? { key: input.apiKey } : {}),
    });
    const added = andThen ? await andThen(client, id) : undefined;
    return {
      ...(added !== undefined ? { added } : {}),
      id,
      name: input.name,
      apiKey: key.apiKey,
      keyId: key.id,
      createdAt: new Date(rows[0].created_at).toISOString(),
    };
  });
}

export async function getMerchant(db: Db, id: string): Promise<Merchant | null> {
  const { rows } = await db.query('SELECT id, name, created_at FROM merchants WHERE id = $1', [id]);
  const r = rows[0];
  return r ? { id: String(r.id), name: String(r.name), createdAt: new Date(r.created_at).toISOString() } : null;
}
