import type pg from 'pg';
import { toInt, type Db } from './pool.js';

/**
 * The audit log: who (operator name and key), when, what, to whose money, how much and why. Written in the same
 * transaction as the money it explains, and keyed by the action's business key so that a retry records it once.
 */

export type AuditAction =
  | 'top_up.confirm'
  | 'top_up.reject'
  | 'wallet.adjustment'
  | 'api_key.create'
  | 'api_key.revoke'
  | 'operator_key.create'
  | 'operator_key.revoke'
  | 'user.invite'
  | 'user.setup_link'
  | 'user.setup'
  | 'user.remove';

export interface AuditActor {
  /** The operator's name ("root" for the key from the configuration), or the signed-in person's e-mail. */
  name: string;
  /** The API key used, or the signed-in user's id. */
  keyId: string;
}

export interface AuditInput {
  actor: AuditActor;
  action: AuditAction;
  merchantId?: string | null;
  target?: string | null;
  amount?: number | null;
  currency?: string | null;
  reason?: string | null;
  details?: Record<string, unknown>;
  key: string;
}

export interface AuditEntry {
  id: string;
  at: string;
  actor: string;
  actorKeyId: string;
  action: AuditAction;
  merchantId: string | null;
  target: string | null;
  amount: number | null;
  currency: string | null;
  reason: string | null;
  details: Record<string, unknown>;
}

function toEntry(r: Record<string, unknown>): AuditEntry {
  return {
    id: `aud_${String(r.id)}`,
    at: new Date(r.at as string).toISOString(),
    actor: String(r.actor),
    actorKeyId: String(r.actor_key_id),
    action: r.action as AuditAction,
    merchantId: (r.merchant_id as string | null) ?? null,
    target: (r.target as string | null) ?? null,
    amount: r.amount === null || r.amount === undefined ? null : toInt(r.amount),
    currency: r.currency ? String(r.currency).trim() : null,
    reason: (r.reason as string | null) ?? null,
    details: (r.details as Record<string, unknown>) ?? {},
  };
}

/** Records the entry once per key; returns its row id (the existing one for a repeat). */
export async function recordAudit(client: pg.ClientBase | Db, e: AuditInput): Promise<number> {
  const inserted = await client.query(
    `INSERT INTO audit_log (actor, actor_key_id, action, merchant_id, target, amount, currency, reason, details, idempotency_key)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) ON CONFLICT (idempotency_key) DO NOTHING RETURNING id`,
    [
      e.actor.name,
      e.actor.keyId,
      e.action,
      e.merchantId ?? null,
      e.target ?? null,
      e.amount ?? null,
      e.currency ?? null,
      e.reason ?? null,
      JSON.stringify(e.details ?? {}),
      e.key,
    ],
  );
  if (inserted.rows[0]) return toInt(inserted.rows[0].id);
  const { rows } = await client.query('SELECT id FROM audit_log WHERE idempotency_key = $1', [e.key]);
  return toInt(rows[0].id);
}

export async function listAudit(
  db: Db,
  f: { merchantId?: string; action?: string; actor?: string; from?: Date; to?: Date; limit: number; before?: number },
): Promise<{ items: AuditEntry[]; nextCursor: string | null }> {
  const { rows } = await db.query(
    `SELECT * FROM audit_log
     WHERE ($1::text IS NULL OR merchant_id = $1) AND ($2::text IS NULL OR action = $2) AND ($3::bigint IS NULL OR id < $3)
       AND ($5::text IS NULL OR actor = $5) AND ($6::timestamptz IS NULL OR at >= $6) AND ($7::timestamptz IS NULL OR at < $7)
     ORDER BY id DESC LIMIT $4`,
    [
      f.merchantId ?? null,
      f.action ?? null,
      f.before ?? null,
      f.limit + 1,
      f.actor ?? null,
      f.from ?? null,
      f.to ?? null,
    ],
  );
  const items = rows.slice(0, f.limit).map(toEntry);
  const last = rows.length > f.limit ? rows[f.limit - 1] : undefined;
  return { items, nextCursor: last ? String(last.id) : null };
}
