import { randomUUID } from 'node:crypto';
import { writeHeapSnapshot } from 'node:v8';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import { defaultTimings } from '../domain/timings.js';
import { HttpClient } from '../dev/http-client.js';
import { startEphemeralStack } from '../dev/ephemeral-stack.js';
import { createBareWorker } from './bench/bare-worker.js';
import { openBareWorkflows, parkOrders } from './bench/open-workflows.js';
import { kib, mib, settledMemory, sleep } from './bench/stats.js';

/**
 * Memory per cached open order: the worker's heap and RSS slope between FROM and TO orders waiting in pending review
 * (an unfunded wallet parks them), every one of them held in the worker's cache; then the same for a bare-Temporal
 * workflow of the same shape (four activities, then waiting for an update) on the same server in the same process.
 * Run with `node --expose-gc --import tsx scripts/profile-workflow-memory.ts` (TEMPORAL_DEBUG=1 is set so the
 * workflows run on the main thread, where the heap figure can see them).
 *   PROFILE_FROM (default 100), PROFILE_TO (default 300), PROFILE_CONCURRENCY (default 10)
 *   PROFILE_SNAPSHOT=<prefix>: a heap snapshot at each end of the platform's slope (<prefix>-<FROM|TO>.heapsnapshot)
 */
process.env.TEMPORAL_DEBUG ??= '1';
const FROM = Number(process.env.PROFILE_FROM ?? 100);
const TO = Number(process.env.PROFILE_TO ?? 300);
const CONCURRENCY = Number(process.env.PROFILE_CONCURRENCY ?? 10);

interface Slope {
  heap: number;
  rss: number;
}

async function slope(openUpTo: (n: number) => Promise<void>, snapshot?: string): Promise<Slope> {
  await openUpTo(FROM);
  const a = await settledMemory();
  if (snapshot) {
    writeHeapSnapshot(`${snapshot}-${FROM}.heapsnapshot`);
    // Writing blocks the process for seconds: let idle keep-alive connections close before the next requests.
    await sleep(6_000);
  }
  await openUpTo(TO);
  const b = await settledMemory();
  if (snapshot) writeHeapSnapshot(`${snapshot}-${TO}.heapsnapshot`);
  return { heap: (b.heapUsed - a.heapUsed) / (TO - FROM), rss: (b.rss - a.rss) / (TO - FROM) };
}

const stack = await startEphemeralStack(
  { ...defaultTimings, trackingPollInterval: 3_600_000 },
  { RATE_LIMIT_PER_KEY: '0', WORKER_MAX_CACHED_WORKFLOWS: String(TO + 100) },
);
try {
  const api = new HttpClient(stack.platform.apiUrl ?? '');
  const m = await api.post('/v1/merchants', { name: 'Memory profile' }, { key: stack.operatorKey });
  const key = m.body.apiKey as string;

  let opened = 0;
  const platform = await slope(async (n) => {
    const numbers = [...Array(n - opened).keys()].map((i) => i + opened);
    opened = n;
    await parkOrders(api, key, numbers, CONCURRENCY, 'memory');
  }, process.env.PROFILE_SNAPSHOT);

  const native = await NativeConnection.connect({ address: stack.temporalAddress });
  const connection = await Connection.connect({ address: stack.temporalAddress });
  const client = new Client({ connection });
  const taskQueue = `bare-${randomUUID()}`;
  const worker = await createBareWorker({ connection: native, taskQueue, maxCachedWorkflows: TO + 100 });
  const running = worker.run();
  let bareOpened = 0;
  const bare = await slope(async (n) => {
    const numbers = [...Array(n - bareOpened).keys()].map((i) => i + bareOpened);
    bareOpened = n;
    await openBareWorkflows(client, taskQueue, numbers, CONCURRENCY);
  });
  worker.shutdown();
  await running;
  await native.close();
  await connection.close();

  const ratio = (x: number, y: number): string => (y > 0 ? `${(x / y).toFixed(1)}×` : 'n/a');
  process.stdout.write(
    [
      '',
      `Memory per cached open order, ${FROM} → ${TO} open (platform: orders parked in PENDING_REVIEW; bare: the same`,
      `shape, four no-op activities then waiting for an update), one process, one server, one run:`,
      `  heap per workflow   bare ${kib(bare.heap)} · platform ${kib(platform.heap)} (${ratio(platform.heap, bare.heap)})`,
      `  RSS slope           bare ${kib(bare.rss)} · platform ${kib(platform.rss)} (${ratio(platform.rss, bare.rss)})`,
      `  process RSS at the end ${mib(process.memoryUsage().rss)}`,
      '',
    ].join('\n'),
  );
} finally {
  await stack.stop();
}
