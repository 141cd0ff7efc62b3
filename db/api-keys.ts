import { randomBytes } from 'node:crypto';
import type pg from 'pg';
import type { Db } from './pool.js';
import { tokenHash } from './token-hash.js';

/**
 * API keys of merchants and of named operators, in one table. A key is shown once when created; only its
 * SHA-256 is stored (keys are 256-bit random, so a fast hash suffices and the lookup stays indexed), with a
 * masked form for listings. A revoked key stops working at the next request: every request reads this table.
 */

export type ApiKeyKind = 'merchant' | 'operator';

export interface ApiKeyView {
  id: string;
  kind: ApiKeyKind;
  merchantId: string | null;
  operatorName: string | null;
  label: string;
  /** The key masked, e.g. `mk_Zx3f…Q9aB`: enough to recognise it, useless to use. */
  display: string;
  createdAt: string;
  createdBy: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
  revokedBy: string | null;
}

/** What authentication needs to know about a key. */
export interface KeyOwner {
  keyId: string;
  kind: ApiKeyKind;
  merchantId: string | null;
  merchantName: string | null;
  operatorName: string | null;
  lastUsedAt: Date | null;
}

export function hashApiKey(key: string): string {
  return tokenHash(key);
}

const prefixes: Record<ApiKeyKind, string> = { merchant: 'mk_', operator: 'opk_' };

export function newApiKey(kind: ApiKeyKind): string {
  return `${prefixes[kind]}${randomBytes(32).toString('base64url')}`;
}

export function maskKey(key: string): string {
  const body = key.indexOf('_') + 1;
  return `${key.slice(0, body + 4)}…${key.slice(-4)}`;
}

function toView(r: Record<string, unknown>): ApiKeyView {
  const iso = (v: unknown): string | null => (v ? new Date(v as string).toISOString() : null);
  return {
    id: String(r.id),
    kind: r.kind as ApiKeyKind,
    merchantId: (r.merchant_id as string | null) ?? null,
    operatorName: (r.operator_name as string | null) ?? null,
    label: String(r.label),
    display: String(r.display),
    createdAt: iso(r.created_at) ?? '',
    createdBy: String(r.created_by),
    lastUsedAt: iso(r.last_used_at),
    revokedAt: iso(r.revoked_at),
    revokedBy: (r.revoked_by as string | null) ?? null,
  };
}

export interface NewKey {
  kind: ApiKeyKind;
  merchantId?: string;
  operatorName?: string;
  label: string;
  createdBy: string;
  /** A key chosen by the caller (development runtime, tests); random otherwise. */
  key?: string;
}

/** Stores a new key and returns it in clear, the only time it is ever available. */
export async function createApiKey(
  client: pg.ClientBase | Db,
  input: NewKey,
): Promise<ApiKeyView & { apiKey: string }> {
  const apiKey = input.key ?? newApiKey(input.kind);
  const id = `key_${randomBytes(10).toString('hex')}`;
  const { rows } = await client.query(
    `INSERT INTO api_keys (id, kind, merchant_id, operator_name, label, key_hash, display, created_by)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING *`,
    [
      id,
      input.kind,
      input.merchantId ?? null,
      input.operatorName ?? null,
      input.label,
      hashApiKey(apiKey),
      maskKey(apiKey),
      input.createdBy,
    ],
  );
  return { ...toView(rows[0]), apiKey };
}

/** The owner of an active key, or null for an unknown or revoked one. */
export async function findActiveKey(db: Db, apiKey: string): Promise<KeyOwner | null> {
  const { rows } = await db.query(
    `SELECT k.id, k.kind, k.merchant_id, m.name AS merchant_name, k.operator_name, k.last_used_at
     FROM api_keys k LEFT JOIN merchants m ON m.id = k.merchant_id
     WHERE k.key_hash = $1 AND k.revoked_at IS NULL`,
    [hashApiKey(apiKey)],
  );
  const r = rows[0];
  if (!r) return null;
  return {
    keyId: String(r.id),
    kind: r.kind as ApiKeyKind,
    merchantId: (r.merchant_id as string | null) ?? null,
    merchantName: (r.merchant_name as string | null) ?? null,
    operatorName: (r.operator_name as string | null) ?? null,
    lastUsedAt: r.last_used_at ? new Date(r.last_used_at as string) : null,
  };
}

/**
 * Notes that a key was used. The WHERE clause keeps it to one write a minute per key whatever the traffic,
 * also across API replicas.
 */
export async function touchApiKey(db: Db, keyId: string): Promise<void> {
  await db.query(
    `UPDATE api_keys SET last_used_at = now()
     WHERE id = $1 AND (last_used_at IS NULL OR last_used_at < now() - interval '1 minute')`,
    [keyId],
  );
}

export async function listApiKeys(db: Db, owner: { merchantId: string } | { operators: true }): Promise<ApiKeyView[]> {
  const { rows } =
    'merchantId' in owner
      ? await db.query('SELECT * FROM api_keys WHERE merchant_id = $1 ORDER BY created_at, id', [owner.merchantId])
      : await db.query(`SELECT * FROM api_keys WHERE kind = 'operator' ORDER BY created_at, id`);
  return rows.map(toView);
}

export async function getApiKey(db: Db, id: string): Promise<ApiKeyView | null> {
  const { rows } = await db.query('SELECT * FROM api_keys WHERE id = $1', [id]);
  return rows[0] ? toView(rows[0]) : null;
}

/** Revokes a key at once; revoking it again changes nothing and answers the key as it stands. */
export async function revokeApiKey(client: pg.ClientBase | Db, id: string, by: string): Promise<ApiKeyView | null> {
  await client.query('UPDATE api_keys SET revoked_at = now(), revoked_by = $2 WHERE id = $1 AND revoked_at IS NULL', [
    id,
    by,
  ]);
  const { rows } = await client.query('SELECT * FROM api_keys WHERE id = $1', [id]);
  return rows[0] ? toView(rows[0]) : null;
}
