import type { TopUpView } from '../domain/top-up.js';
import { decodeCursor, encodeCursor } from './orders.js';
import type { Db } from './pool.js';

/**
 * The listing projection of the top-up workflows, written by each workflow on every transition and guarded by
 * its version (a late write never overwrites a newer one), exactly as orders are.
 */

function row(v: TopUpView): unknown[] {
  return [
    v.id,
    v.merchantId,
    v.method,
    v.status,
    v.amount,
    v.currency,
    v.bankTransfer ? v.bankTransfer.reference.replace(/\s+/g, '') : null,
    JSON.stringify(v),
    v.version,
    v.createdAt,
    v.updatedAt,
  ];
}

const columns =
  'id, merchant_id, method, status, amount, currency, payment_reference, view, version, created_at, updated_at';

/** The API's first row for a top-up just started; the workflow's own writes supersede it. */
export async function insertStartedTopUp(db: Db, v: TopUpView): Promise<void> {
  await db.query(
    `INSERT INTO top_ups (${columns}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) ON CONFLICT DO NOTHING`,
    row(v),
  );
}

export async function projectTopUp(db: Db, v: TopUpView): Promise<void> {
  await db.query(
    `INSERT INTO top_ups (${columns}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
     ON CONFLICT (id) DO UPDATE SET status = EXCLUDED.status, view = EXCLUDED.view, version = EXCLUDED.version, updated_at = EXCLUDED.updated_at
     WHERE top_ups.version < EXCLUDED.version`,
    row(v),
  );
}

/** A merchant sees only its own top-ups; `merchantId: null` is the finance desk's view of all. */
export async function getTopUp(db: Db, id: string, merchantId: string | null): Promise<TopUpView | null> {
  const { rows } = await db.query('SELECT view FROM top_ups WHERE id = $1 AND ($2::text IS NULL OR merchant_id = $2)', [
    id,
    merchantId,
  ]);
  return rows[0] ? (rows[0].view as TopUpView) : null;
}

export interface TopUpFilter {
  merchantId: string | null;
  status?: string;
  method?: string;
  /** A payment reference, normalized (no spaces, upper case). */
  reference?: string;
  limit: number;
  cursor?: string;
  /** Oldest first (the finance desk works through pending transfers in arrival order); newest first otherwise. */
  oldestFirst?: boolean;
}

export class BadCursor extends Error {}

export async function listTopUps(db: Db, f: TopUpFilter): Promise<{ items: TopUpView[]; nextCursor: string | null }> {
  const cursor = f.cursor === undefined ? null : decodeCursor(f.cursor);
  if (cursor === null && f.cursor !== undefined) throw new BadCursor('not a cursor from a previous page');
  const order = f.oldestFirst ? 'ASC' : 'DESC';
  const { rows } = await db.query(
    `SELECT view, created_at, id FROM top_ups
     WHERE ($1::text IS NULL OR merchant_id = $1)
       AND ($2::text IS NULL OR status = $2)
       AND ($3::text IS NULL OR method = $3)
       AND ($4::text IS NULL OR payment_reference = $4)
       AND ($5::timestamptz IS NULL OR (created_at, id) ${f.oldestFirst ? '>' : '<'} ($5::timestamptz, $6::text))
     ORDER BY created_at ${order}, id ${order}
     LIMIT $7`,
    [
      f.merchantId,
      f.status ?? null,
      f.method ?? null,
      f.reference ?? null,
      cursor?.createdAt ?? null,
      cursor?.id ?? null,
      f.limit + 1,
    ],
  );
  const items = rows.slice(0, f.limit).map((r) => r.view as TopUpView);
  const last = rows.length > f.limit ? rows[f.limit - 1] : undefined;
  return {
    items,
    nextCursor: last ? encodeCursor({ createdAt: new Date(last.created_at).toISOString(), id: String(last.id) }) : null,
  };
}

/**
 * Makes top_up_methods list the methods the code registers (domain/top-up-methods/registry.ts), so that a top-up's
 * method is one of them (a foreign key). Run at every start, after the migrations; idempotent. A method dropped
 * from the code keeps its row: its top-ups still reference it.
 */
export async function syncTopUpMethods(db: Db, methods: readonly { name: string; label: string }[]): Promise<void> {
  await db.query(
    `INSERT INTO top_up_methods (method, label) SELECT * FROM unnest($1::text[], $2::text[])
     ON CONFLICT (method) DO UPDATE SET label = EXCLUDED.label WHERE top_up_methods.label IS DISTINCT FROM EXCLUDED.label`,
    [methods.map((m) => m.name), methods.map((m) => m.label)],
  );
}
