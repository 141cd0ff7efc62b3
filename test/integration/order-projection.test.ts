import { randomBytes } from 'node:crypto';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { migrate } from '../../db/migrate.js';
import { getOrder, listOrderEvents, projectOrder, type StoredOrder } from '../../db/orders.js';
import { createPool, type Db } from '../../db/pool.js';
import { createDatabaseAt } from '../../dev/postgres.js';
import { initialState, type TimelineRow } from '../../domain/order-machine.js';
import type { OrderRecord } from '../../domain/order.js';
import { toOrderView } from '../../domain/order-view.js';

/**
 * The listing projection's write (db/orders.ts projectOrder), which every transition of every order makes, against
 * a real PostgreSQL: the row and its timeline land together, a repeated or late write changes nothing, and a
 * write PostgreSQL refuses leaves nothing half-written.
 */
let db: Db;
beforeAll(async () => {
  const url = await createDatabaseAt(inject('postgresUrl'), `t_proj_${randomBytes(4).toString('hex')}`);
  await migrate(url, pino({ level: 'silent' }));
  db = createPool(url, 2);
  await db.query(`INSERT INTO merchants (id, name) VALUES ('mer_p', 'Shop')`);
});
afterAll(async () => {
  await db?.end();
});

const at = (minute: number): string => new Date(Date.UTC(2026, 11, 7, 10, minute)).toISOString();

function view(id: string, version: number, status: StoredOrder['status'] = 'RECEIVED'): StoredOrder {
  const order: OrderRecord = {
    id,
    merchantId: 'mer_p',
    createdAt: at(0),
    channel: 'amazon',
    externalId: id,
    payment: { method: 'prepaid', amountPaid: 5990, currency: 'EUR' },
    customer: { name: 'Maria Rossi', email: 'maria@example.com', phone: '+39 333 1234567' },
    shippingAddress: { line1: 'Via Roma 1', line2: '', city: 'Milano', postcode: '20121', region: 'MI', country: 'IT' },
    items: [{ sku: 'BB-1001', quantity: 2 }],
  };
  return { ...toOrderView(initialState(order)), status, version, updatedAt: at(version) };
}

const entry = (seq: number, type: string, status: StoredOrder['status'], by?: TimelineRow['by']): TimelineRow => ({
  seq,
  at: at(seq),
  type,
  status,
  details: { step: type, seq },
  ...(by ? { by } : {}),
});

describe('projectOrder', () => {
  it('writes a new order and its timeline at once, each entry as the workflow numbered and stamped it', async () => {
    await projectOrder(db, view('ord_p1', 1), [entry(1, 'received', 'RECEIVED'), entry(2, 'checked', 'PROCESSING')]);
    expect((await getOrder(db, 'ord_p1', 'mer_p'))?.version).toBe(1);
    const events = await listOrderEvents(db, 'ord_p1');
    expect(events.map((e) => [e.seq, e.type, e.status])).toEqual([
      [1, 'received', 'RECEIVED'],
      [2, 'checked', 'PROCESSING'],
    ]);
    expect(events[1]!.at).toBe(at(2));
    expect(events[1]!.details).toEqual({ step: 'checked', seq: 2 });
  });

  it('moves the row forward, adds only the new entries, and ignores a repeated or older write', async () => {
    await projectOrder(db, view('ord_p2', 1), [entry(1, 'received', 'RECEIVED')]);
    await projectOrder(db, view('ord_p2', 3, 'SUBMITTED'), [entry(2, 'submitted', 'SUBMITTED', 'supplier')]);
    // The same write again (a local activity retried after its result was lost), then a late one of version 2.
    await projectOrder(db, view('ord_p2', 3, 'SUBMITTED'), [entry(2, 'submitted', 'SUBMITTED', 'supplier')]);
    await projectOrder(db, view('ord_p2', 2, 'PROCESSING'), [entry(2, 'processing', 'PROCESSING')]);
    const stored = await getOrder(db, 'ord_p2', 'mer_p');
    expect([stored?.status, stored?.version]).toEqual(['SUBMITTED', 3]);
    const events = await listOrderEvents(db, 'ord_p2');
    expect(events.map((e) => [e.seq, e.type, e.by])).toEqual([
      [1, 'received', null],
      [2, 'submitted', 'supplier'],
    ]);
  });

  it('writes a row without new entries', async () => {
    await projectOrder(db, view('ord_p3', 1), []);
    await projectOrder(db, view('ord_p3', 2, 'PENDING_REVIEW'), []);
    expect((await getOrder(db, 'ord_p3', 'mer_p'))?.status).toBe('PENDING_REVIEW');
    expect(await listOrderEvents(db, 'ord_p3')).toEqual([]);
  });

  it('leaves nothing half-written when PostgreSQL refuses the write', async () => {
    await projectOrder(db, view('ord_p4', 1), [entry(1, 'received', 'RECEIVED')]);
    // A transition whose timeline entry breaks a constraint (no status): the row must not move on without it.
    const broken = { ...entry(2, 'checked', 'PROCESSING'), status: null as unknown as TimelineRow['status'] };
    await expect(projectOrder(db, view('ord_p4', 2, 'PROCESSING'), [broken])).rejects.toThrow(/not-null/);
    expect((await getOrder(db, 'ord_p4', 'mer_p'))?.version).toBe(1);
    // An order of a merchant that does not exist: the row breaks its foreign key, its entries stay out too.
    const orphan = { ...view('ord_p5', 1), merchantId: 'mer_missing' };
    await expect(projectOrder(db, orphan, [entry(1, 'received', 'RECEIVED')])).rejects.toThrow(/foreign key/);
    expect(await getOrder(db, 'ord_p5', null)).toBeNull();
    expect(await listOrderEvents(db, 'ord_p5')).toEqual([]);
  });
});
