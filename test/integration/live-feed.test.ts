import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningPlatform } from '../../app/platform.js';
import { adjustWallet } from '../../dev/funding.js';
import { openEventStream, type EventStream } from '../support/event-stream.js';
import { createMerchant, financeKey, orderInput } from '../support/fixtures.js';
import { OPERATOR_KEY, startApiReplica, startStack, type Stack } from '../support/stack.js';

/**
 * The live feed across the two API replicas of start:production: two platform processes' APIs on one database,
 * each with its own listening connection. A change written through either reaches a browser on the other.
 */
let stack: Stack;
let replica: RunningPlatform;

const startReplica = (heartbeatMs?: number): Promise<RunningPlatform> =>
  startApiReplica(stack, heartbeatMs ? { eventsHeartbeatMs: heartbeatMs } : {});

const streams: EventStream[] = [];
async function open(baseUrl: string, key: string, lastEventId?: string): Promise<EventStream> {
  const s = await openEventStream(baseUrl, key, lastEventId === undefined ? {} : { lastEventId });
  streams.push(s);
  return s;
}

const about = (id: string) => (e: { data: string }) => e.data.includes(id);

/** Delivery within 2 s is the console's promise (issue 14): a change shows on an open page without a reload. */
const DELIVERY_MS = 2_000;

beforeAll(async () => {
  stack = await startStack();
  replica = await startReplica();
});
afterAll(async () => {
  for (const s of streams) s.close();
  await replica?.stop();
  await stack?.stop();
});

describe('GET /v1/events', () => {
  it("delivers a merchant's new order to its stream on the other replica, ids only, within 2 s", async () => {
    const m = await createMerchant(stack);
    const onReplica = await open(replica.apiUrl ?? '', m.key);
    const created = await stack.api.post('/v1/orders', orderInput(), { key: m.key });
    expect(created.status).toBe(201);
    const event = await onReplica.next(about(created.body.id), DELIVERY_MS);
    expect(event.event).toBe('order');
    expect(JSON.parse(event.data)).toEqual({ id: created.body.id, merchantId: m.id });
    expect(Number(event.id)).toBeGreaterThan(0);
  });

  it("never sends a merchant another merchant's ids; an operator's stream carries every merchant's", async () => {
    const a = await createMerchant(stack);
    const b = await createMerchant(stack);
    const streamA = await open(stack.api.baseUrl, a.key);
    const streamB = await open(replica.apiUrl ?? '', b.key);
    const operator = await open(replica.apiUrl ?? '', OPERATOR_KEY);
    const orderA = (await stack.api.post('/v1/orders', orderInput(), { key: a.key })).body;
    const orderB = (await stack.api.post('/v1/orders', orderInput(), { key: b.key })).body;
    await streamA.next(about(orderA.id), DELIVERY_MS);
    await streamB.next(about(orderB.id), DELIVERY_MS);
    await operator.next(about(orderA.id), DELIVERY_MS);
    await operator.next(about(orderB.id), DELIVERY_MS);
    // The order's later changes (its workflow moving it on) come after its creation: wait for a later one of B's.
    const orderB2 = (await stack.api.post('/v1/orders', orderInput(), { key: b.key })).body;
    await operator.next(about(orderB2.id), DELIVERY_MS);
    await streamB.next(about(orderB2.id), DELIVERY_MS);
    expect(streamA.events.every((e) => !e.data.includes(b.id) && !e.data.includes(orderB.id))).toBe(true);
    expect(streamB.events.every((e) => !e.data.includes(a.id) && !e.data.includes(orderA.id))).toBe(true);
    expect(
      streamA.events.filter((e) => e.event !== 'resync').every((e) => JSON.parse(e.data).merchantId === a.id),
    ).toBe(true);
  });

  it('announces wallet and top-up changes', async () => {
    const m = await createMerchant(stack);
    const s = await open(replica.apiUrl ?? '', m.key);
    await adjustWallet(stack.api, await financeKey(stack), { merchantId: m.id, amount: 5_000, reason: 'feed test' });
    const wallet = await s.next((e) => e.event === 'wallet', DELIVERY_MS);
    expect(JSON.parse(wallet.data)).toEqual({ id: m.id, merchantId: m.id });
    const topUp = await stack.api.post(
      '/v1/wallet/top-ups',
      { method: 'bank_transfer', amount: 2_000, currency: 'EUR' },
      { key: m.key },
    );
    expect(topUp.status).toBe(201);
    const event = await s.next(about(topUp.body.id), DELIVERY_MS);
    expect(event.event).toBe('top-up');
  });

  it('resumes after Last-Event-ID on the other replica with what was missed, in order', async () => {
    const m = await createMerchant(stack);
    const first = await open(stack.api.baseUrl, m.key);
    const before = (await stack.api.post('/v1/orders', orderInput(), { key: m.key })).body;
    const seen = await first.next(about(before.id), DELIVERY_MS);
    first.close();
    // Missed while no stream was open.
    const missed = (await stack.api.post('/v1/orders', orderInput(), { key: m.key })).body;
    const watcher = await open(replica.apiUrl ?? '', OPERATOR_KEY);
    await watcher.next(about(missed.id), DELIVERY_MS);

    const resumed = await open(replica.apiUrl ?? '', m.key, seen.id);
    const replayed = await resumed.next(about(missed.id), DELIVERY_MS);
    expect(replayed.event).toBe('order');
    expect(resumed.events.some((e) => e.event === 'resync')).toBe(false);
    expect(resumed.events.findIndex((e) => e.id === seen.id)).toBe(-1);
  });

  it('asks a browser whose Last-Event-ID it cannot place to resync', async () => {
    const m = await createMerchant(stack);
    for (const lastEventId of ['9007199254740991', 'not-an-id']) {
      const s = await open(replica.apiUrl ?? '', m.key, lastEventId);
      await s.next((e) => e.event === 'resync', DELIVERY_MS);
      s.close();
    }
  });

  it('keeps an idle stream open with comments, and ends open streams when the platform stops', async () => {
    const third = await startReplica(100);
    const m = await createMerchant(stack);
    const s = await open(third.apiUrl ?? '', m.key);
    await new Promise<void>((resolve) => {
      const poll = setInterval(() => {
        if (s.comments.includes('heartbeat')) {
          clearInterval(poll);
          resolve();
        }
      }, 50);
    });
    await third.stop();
    await s.ended;
  });

  it('listens again after losing its connection (as in a database restart): open streams resync, then go on', async () => {
    const m = await createMerchant(stack);
    const s = await open(replica.apiUrl ?? '', m.key);
    const admin = new pg.Client({ connectionString: stack.databaseUrl });
    await admin.connect();
    try {
      // What a restart does to every session: the server ends it. Here only the listening ones, of both replicas.
      const killed = await admin.query(
        `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
         WHERE datname = current_database() AND query = 'LISTEN platform_changes' AND pid <> pg_backend_pid()`,
      );
      expect(killed.rowCount).toBe(2);
    } finally {
      await admin.end();
    }
    await s.next((e) => e.event === 'resync');
    const created = (await stack.api.post('/v1/orders', orderInput(), { key: m.key })).body;
    await s.next(about(created.id), DELIVERY_MS);
  });

  it('is refused without a key, and to a client that does not read event streams', async () => {
    expect((await fetch(`${replica.apiUrl}/v1/events`)).status).toBe(401);
    const m = await createMerchant(stack);
    const json = await fetch(`${replica.apiUrl}/v1/events`, {
      headers: { authorization: `Bearer ${m.key}`, accept: 'application/json' },
    });
    expect(json.status).toBe(406);
    expect(((await json.json()) as { error: { code: string } }).error.code).toBe('NOT_ACCEPTABLE');
    // fetch and curl send */* by default: no endless stream for a client that did not ask for one.
    const generic = await fetch(`${replica.apiUrl}/v1/events`, { headers: { authorization: `Bearer ${m.key}` } });
    expect(generic.status).toBe(406);
  });
});
