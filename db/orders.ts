import type { OrderView } from '../domain/order.js';
import type { TimelineRow } from '../domain/order-machine.js';
import { toInt, type Db } from './pool.js';

/**
 * The listing projection of the order workflows. Written by the workflow (through an activity) on every
 * transition, guarded by the order's version so that a late or repeated write never overwrites a newer one.
 */

export type StoredOrder = OrderView & { channelCancellation?: string | null };

export async function insertReceivedOrder(db: Db, view: StoredOrder): Promise<void> {
  await db.query(
    `INSERT INTO orders (id, merchant_id, channel, external_id, status, review_reasons, cost_total, view, version, created_at, updated_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) ON CONFLICT DO NOTHING`,
    row(view),
  );
}

/**
 * Undoes `insertReceivedOrder` when the order's workflow could not be started: only a row its workflow never
 * wrote (version 0, no timeline), so that a workflow started after all keeps the row it rewrites anyway.
 */
export async function deleteUnstartedOrder(db: Db, id: string): Promise<void> {
  await db.query(
    'DELETE FROM orders o WHERE o.id = $1 AND o.version = 0 AND NOT EXISTS (SELECT 1 FROM order_events e WHERE e.order_id = o.id)',
    [id],
  );
}

function row(view: StoredOrder): unknown[] {
  return [
    view.id,
    view.merchantId,
    view.channel,
    view.externalId,
    view.status,
    [...new Set(view.reviewReasons.map((r) => r.code))],
    view.cost?.total ?? null,
    JSON.stringify(view),
    view.version,
    view.createdAt,
    view.updatedAt,
  ];
}

/**
 * The write every transition of every order makes, so one statement (its own transaction) and one round trip: the
 * row, guarded by its version, and the new timeline entries, which a repeated write finds already there. A
 * transaction of one statement per row took 3 round trips and one more per entry.
 */
export async function projectOrder(db: Db, view: StoredOrder, timeline: TimelineRow[]): Promise<void> {
  const entries = timeline.map((e) => ({
    seq: e.seq,
    at: e.at,
    type: e.type,
    status: e.status,
    actor: e.by ?? null,
    details: e.details,
  }));
  await db.query(
    `WITH projected AS (
       INSERT INTO orders (id, merchant_id, channel, external_id, status, review_reasons, cost_total, view, version, created_at, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
       ON CONFLICT (id) DO UPDATE SET status = EXCLUDED.status, review_reasons = EXCLUDED.review_reasons,
         cost_total = EXCLUDED.cost_total, view = EXCLUDED.view, version = EXCLUDED.version, updated_at = EXCLUDED.updated_at
       WHERE orders.version < EXCLUDED.version
     )
     INSERT INTO order_events (order_id, seq, at, type, status, actor, details)
     SELECT $1, e.seq, e.at, e.type, e.status, e.actor, e.details
       FROM jsonb_to_recordset($12::jsonb) AS e(seq integer, at timestamptz, type text, status text, actor text, details jsonb)
     ON CONFLICT DO NOTHING`,
    [...row(view), JSON.stringify(entries)],
  );
}

/** A merchant sees only its own orders; `merchantId: null` is the operator's view of everything. */
export async function getOrder(db: Db, id: string, merchantId: string | null): Promise<StoredOrder | null> {
  const { rows } = await db.query('SELECT view FROM orders WHERE id = $1 AND ($2::text IS NULL OR merchant_id = $2)', [
    id,
    merchantId,
  ]);
  return rows[0] ? (rows[0].view as StoredOrder) : null;
}

export function encodeCursor(c: { createdAt: string; id: string }): string {
  return Buffer.from(JSON.stringify([c.createdAt, c.id])).toString('base64url');
}

export function decodeCursor(raw: string): { createdAt: string; id: string } | null {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8'));
    if (
      Array.isArray(parsed) &&
      typeof parsed[0] === 'string' &&
      typeof parsed[1] === 'string' &&
      !Number.isNaN(Date.parse(parsed[0]))
    ) {
      return { createdAt: parsed[0], id: parsed[1] };
    }
    return null;
  } catch {
    return null;
  }
}

export interface OrderEventRow {
  seq: number;
  at: string;
  type: string;
  status: string;
  by: string | null;
  details: Record<string, unknown>;
}

export async function listOrderEvents(db: Db, orderId: string): Promise<OrderEventRow[]> {
  const { rows } = await db.query(
    'SELECT seq, at, type, status, actor, details FROM order_events WHERE order_id = $1 ORDER BY seq ASC',
    [orderId],
  );
  return rows.map((r) => ({
    seq: toInt(r.seq),
    at: new Date(r.at).toISOString(),
    type: String(r.type),
    status: String(r.status),
    by: (r.actor as string | null) ?? null,
    details: r.details as Record<string, unknown>,
  }));
}

/** Orders parked for want of funds, oldest first, with what each costs: a top-up wakes as many as it covers. */
export async function ordersWaitingForFunds(
  db: Db,
  merchantId: string,
): Promise<{ id: string; costTotal: number | null }[]> {
  const { rows } = await db.query(
    `SELECT id, cost_total FROM orders
     WHERE merchant_id = $1 AND status = 'PENDING_REVIEW'
       AND review_reasons && ARRAY['INSUFFICIENT_FUNDS', 'PAYMENT_DECLINED']
     ORDER BY created_at ASC, id ASC`,
    [merchantId],
  );
  return rows.map((r) => ({ id: String(r.id), costTotal: r.cost_total === null ? null : toInt(r.cost_total) }));
}
