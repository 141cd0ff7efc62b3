import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { waitFor, type HttpResponse } from '../../dev/http-client.js';
import { startPostgres, type RunningPostgres } from '../../dev/postgres.js';
import { freePort } from '../../dev/ports.js';
import { createMerchant, orderInput } from '../support/fixtures.js';
import { OPERATOR_KEY, startStack, type Stack } from '../support/stack.js';
import { startTcpProxy, type TcpProxy } from '../support/tcp-proxy.js';
import { connectShop, deliverWebhook, shopPayload } from '../support/webhooks.js';

/**
 * Outages answer like outages: with PostgreSQL or Temporal unreachable every route answers JSON 503 with
 * Retry-After (never Express's HTML page), and an Idempotency-Key claimed by a request the outage interrupted is
 * free again once the database is back. This file runs its own PostgreSQL (it stops it) and reaches the shared
 * Temporal server through a proxy it can pause and cut.
 */
let scratch: string;
let pgPort: number;
let postgres: RunningPostgres;
let proxy: TcpProxy;
let stack: Stack;

const startOwnPostgres = (): Promise<RunningPostgres> =>
  startPostgres({ dataDir: path.join(scratch, 'pg'), port: pgPort, database: 'postgres', ephemeral: true });

beforeAll(async () => {
  scratch = mkdtempSync(path.join(os.tmpdir(), 'orders-outage-'));
  chmodSync(scratch, 0o755);
  pgPort = await freePort();
  postgres = await startOwnPostgres();
  proxy = await startTcpProxy(inject('temporalAddress'));
  stack = await startStack({ postgresUrl: postgres.url, temporalAddress: proxy.address });
});
afterAll(async () => {
  proxy?.resume();
  await proxy?.restore().catch(() => undefined);
  await stack?.stop();
  await proxy?.close();
  await postgres?.stop();
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

function expectOutage(res: HttpResponse, what: string): void {
  expect(res.status, `${what}: ${res.text.slice(0, 200)}`).toBe(503);
  expect(res.headers.get('content-type'), what).toMatch(/^application\/json/);
  expect(res.body.error ?? res.body, what).toBeTruthy();
  expect(Number(res.headers.get('retry-after')), what).toBeGreaterThan(0);
  expect(res.text, what).not.toMatch(/<html|<pre>|<!DOCTYPE/i);
}

async function ordersWithExternalId(externalId: string): Promise<number> {
  const client = new pg.Client({ connectionString: stack.databaseUrl });
  await client.connect();
  try {
    return (await client.query('SELECT count(*)::int AS n FROM orders WHERE external_id = $1', [externalId])).rows[0].n;
  } finally {
    await client.end();
  }
}

async function workflowsWithExternalId(externalId: string): Promise<number> {
  let n = 0;
  for await (const _ of stack.platform.temporal.workflow.list({ query: `ExternalOrderId="${externalId}"` })) n += 1;
  return n;
}

describe('PostgreSQL stopped', () => {
  it('every route answers JSON 503 with Retry-After; the same create retried with its key succeeds once it is back, exactly once', async () => {
    const m = await createMerchant(stack, { topUp: 50_000 });
    const secret = 'outage-webhook-secret';
    const connection = await connectShop(stack, m.key, 'shopify', secret);
    const existing = await stack.api.post('/v1/orders', orderInput(), { key: m.key });
    expect(existing.status).toBe(201);
    const input = orderInput();
    const create = { key: m.key, headers: { 'idempotency-key': 'outage-create-1' } };

    await postgres.stop();
    const answers: [string, HttpResponse][] = [
      ['POST /v1/orders', await stack.api.post('/v1/orders', input, create)],
      ['GET /v1/orders', await stack.api.get('/v1/orders', { key: m.key })],
      ['GET /v1/orders/{id}', await stack.api.get(`/v1/orders/${existing.body.id}`, { key: m.key })],
      [
        'POST /v1/orders/{id}/cancel',
        await stack.api.post(`/v1/orders/${existing.body.id}/cancel`, {}, { key: m.key }),
      ],
      ['GET /v1/wallet', await stack.api.get('/v1/wallet', { key: m.key })],
      [
        'POST /v1/wallet/top-ups',
        await stack.api.post('/v1/wallet/top-ups', { amount: 100, currency: 'EUR', reference: 'x' }, { key: m.key }),
      ],
      [
        'POST /v1/merchants (operator)',
        await stack.api.post('/v1/merchants', { name: 'During the outage' }, { key: OPERATOR_KEY }),
      ],
      ['GET /v1/orders (operator)', await stack.api.get('/v1/orders', { key: OPERATOR_KEY })],
      ['GET /v1/products', await stack.api.get('/v1/products', { key: m.key })],
      [
        'POST /webhooks/shopify/{id}',
        await deliverWebhook(stack, 'shopify', connection.id, secret, JSON.stringify(shopPayload('shopify'))),
      ],
      ['GET /readyz', await stack.api.get('/readyz')],
    ];
    for (const [what, res] of answers) expectOutage(res, what);
    expect(answers[0]?.[1].body.error.code).toBe('TEMPORARILY_UNAVAILABLE');

    postgres = await startOwnPostgres();
    const retried = await waitFor('the API to reach the database again', async () => {
      const res = await stack.api.post('/v1/orders', input, create);
      return res.status === 503 ? false : res;
    });
    expect(retried.status).toBe(201);
    const again = await stack.api.post('/v1/orders', input, create);
    expect(again.status).toBe(201);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(again.body.id).toBe(retried.body.id);
    expect(await ordersWithExternalId(input.externalId)).toBe(1);
    expect(
      await waitFor(
        'the workflow in visibility',
        async () => (await workflowsWithExternalId(input.externalId)) || false,
      ),
    ).toBe(1);
  });

  it('a create whose claim the outage interrupted mid-request is not locked afterwards: its retry gets the one order', async () => {
    const m = await createMerchant(stack, { topUp: 50_000 });
    const input = orderInput();
    const create = { key: m.key, headers: { 'idempotency-key': 'outage-create-2' } };
    const watcher = new pg.Client({ connectionString: stack.databaseUrl });
    await watcher.connect();

    // Hold the request between its claim and the workflow start (Temporal traffic paused), then stop the database.
    proxy.pause();
    const first = stack.api.post('/v1/orders', input, create);
    await waitFor('the key to be claimed', async () => {
      const { rows } = await watcher.query(
        "SELECT count(*)::int AS n FROM pg_locks WHERE locktype = 'advisory' AND granted",
      );
      return rows[0].n > 0;
    });
    await watcher.end().catch(() => undefined);
    await postgres.stop();
    proxy.resume();
    expectOutage(await first, 'the interrupted create');

    postgres = await startOwnPostgres();
    const retried = await waitFor('the retry to go through', async () => {
      const res = await stack.api.post('/v1/orders', input, create);
      return res.status === 503 ? false : res;
    });
    // The workflow did start on the first attempt: the retry finds that order instead of refusing with 409.
    expect(retried.status, retried.text).toBe(200);
    expect(retried.body.externalId).toBe(input.externalId);
    expect(await waitFor('the order row', async () => (await ordersWithExternalId(input.externalId)) || false)).toBe(1);
    expect(
      await waitFor(
        'the workflow in visibility',
        async () => (await workflowsWithExternalId(input.externalId)) || false,
      ),
    ).toBe(1);
  });
});

describe('Temporal unreachable', () => {
  it('a create answers 503 with Retry-After to a client that waits 3 s; the same request retried with its key succeeds once Temporal is back', async () => {
    const m = await createMerchant(stack, { topUp: 50_000 });
    await proxy.cut();
    try {
      const input = orderInput();
      // A client that gives up after 3 s: it gets its answer (the create used to take about 19 s to answer 503).
      const patient = (key: string) => ({
        key: m.key,
        headers: { 'idempotency-key': key },
        signal: AbortSignal.timeout(3_000),
      });
      const started = Date.now();
      const order = await stack.api.post('/v1/orders', input, patient('quick-503-order'));
      const orderMs = Date.now() - started;
      expectOutage(order, 'POST /v1/orders');
      expect(order.body.error.code).toBe('TEMPORARILY_UNAVAILABLE');
      const topUp = await stack.api.post(
        '/v1/wallet/top-ups',
        { method: 'bank_transfer', amount: 10_000, currency: 'EUR' },
        patient('quick-503-top-up'),
      );
      expectOutage(topUp, 'POST /v1/wallet/top-ups');
      console.log(`with Temporal cut: POST /v1/orders answered ${order.status} in ${orderMs} ms`);
      expect(await ordersWithExternalId(input.externalId)).toBe(0);

      await proxy.restore();
      const retried = await waitFor(
        'Temporal to answer again',
        async () => {
          const res = await stack.api.post('/v1/orders', input, {
            key: m.key,
            headers: { 'idempotency-key': 'quick-503-order' },
          });
          return res.status === 503 ? false : res;
        },
        { timeoutMs: 60_000 },
      );
      expect(retried.status).toBe(201);
      const again = await stack.api.post('/v1/orders', input, {
        key: m.key,
        headers: { 'idempotency-key': 'quick-503-order' },
      });
      expect(again.headers.get('idempotent-replayed')).toBe('true');
      expect(again.body.id).toBe(retried.body.id);
      expect(await ordersWithExternalId(input.externalId)).toBe(1);
    } finally {
      await proxy.restore().catch(() => undefined);
    }
  });

  it('creates and actions answer JSON 503 with Retry-After, readiness says so; reads from PostgreSQL still answer', async () => {
    const m = await createMerchant(stack, { topUp: 50_000 });
    const existing = await stack.api.post(
      '/v1/orders',
      orderInput({ payment: { method: 'bank_transfer', amountPaid: 5990, currency: 'EUR' } }),
      { key: m.key },
    );
    expect(existing.status).toBe(201);

    await proxy.cut();
    try {
      const input = orderInput();
      const create = { key: m.key, headers: { 'idempotency-key': 'temporal-outage-1' } };
      expectOutage(await stack.api.post('/v1/orders', input, create), 'POST /v1/orders');
      expectOutage(await stack.api.post(`/v1/orders/${existing.body.id}/cancel`, {}, { key: m.key }), 'POST cancel');
      const ready = await stack.api.get('/readyz');
      expectOutage(ready, 'GET /readyz');
      expect(ready.body.temporal).toMatch(/^unavailable/);
      expect((await stack.api.get('/v1/orders', { key: m.key })).status).toBe(200);

      await proxy.restore();
      const retried = await waitFor(
        'Temporal to answer again',
        async () => {
          const res = await stack.api.post('/v1/orders', input, create);
          return res.status === 503 ? false : res;
        },
        { timeoutMs: 60_000 },
      );
      expect(retried.status).toBe(201);
      expect(await ordersWithExternalId(input.externalId)).toBe(1);
    } finally {
      await proxy.restore().catch(() => undefined);
    }
  });
});
