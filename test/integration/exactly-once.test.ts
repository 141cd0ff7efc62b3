import type { ChildProcess } from 'node:child_process';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createMerchant,
  events,
  financeKey,
  orderInput,
  supplierOrders,
  wallet,
  waitForStatus,
} from '../support/fixtures.js';
import { waitFor } from '../../dev/http-client.js';
import { startStack, type Stack } from '../support/stack.js';
import { killWorker, spawnWorker } from '../support/worker-child.js';

/**
 * No double charge and no double supplier order, whatever fails: supplier timeouts after creating, crashed
 * workers, concurrent clicks, concurrent top-ups. Workers run as child processes here so one can be killed.
 */
let stack: Stack;
let worker: ChildProcess | null = null;

beforeAll(async () => {
  stack = await startStack({ worker: false, env: { ACTION_TIMEOUT: '3s' } });
  worker = await spawnWorker(stack);
});
afterAll(async () => {
  if (worker) await killWorker(worker);
  await stack?.stop();
});

async function createCount(): Promise<number> {
  return (await stack.supplier.get('/_admin/requests')).body.counts.create;
}

async function ledgerSums(
  merchantId: string,
): Promise<{ balance: number; reserved: number; sumBalance: number; sumReserved: number }> {
  const client = new pg.Client({ connectionString: stack.databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query(
      `SELECT w.balance, w.reserved,
              COALESCE((SELECT SUM(balance_delta) FROM wallet_transactions t WHERE t.merchant_id = w.merchant_id), 0) AS sum_balance,
              COALESCE((SELECT SUM(reserved_delta) FROM wallet_transactions t WHERE t.merchant_id = w.merchant_id), 0) AS sum_reserved
       FROM wallets w WHERE w.merchant_id = $1`,
      [merchantId],
    );
    const r = rows[0];
    return {
      balance: Number(r.balance),
      reserved: Number(r.reserved),
      sumBalance: Number(r.sum_balance),
      sumReserved: Number(r.sum_reserved),
    };
  } finally {
    await client.end();
  }
}

describe('supplier failures never create a second order', () => {
  it('the supplier times out after creating the order → looked up by reference, one supplier order', async () => {
    const m = await createMerchant(stack, { topUp: 10_000 });
    await stack.supplier.post('/_admin/faults', { route: 'create', kind: 'timeout_after_create', delayMs: 4_000 });
    const created = await stack.api.post('/v1/orders', orderInput(), { key: m.key });
    const submitted = await waitForStatus(stack, m.key, created.body.id, 'SUBMITTED');
    expect(await supplierOrders(stack, submitted.id)).toHaveLength(1);
    const accepted = (await events(stack, m.key, submitted.id)).find((e) => e.type === 'supplier.accepted');
    expect(accepted?.details.alreadyExisted).toBe(true);
    await waitFor('capture', async () => (await wallet(stack, m.key)).reserved === 0);
    expect((await wallet(stack, m.key)).balance).toBe(10_000 - submitted.cost.total);
  });

  it('5xx, an HTML error page and "200 with an error body" are retried until the order goes through, once', async () => {
    const m = await createMerchant(stack, { topUp: 10_000 });
    await stack.supplier.post('/_admin/faults', { route: 'create', kind: 'http_500' });
    await stack.supplier.post('/_admin/faults', { route: 'create', kind: 'html_502' });
    await stack.supplier.post('/_admin/faults', { route: 'create', kind: 'error_body_200' });
    const before = await createCount();
    const created = await stack.api.post('/v1/orders', orderInput(), { key: m.key });
    const submitted = await waitForStatus(stack, m.key, created.body.id, 'SUBMITTED');
    expect((await createCount()) - before).toBeGreaterThanOrEqual(4);
    expect(await supplierOrders(stack, submitted.id)).toHaveLength(1);
  });

  it('HTTP 429 waits until X-Ratelimit-Reset before calling again', async () => {
    const m = await createMerchant(stack, { topUp: 10_000 });
    await stack.supplier.post('/_admin/faults', { route: 'create', kind: 'rate_limit', resetInSeconds: 4 });
    const before = await createCount();
    const created = await stack.api.post('/v1/orders', orderInput(), { key: m.key });
    await waitFor('the rate-limited call', async () => (await createCount()) > before, { intervalMs: 20 });
    // The retry policy alone would call again after 200 ms; the supplier asked for seconds.
    await new Promise((r) => setTimeout(r, 1_500));
    expect(await createCount()).toBe(before + 1);
    await waitForStatus(stack, m.key, created.body.id, 'SUBMITTED');
    expect(await createCount()).toBe(before + 2);
  });
});

describe('a worker killed mid-order', () => {
  it('between the charge and the submission, then restarted → one charge, one supplier order', async () => {
    const m = await createMerchant(stack, { topUp: 10_000 });
    // Hold the create call long enough to kill the worker while it waits for the supplier's answer.
    await stack.supplier.post('/_admin/faults', { route: 'create', kind: 'slow', delayMs: 1_200 });
    const before = await createCount();
    const created = await stack.api.post('/v1/orders', orderInput(), { key: m.key });
    await waitFor('the hold on the wallet', async () => (await wallet(stack, m.key)).reserved > 0, { intervalMs: 20 });
    await waitFor('the create call in flight', async () => (await createCount()) > before, { intervalMs: 20 });
    expect((await stack.api.get(`/v1/orders/${created.body.id}`, { key: m.key })).body.status).toBe('PROCESSING');

    if (worker) await killWorker(worker);
    worker = await spawnWorker(stack);

    const submitted = await waitForStatus(stack, m.key, created.body.id, 'SUBMITTED', 60_000);
    expect(await supplierOrders(stack, submitted.id)).toHaveLength(1);
    await waitFor('capture', async () => (await wallet(stack, m.key)).reserved === 0);
    expect((await wallet(stack, m.key)).balance).toBe(10_000 - submitted.cost.total);
    const ledger = (await stack.api.get('/v1/wallet/transactions', { key: m.key })).body.items.filter(
      (t: any) => t.orderId === submitted.id,
    );
    expect(ledger.map((t: any) => t.kind)).toEqual(['capture', 'hold']);
  });
});

describe('no worker running', () => {
  it('an order is still accepted; an action answers 503 (never 500); the order goes on once a worker is back', async () => {
    const m = await createMerchant(stack, { topUp: 10_000 });
    if (worker) await killWorker(worker);
    worker = null;
    const created = await stack.api.post('/v1/orders', orderInput(), { key: m.key });
    expect(created.status).toBe(201);
    expect((await stack.api.get(`/v1/orders/${created.body.id}`, { key: m.key })).body.status).toBe('RECEIVED');
    const resend = await stack.api.post(`/v1/orders/${created.body.id}/resend`, {}, { key: m.key });
    expect(resend.status).toBe(503);
    expect(resend.body.error.code).toBe('TEMPORARILY_UNAVAILABLE');

    worker = await spawnWorker(stack);
    await waitForStatus(stack, m.key, created.body.id, 'SUBMITTED', 60_000);
    expect(await supplierOrders(stack, created.body.id)).toHaveLength(1);
  });
});

describe('concurrent merchants clicks and money movements', () => {
  it('ten concurrent resend calls → one accepted, nine refused, one submission', async () => {
    const m = await createMerchant(stack, { topUp: 10_000 });
    const created = await stack.api.post(
      '/v1/orders',
      orderInput({ customer: { name: 'Maria Rossi', email: 'maria@example.com', phone: '0' } }),
      { key: m.key },
    );
    await waitForStatus(stack, m.key, created.body.id, 'PENDING_REVIEW');
    await stack.api.patch(`/v1/orders/${created.body.id}`, { customer: { phone: '+39 333 1234567' } }, { key: m.key });

    const answers = await Promise.all(
      Array.from({ length: 10 }, () => stack.api.post(`/v1/orders/${created.body.id}/resend`, {}, { key: m.key })),
    );
    const statuses = answers.map((a) => a.status).sort();
    expect(statuses.filter((s) => s === 200)).toHaveLength(1);
    expect(statuses.filter((s) => s === 409)).toHaveLength(9);
    expect(answers.find((a) => a.status === 409)?.body.error.code).toBe('INVALID_STATE');

    const submitted = await waitForStatus(stack, m.key, created.body.id, 'SUBMITTED');
    expect(await supplierOrders(stack, submitted.id)).toHaveLength(1);
    const resends = (await events(stack, m.key, submitted.id)).filter((e) => e.type === 'order.resent');
    expect(resends).toHaveLength(1);
  });

  it('many orders and top-ups at once on one wallet: never below zero, the ledger sums to the balance', async () => {
    const m = await createMerchant(stack, { topUp: 5_000 });
    const finance = await financeKey(stack);
    const transfers = await Promise.all(
      Array.from({ length: 6 }, () =>
        stack.api.post(
          '/v1/wallet/top-ups',
          { method: 'bank_transfer', amount: 2_000, currency: 'EUR' },
          { key: m.key },
        ),
      ),
    );
    expect(transfers.map((t) => t.status)).toEqual(Array(6).fill(201));
    let sawNegative = false;
    let watching = true;
    const watcher = (async () => {
      while (watching) {
        const w = await wallet(stack, m.key);
        if (w.balance < 0 || w.available < 0 || w.reserved < 0) sawNegative = true;
        await new Promise((r) => setTimeout(r, 25));
      }
    })();

    const orders = Array.from({ length: 12 }, () => stack.api.post('/v1/orders', orderInput(), { key: m.key }));
    // The finance desk confirms each transfer while the orders run, the first one five times at once.
    const confirm = (t: (typeof transfers)[number], i: number) =>
      stack.api.post(
        `/v1/finance/top-ups/${t.body.id}/confirm`,
        { amountReceived: 2_000, bankReference: `burst-${i}` },
        { key: finance },
      );
    const confirms = transfers.flatMap((t, i) => Array.from({ length: i === 0 ? 5 : 1 }, () => confirm(t, i)));
    const created = await Promise.all(orders);
    const confirmed = await Promise.all(confirms);
    expect(created.every((c) => c.status === 201)).toBe(true);
    expect(confirmed.filter((c) => c.status === 200)).toHaveLength(6);
    expect(confirmed.filter((c) => c.status === 409)).toHaveLength(4);

    // Every order settles (submitted, or parked for funds) and stays so: the same picture twice in a row.
    let previous = '';
    const settled = await waitFor(
      'every order to settle',
      async () => {
        const list = (await stack.api.get('/v1/orders?limit=50', { key: m.key })).body.items;
        const w = await wallet(stack, m.key);
        const done = list.filter((o: any) => o.status === 'SUBMITTED' || o.status === 'PENDING_REVIEW');
        const picture = JSON.stringify([list.map((o: any) => o.status), w]);
        const stable = done.length === 12 && w.reserved === 0 && picture === previous;
        previous = picture;
        return stable ? list : false;
      },
      { timeoutMs: 60_000, intervalMs: 1_000 },
    );
    watching = false;
    await watcher;
    expect(sawNegative).toBe(false);

    const sums = await ledgerSums(m.id);
    expect(sums.sumBalance).toBe(sums.balance);
    expect(sums.sumReserved).toBe(sums.reserved);
    expect(sums.balance).toBeGreaterThanOrEqual(0);
    const submitted = settled.filter((o: any) => o.status === 'SUBMITTED');
    const spent = submitted.reduce((n: number, o: any) => n + o.cost.total, 0);
    expect(sums.balance).toBe(5_000 + 6 * 2_000 - spent);
    for (const o of submitted) expect(await supplierOrders(stack, o.id)).toHaveLength(1);
    for (const o of settled.filter((x: any) => x.status === 'PENDING_REVIEW')) {
      expect(o.reviewReasons.map((r: any) => r.code)).toEqual(['INSUFFICIENT_FUNDS']);
    }
  });
});
