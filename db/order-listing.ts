import type { OrderStatus } from '../domain/order.js';
import type { StoredOrder } from './orders.js';
import { toInt, type Db } from './pool.js';

/**
 * The order listing: filters, search, sort and keyset pages over the listing projection, and the counts per
 * status and per review reason of the same filters. Each query is served by an index of migration
 * 1765100000000 (plans and timings at 100,000 orders: docs/notes/orders-api.md, `npm run bench:listing`).
 */

export const orderSorts = ['-createdAt', 'createdAt', '-total', 'total'] as const;
export type OrderSort = (typeof orderSorts)[number];

export interface OrderQuery {
  /** null: the operator's view of every merchant. */
  merchantId: string | null;
  status?: OrderStatus;
  reason?: string;
  channel?: string;
  /** Part of the shop's order number, the customer's name or e-mail, or a SKU; or a whole order id. */
  q?: string;
  /** Created at or after. */
  from?: Date;
  /** Created before. */
  to?: Date;
}

/** Where a page ends: the sort key's value and the id of the last order on it. */
export interface OrderCursor {
  value: string | number;
  id: string;
}

const ORDER_ID = /^ord_[0-9a-f]{24}$/;

/** SQL conditions with their positional parameters, built one filter at a time. */
class Conditions {
  readonly params: unknown[] = [];
  readonly parts: string[] = [];

  param(value: unknown): string {
    this.params.push(value);
    return `$${this.params.length}`;
  }

  add(sql: string): void {
    this.parts.push(sql);
  }

  get sql(): string {
    return this.parts.length > 0 ? `WHERE ${this.parts.join(' AND ')}` : '';
  }
}

/** `%` and `_` in a search are searched for, not wildcards. */
function likeContains(text: string): string {
  return `%${text.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

function conditions(f: OrderQuery, opts: { status: boolean }): Conditions {
  const c = new Conditions();
  if (f.merchantId !== null) c.add(`merchant_id = ${c.param(f.merchantId)}`);
  if (opts.status && f.status) c.add(`status = ${c.param(f.status)}`);
  if (f.reason) c.add(`review_reasons @> ARRAY[${c.param(f.reason)}::text]`);
  if (f.channel) c.add(`channel = ${c.param(f.channel)}`);
  if (f.from) c.add(`created_at >= ${c.param(f.from)}`);
  if (f.to) c.add(`created_at < ${c.param(f.to)}`);
  if (f.q) {
    const q = f.q.trim();
    // A whole order id finds that order; anything else is looked for inside the searchable text (trigram index).
    c.add(ORDER_ID.test(q) ? `id = ${c.param(q)}` : `search_text LIKE ${c.param(likeContains(q))}`);
  }
  return c;
}

const sortColumn = (sort: OrderSort): 'created_at' | 'total' => (sort.endsWith('createdAt') ? 'created_at' : 'total');
const descending = (sort: OrderSort): boolean => sort.startsWith('-');

function cursorOf(sort: OrderSort, row: Record<string, unknown>): string {
  const value = sortColumn(sort) === 'created_at' ? new Date(row.created_at as string).toISOString() : toInt(row.total);
  return Buffer.from(JSON.stringify([value, String(row.id)])).toString('base64url');
}

/** The cursor a previous page answered for this sort, or null when it is not one. */
export function decodeOrderCursor(raw: string, sort: OrderSort): OrderCursor | null {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8'));
    if (!Array.isArray(parsed) || parsed.length !== 2 || typeof parsed[1] !== 'string') return null;
    const [value, id] = parsed as [unknown, string];
    if (sortColumn(sort) === 'created_at') {
      // Only what cursorOf writes: an ISO instant (anything else would reach PostgreSQL as a timestamp to parse).
      if (typeof value !== 'string' || !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/.test(value)) return null;
      return Number.isNaN(Date.parse(value)) ? null : { value, id };
    }
    return typeof value === 'number' && Number.isSafeInteger(value) ? { value, id } : null;
  } catch {
    return null;
  }
}

/** Up to `limit` orders matching the query, in the asked order, after the cursor. */
async function page(
  db: Db,
  f: OrderQuery,
  sort: OrderSort,
  limit: number,
  cursor: OrderCursor | undefined,
): Promise<{ rows: Record<string, unknown>[]; nextCursor: string | null }> {
  const c = conditions(f, { status: true });
  const column = sortColumn(sort);
  const dir = descending(sort) ? 'DESC' : 'ASC';
  if (cursor) {
    const cast = column === 'created_at' ? 'timestamptz' : 'bigint';
    c.add(`(${column}, id) ${dir === 'DESC' ? '<' : '>'} (${c.param(cursor.value)}::${cast}, ${c.param(cursor.id)})`);
  }
  const { rows } = await db.query(
    `SELECT view, id, created_at, total FROM orders ${c.sql} ORDER BY ${column} ${dir}, id ${dir} LIMIT ${c.param(limit + 1)}`,
    c.params,
  );
  const last = rows.length > limit ? rows[limit - 1] : undefined;
  return { rows: rows.slice(0, limit), nextCursor: last ? cursorOf(sort, last) : null };
}

export async function listOrders(
  db: Db,
  f: OrderQuery & { sort: OrderSort; limit: number; cursor?: OrderCursor },
): Promise<{ items: StoredOrder[]; nextCursor: string | null }> {
  const { rows, nextCursor } = await page(db, f, f.sort, f.limit, f.cursor);
  return { items: rows.map((r) => r.view as StoredOrder), nextCursor };
}

/** Every order matching the query, a page at a time (the CSV export streams them without holding them all). */
export async function* eachOrder(db: Db, f: OrderQuery, sort: OrderSort, pageSize = 500): AsyncGenerator<StoredOrder> {
  let cursor: OrderCursor | undefined;
  for (;;) {
    const { rows, nextCursor } = await page(db, f, sort, pageSize, cursor);
    for (const r of rows) yield r.view as StoredOrder;
    if (!nextCursor) return;
    cursor = decodeOrderCursor(nextCursor, sort) ?? undefined;
  }
}

/** The ids of the orders matching the query, oldest first, for the bulk action of a filter. */
export async function findOrderIds(db: Db, f: OrderQuery, limit: number): Promise<string[]> {
  const { rows } = await page(db, f, 'createdAt', limit, undefined);
  return rows.map((r) => String(r.id));
}

export interface OrderCounts {
  total: number;
  byStatus: Record<string, number>;
  byReason: Record<string, number>;
}

/**
 * The counts behind the listing's tabs: per status for the query without its status (every tab at once), and
 * per review reason for the query as given (an order with two reasons counts under both).
 */
export async function countOrders(db: Db, f: OrderQuery): Promise<OrderCounts> {
  const [statuses, reasons] = await Promise.all(
    !f.reason && !f.channel && !f.q && !f.from && !f.to ? keptCounts(db, f) : countedCounts(db, f),
  );
  const byStatus = Object.fromEntries(statuses.rows.map((row) => [row.key, toInt(row.n)]));
  return {
    total: Object.values(byStatus).reduce((a, b) => a + b, 0),
    byStatus,
    byReason: Object.fromEntries(reasons.rows.map((row) => [row.key, toInt(row.n)])),
  };
}

type CountRows = Promise<{ rows: { key: string; n: string }[] }>;

/** Without filters (other than the merchant and the status): the counts the orders table's trigger keeps. */
function keptCounts(db: Db, f: OrderQuery): [CountRows, CountRows] {
  const s = new Conditions();
  if (f.merchantId !== null) s.add(`merchant_id = ${s.param(f.merchantId)}`);
  s.add(`reason = ''`);
  const r = new Conditions();
  if (f.merchantId !== null) r.add(`merchant_id = ${r.param(f.merchantId)}`);
  if (f.status) r.add(`status = ${r.param(f.status)}`);
  r.add(`reason <> ''`);
  return [
    db.query(
      `SELECT status AS key, sum(n) AS n FROM order_counts ${s.sql} GROUP BY status HAVING sum(n) > 0`,
      s.params,
    ),
    db.query(
      `SELECT reason AS key, sum(n) AS n FROM order_counts ${r.sql} GROUP BY reason HAVING sum(n) > 0`,
      r.params,
    ),
  ];
}

/** With filters: counted from the orders that match. */
function countedCounts(db: Db, f: OrderQuery): [CountRows, CountRows] {
  const s = conditions(f, { status: false });
  const r = conditions(f, { status: true });
  r.add(`review_reasons <> '{}'`);
  return [
    db.query(`SELECT status AS key, count(*) AS n FROM orders ${s.sql} GROUP BY status`, s.params),
    db.query(
      `SELECT reason AS key, count(*) AS n FROM orders, unnest(review_reasons) AS reason ${r.sql} GROUP BY reason`,
      r.params,
    ),
  ];
}
