import type { Db } from './pool.js';
import { toInt } from './pool.js';

/** Orders per status in the listing projection (the business gauges of /metrics). */
export async function countOrdersByStatus(db: Db): Promise<Map<string, number>> {
  const { rows } = await db.query<{ status: string; n: string }>(
    'SELECT status, count(*) AS n FROM orders GROUP BY status',
  );
  return new Map(rows.map((r) => [r.status, toInt(r.n)]));
}

/** Orders waiting in PENDING_REVIEW per reason (an order with two reasons counts under both). */
export async function countPendingReviewByReason(db: Db): Promise<Map<string, number>> {
  const { rows } = await db.query<{ reason: string; n: string }>(
    `SELECT reason, count(*) AS n FROM orders, unnest(review_reasons) AS reason WHERE status = 'PENDING_REVIEW' GROUP BY reason`,
  );
  return new Map(rows.map((r) => [r.reason, toInt(r.n)]));
}
