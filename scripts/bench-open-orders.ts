import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import { defaultTimings } from '../domain/timings.js';
import { HttpClient } from '../dev/http-client.js';
import { startEphemeralStack } from '../dev/ephemeral-stack.js';
import { createBareWorker } from './bench/bare-worker.js';
import { bareAction } from './bench/bare-workflows.js';
import { openBareWorkflows, parkOrders } from './bench/open-workflows.js';
import { mib, sequentialRoundTrips, settledMemory, type Percentiles } from './bench/stats.js';

/**
 * `node --expose-gc --import tsx scripts/bench-open-orders.ts`: OPEN_ORDERS orders (default 10,000) open on one
 * worker with its default cache (WORKER_MAX_CACHED_WORKFLOWS, 2,500): the process's RSS, and actions on the newest
 * orders (warm: in the cache) and on the oldest (evicted: replayed on the action's task), beside bare Temporal's
 * updates on as many open bare workflows with the same cache, on the same server, in one run. Heavy: run it alone.
 *   OPEN_ORDERS (default 10000), OPEN_CONCURRENCY (default 20), OPEN_ACTIONS (default 200 per case)
 */
const OPEN = Number(process.env.OPEN_ORDERS ?? 10_000);
const CONCURRENCY = Number(process.env.OPEN_CONCURRENCY ?? 20);
const ACTIONS = Number(process.env.OPEN_ACTIONS ?? 200);
const SAMPLE = 100;

const timed = (targets: string[], act: (target: string) => Promise<void>): Promise<Percentiles> =>
  sequentialRoundTrips(ACTIONS, targets, act);

const numbers = [...Array(OPEN).keys()];
// The parked orders wait for funds: their first re-check would come 15 minutes after each was created, in the
// middle of a 10,000-order run, and replay them all again (a run made with it crawled from 7 to 1.3 orders/s).
const stack = await startEphemeralStack(
  { ...defaultTimings, trackingPollInterval: 3_600_000, fundsRetrySchedule: [86_400_000] },
  { RATE_LIMIT_PER_KEY: '0' },
);
const cache = stack.env.WORKER_MAX_CACHED_WORKFLOWS;
try {
  const api = new HttpClient(stack.platform.apiUrl ?? '');
  const m = await api.post('/v1/merchants', { name: 'Open orders' }, { key: stack.operatorKey });
  const key = m.body.apiKey as string;
  const started = performance.now();
  const orders = await parkOrders(api, key, numbers, CONCURRENCY, 'open');
  const createdIn = (performance.now() - started) / 1000;
  const memory = await settledMemory();
  let n = 0;
  const patch = async (id: string): Promise<void> => {
    const res = await api.patch(`/v1/orders/${id}`, { customer: { name: `Maria Rossi ${++n}` } }, { key });
    if (res.status !== 200) throw new Error(`PATCH answered ${res.status}: ${res.text}`);
  };
  // Warm: the newest orders, still in the cache; evicted: the oldest, each sent one action only (an action loads the
  // order back into the cache), pushed out by the ones after them as long as OPEN_ORDERS exceeds the cache.
  const platformWarm = await timed(orders.slice(-SAMPLE), patch);
  const platformEvicted = await timed(orders.slice(0, ACTIONS), patch);

  const native = await NativeConnection.connect({ address: stack.temporalAddress });
  const connection = await Connection.connect({ address: stack.temporalAddress });
  const client = new Client({ connection });
  const taskQueue = `bare-${randomUUID()}`;
  const worker = await createBareWorker({ connection: native, taskQueue, maxCachedWorkflows: cache });
  const running = worker.run();
  const bareIds = await openBareWorkflows(client, taskQueue, numbers, CONCURRENCY);
  const update = async (id: string): Promise<void> =>
    void (await client.workflow.getHandle(id).executeUpdate(bareAction, { args: ['touch'] }));
  const bareWarm = await timed(bareIds.slice(-SAMPLE), update);
  const bareEvicted = await timed(bareIds.slice(0, ACTIONS), update);
  worker.shutdown();
  await running;
  await native.close();
  await connection.close();

  const line = (label: string, bare: Percentiles, platform: Percentiles): string =>
    `  ${label.padEnd(30)} bare p50 ${bare.p50.toFixed(0)} · p99 ${bare.p99.toFixed(0)} ms   platform p50 ${platform.p50.toFixed(0)} · p99 ${platform.p99.toFixed(0)} ms   p99 ${(platform.p99 / bare.p99).toFixed(2)}× bare`;
  process.stdout.write(
    [
      '',
      `${OPEN} open orders parked in review on one worker (cache ${cache}), created by ${CONCURRENCY} clients in ${createdIn.toFixed(0)} s:`,
      `  process RSS (API, worker, simulators) ${mib(memory.rss)} · heap ${mib(memory.heapUsed)}`,
      `${ACTIONS} sequential actions per case (platform: PATCH /v1/orders/{id}; bare: an update on as many open bare workflows):`,
      line('warm (newest, cached)', bareWarm, platformWarm),
      line(OPEN > cache + ACTIONS ? 'evicted (oldest)' : 'oldest (NOT evicted: too few)', bareEvicted, platformEvicted),
      '',
    ].join('\n'),
  );
} finally {
  await stack.stop();
}
