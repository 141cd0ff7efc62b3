import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import { pino } from 'pino';
import { defaultTimings, type OrderTimings } from '../domain/timings.js';
import { HttpClient } from '../dev/http-client.js';
import { startEphemeralStack } from '../dev/ephemeral-stack.js';
import { ensureBuilt } from '../dev/production-topology.js';
import { installTemporalLogger } from '../worker/temporal-logger.js';
import { createBareWorker } from './bench/bare-worker.js';
import { bareAction } from './bench/bare-workflows.js';
import { openBareWorkflows, parkOrders } from './bench/open-workflows.js';
import {
  bucketQuantile,
  histogram,
  histogramDelta,
  parsePrometheus,
  total,
  type Histogram,
  type Sample,
} from './bench/prometheus.js';
import { mib, sequentialRoundTrips, settledMemory, sleep, type Percentiles } from './bench/stats.js';
import { startWorkerProcess, type BenchWorker } from './bench/worker-process.js';

/**
 * `node --expose-gc --import tsx scripts/bench-open-orders.ts`: OPEN_ORDERS orders (default 10,000) open on one
 * worker with its default cache (WORKER_MAX_CACHED_WORKFLOWS, 1,000), the worker a process of its own as production
 * runs it (`node dist/app/worker-main.js`, the production build, built first when the sources are newer), the API
 * and the simulators in this process. It prints the worker process's RSS and peak RSS once the orders are created
 * (beside this process's), the round trips of actions on the newest orders (warm: in the cache) and on the oldest
 * (evicted: replayed on the action's task), and, per phase (creation, warm actions, evicted actions), the worker's
 * workflow task execution and schedule-to-start latencies from the histograms of its `/metrics`, scraped before and
 * after the phase (each quantile is the upper bound of the bucket holding it). Beside them, bare Temporal's updates
 * on as many open bare workflows with the same cache, on the same server, in one run (that worker in this process).
 * Heavy: run it alone.
 *   OPEN_ORDERS (default 10000), OPEN_CONCURRENCY (default 20), OPEN_ACTIONS (default 200 per case);
 *   WORKER_MAX_CACHED_WORKFLOWS and the other application settings reach the worker process as they are set here.
 */

// ---- the worker's workflow tasks, from two scrapes of its /metrics ----

const metric = {
  execution: 'temporal_workflow_task_execution_latency',
  scheduleToStart: 'temporal_workflow_task_schedule_to_start_latency',
  replay: 'temporal_workflow_task_replay_latency',
  failed: 'temporal_workflow_task_execution_failed',
  cacheHit: 'temporal_sticky_cache_hit',
  cacheMiss: 'temporal_sticky_cache_miss',
  forcedEvictions: 'temporal_sticky_cache_total_forced_eviction',
  cacheSize: 'temporal_sticky_cache_size',
};

interface PhaseTasks {
  execution: Histogram | null;
  scheduleToStart: Histogram | null;
  replay: Histogram | null;
  /** Counters the SDK exports only from their first increment: absent means 0. */
  failed: number;
  cacheHit: number;
  cacheMiss: number;
  forcedEvictions: number;
  /** Workflows in the worker's cache at the end of the phase. */
  cacheSize: number;
}

/** Every workflow type and task queue of the worker summed (the catalogue sync adds a task every 15 minutes). */
function phaseTasks(before: Sample[], after: Sample[]): PhaseTasks {
  const delta = (name: string): Histogram | null => histogramDelta(histogram(after, name), histogram(before, name));
  const counted = (name: string): number => total(after, name) - total(before, name);
  return {
    execution: delta(metric.execution),
    scheduleToStart: delta(metric.scheduleToStart),
    replay: delta(metric.replay),
    failed: counted(metric.failed),
    cacheHit: counted(metric.cacheHit),
    cacheMiss: counted(metric.cacheMiss),
    forcedEvictions: counted(metric.forcedEvictions),
    cacheSize: total(after, metric.cacheSize),
  };
}

/** The bucket bound holding quantile q, in ms (the SDK's exporter records seconds: useSecondsForDurations). */
function bound(h: Histogram | null, q: number): string {
  const le = bucketQuantile(h, q);
  if (le === null) return '-';
  if (le === Infinity) {
    const largest = h?.buckets.filter((b) => b.le !== Infinity).at(-1)?.le;
    return largest === undefined ? '> ?' : `> ${(largest * 1000).toFixed(0)} ms`;
  }
  return `≤ ${Number((le * 1000).toPrecision(6))} ms`;
}

const columns = [28, 7, 10, 10, 10, 15, 11, 7, 15, 10, 7];

function row(cells: string[]): string {
  return `  ${cells.map((c, i) => (i === 0 ? c.padEnd(columns[i]!) : c.padStart(columns[i]!))).join(' ')}`;
}

const tasksHeader = (): string =>
  row([
    'phase',
    'tasks',
    'exec mean',
    'exec p50',
    'exec p99',
    'sched→start p99',
    'replay p99',
    'failed',
    'cache hit/miss',
    'evictions',
    'cached',
  ]);

function tasksRow(label: string, t: PhaseTasks): string {
  return row([
    label,
    String(t.execution?.count ?? 0),
    t.execution && t.execution.count > 0 ? `${((t.execution.sum / t.execution.count) * 1000).toFixed(0)} ms` : '-',
    bound(t.execution, 0.5),
    bound(t.execution, 0.99),
    bound(t.scheduleToStart, 0.99),
    bound(t.replay, 0.99),
    String(t.failed),
    `${t.cacheHit}/${t.cacheMiss}`,
    String(t.forcedEvictions),
    String(t.cacheSize),
  ]);
}

// ---- the run ----

const OPEN = Number(process.env.OPEN_ORDERS ?? 10_000);
const CONCURRENCY = Number(process.env.OPEN_CONCURRENCY ?? 20);
const ACTIONS = Number(process.env.OPEN_ACTIONS ?? 200);
const SAMPLE = 100;

const timed = (targets: string[], act: (target: string) => Promise<void>): Promise<Percentiles> =>
  sequentialRoundTrips(ACTIONS, targets, act);

const numbers = [...Array(OPEN).keys()];
// The parked orders wait for funds: their first re-check would come 15 minutes after each was created, in the
// middle of a 10,000-order run, and replay them all again (a run made with it crawled from 7 to 1.3 orders/s).
const timings: OrderTimings = { ...defaultTimings, trackingPollInterval: 3_600_000, fundsRetrySchedule: [86_400_000] };
const say = (line: string): void => void process.stderr.write(`${line}\n`);
await ensureBuilt(say);
const stack = await startEphemeralStack(timings, { RATE_LIMIT_PER_KEY: '0' }, { worker: false });
const cache = stack.env.WORKER_MAX_CACHED_WORKFLOWS;
let worker: BenchWorker | null = null;
try {
  // The API in this process passes the timings to each order it starts; the worker gets them as production would.
  worker = await startWorkerProcess(stack, {
    TRACKING_POLL_INTERVAL: String(timings.trackingPollInterval),
    FUNDS_RETRY_SCHEDULE: timings.fundsRetrySchedule.join(','),
  });
  const w = worker;
  const scrape = async (): Promise<Sample[]> => parsePrometheus(await w.scrape());
  /** A phase's workflow tasks: the worker's metrics before it and, once its last tasks are through, after it. */
  const phase = async <T>(work: () => Promise<T>): Promise<{ result: T; tasks: PhaseTasks }> => {
    const before = await scrape();
    const result = await work();
    await sleep(1_000);
    return { result, tasks: phaseTasks(before, await scrape()) };
  };

  const api = new HttpClient(stack.platform.apiUrl ?? '');
  const m = await api.post('/v1/merchants', { name: 'Open orders' }, { key: stack.operatorKey });
  const key = m.body.apiKey as string;
  const creation = await phase(async () => {
    const started = performance.now();
    const orders = await parkOrders(api, key, numbers, CONCURRENCY, 'open');
    const createdIn = (performance.now() - started) / 1000;
    const memory = await settledMemory();
    return { orders, createdIn, memory };
  });
  const { orders, createdIn, memory } = creation.result;
  const workerMemory = w.memory();
  const workerHeap = total(await scrape(), 'nodejs_heap_size_used_bytes');
  let n = 0;
  const patch = async (id: string): Promise<void> => {
    const res = await api.patch(`/v1/orders/${id}`, { customer: { name: `Maria Rossi ${++n}` } }, { key });
    if (res.status !== 200) throw new Error(`PATCH answered ${res.status}: ${res.text}`);
  };
  // Warm: the newest orders, still in the cache; evicted: the oldest, each sent one action only (an action loads the
  // order back into the cache), pushed out by the ones after them as long as OPEN_ORDERS exceeds the cache.
  const warm = await phase(() => timed(orders.slice(-SAMPLE), patch));
  const evicted = await phase(() => timed(orders.slice(0, ACTIONS), patch));
  const workerMemoryAfter = w.memory();

  // The runtime the in-process order worker used to install (the SDK's logs through pino at the stack's level),
  // before the native connection instantiates a default one.
  installTemporalLogger(pino({ level: stack.env.LOG_LEVEL }));
  const native = await NativeConnection.connect({ address: stack.temporalAddress });
  const connection = await Connection.connect({ address: stack.temporalAddress });
  const client = new Client({ connection });
  const taskQueue = `bare-${randomUUID()}`;
  const bare = await createBareWorker({ connection: native, taskQueue, maxCachedWorkflows: cache });
  const running = bare.run();
  const bareIds = await openBareWorkflows(client, taskQueue, numbers, CONCURRENCY);
  const update = async (id: string): Promise<void> =>
    void (await client.workflow.getHandle(id).executeUpdate(bareAction, { args: ['touch'] }));
  const bareWarm = await timed(bareIds.slice(-SAMPLE), update);
  const bareEvicted = await timed(bareIds.slice(0, ACTIONS), update);
  bare.shutdown();
  await running;
  await native.close();
  await connection.close();

  const line = (label: string, bare: Percentiles, platform: Percentiles): string =>
    `  ${label.padEnd(30)} bare p50 ${bare.p50.toFixed(0)} · p99 ${bare.p99.toFixed(0)} ms   platform p50 ${platform.p50.toFixed(0)} · p99 ${platform.p99.toFixed(0)} ms   p99 ${(platform.p99 / bare.p99).toFixed(2)}× bare`;
  const evictedLabel = OPEN > cache + ACTIONS ? 'evicted (oldest)' : 'oldest (NOT evicted: too few)';
  const peak = (memory: { peak: number | null }): string => (memory.peak === null ? 'n/a' : mib(memory.peak));
  process.stdout.write(
    [
      '',
      `${OPEN} open orders parked in review on one worker (cache ${cache}), created by ${CONCURRENCY} clients in ${createdIn.toFixed(0)} s:`,
      `  worker process (node dist/app/worker-main.js, pid ${w.pid}) RSS ${mib(workerMemory.rss)} · peak ${peak(workerMemory)} · heap of its main thread ${mib(workerHeap)} (the workflows run on the SDK's workflow thread, outside it)`,
      `  this process (API, simulators) RSS ${mib(memory.rss)} · heap ${mib(memory.heapUsed)}`,
      `${ACTIONS} sequential actions per case (platform: PATCH /v1/orders/{id}; bare: an update on as many open bare workflows):`,
      line(
        SAMPLE <= cache ? 'warm (newest, cached)' : 'newest (NOT all cached: too small a cache)',
        bareWarm,
        warm.result,
      ),
      line(evictedLabel, bareEvicted, evicted.result),
      `  worker process after the actions: RSS ${mib(workerMemoryAfter.rss)} · peak ${peak(workerMemoryAfter)}`,
      `Workflow tasks of the worker process per phase, from its /metrics scraped before and after each phase. Each`,
      `quantile is the UPPER BOUND of the histogram bucket holding it ("≤ 200 ms"; "> 1000 ms": past the largest`,
      `finite bucket), not an interpolation; the mean is exact (sum / count). Execution runs from the poll to the`,
      `completion sent, with the local activities the task waits for and an evicted order's replay; "replay" is only`,
      `the SDK core's catch-up on the history.`,
      tasksHeader(),
      tasksRow(`creation (${OPEN} orders)`, creation.tasks),
      tasksRow(SAMPLE <= cache ? 'warm actions' : 'newest actions (NOT all cached)', warm.tasks),
      tasksRow(OPEN > cache + ACTIONS ? 'evicted actions' : 'oldest actions (NOT evicted)', evicted.tasks),
      `  worker log (LOG_LEVEL=warn): ${w.logFile}; worker starts: ${w.starts} (more than 1: it crashed and was restarted)`,
      '',
    ].join('\n'),
  );
} finally {
  await worker?.stop();
  await stack.stop();
}
