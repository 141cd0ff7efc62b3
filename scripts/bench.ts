import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { Client, Connection, type WorkflowHandle } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import { HttpClient } from '../dev/http-client.js';
import { adjustWallet, createOperatorKey } from '../dev/funding.js';
import { createBareWorker } from './bench/bare-worker.js';
import { bareAction, bareOrder } from './bench/bare-workflows.js';
import { benchOrder } from './bench/order-body.js';
import { devTarget, productionTarget } from './bench/targets.js';
import { cpuBetween, formatCpu, readCpu } from './bench/cpu-usage.js';
import { mib, percentiles, pool, sequentialRoundTrips, sleep, type Percentiles } from './bench/stats.js';

/**
 * `npm run bench`: the platform against bare Temporal on the same server, in one run (the machine's load moves both
 * alike, so the ratios mean something where the absolute figures drift). Prints, does not assert.
 * - Throughput: BENCH_ORDERS orders (default 200) from BENCH_CONCURRENCY clients (default 20), each creating an
 *   order and waiting for SUBMITTED; bare: the same number of workflows of four no-op activities, waited for until
 *   done. Clients poll every BENCH_POLL_MS (default 250 ms, both alike) so that they do not load the machine.
 * - Action round trip: BENCH_ACTIONS (default 300) sequential PATCH /v1/orders/{id} on 20 orders parked in review;
 *   bare: the same number of updates on 20 open bare workflows.
 * The stack is the development one (dev server, embedded PostgreSQL, one worker and the API in this process), or with
 * BENCH_TOPOLOGY=production the production topology (Temporal server on PostgreSQL, two API and two worker processes;
 * the bare worker still runs in this process, one worker against their two). The ledger has its own benchmark (scripts/bench-ledger.ts). The last line is `bare-ratio: <platform / bare throughput>`.
 */
const ORDERS = Number(process.env.BENCH_ORDERS ?? 200);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 20);
const ACTIONS = Number(process.env.BENCH_ACTIONS ?? 300);
const POLL_MS = Math.max(200, Number(process.env.BENCH_POLL_MS ?? 250));
const OPEN = 20;

interface Run {
  perSecond: number;
  accepted: Percentiles;
  done: Percentiles;
}

async function throughput(start: (i: number) => Promise<() => Promise<boolean>>): Promise<Run> {
  const accepted: number[] = [];
  const done: number[] = [];
  const began = performance.now();
  await pool([...Array(ORDERS).keys()], CONCURRENCY, async (i) => {
    const t0 = performance.now();
    const finished = await start(i);
    accepted.push(performance.now() - t0);
    while (!(await finished())) await sleep(POLL_MS);
    done.push(performance.now() - t0);
  });
  return {
    perSecond: ORDERS / ((performance.now() - began) / 1000),
    accepted: percentiles(accepted),
    done: percentiles(done),
  };
}

/** A workflow's history as the server keeps it: events and bytes. */
async function historyOf(client: Client, workflowId: string): Promise<string> {
  const info = (await client.workflow.getHandle(workflowId).describe()).raw.workflowExecutionInfo;
  return `${String(info?.historyLength ?? '?')} events, ${(Number(info?.historySizeBytes ?? 0) / 1024).toFixed(1)} KiB`;
}

const roundTrips = (targets: string[], act: (target: string) => Promise<void>): Promise<Percentiles> =>
  sequentialRoundTrips(ACTIONS, targets, act);

const stack =
  process.env.BENCH_TOPOLOGY === 'production'
    ? await productionTarget((line) => void process.stderr.write(`[bench] ${line}\n`))
    : await devTarget();
const native = await NativeConnection.connect({ address: stack.temporalAddress });
const connection = await Connection.connect({ address: stack.temporalAddress });
try {
  // Bare Temporal: a worker of the same SDK defaults in this process, on a task queue of its own.
  const client = new Client({ connection });
  const taskQueue = `bare-${randomUUID()}`;
  const worker = await createBareWorker({ connection: native, taskQueue });
  const running = worker.run();
  const closed = async (h: WorkflowHandle): Promise<boolean> => (await h.describe()).status.name !== 'RUNNING';
  const bareCpuFrom = readCpu();
  const bare = await throughput(async (i) => {
    const handle = await client.workflow.start(bareOrder, {
      taskQueue,
      workflowId: `bare-${i}-${taskQueue}`,
      args: [{ stayOpen: false }],
    });
    return () => closed(handle);
  });
  const bareCpu = cpuBetween(bareCpuFrom, readCpu());
  const open = await Promise.all(
    Array.from({ length: OPEN }, (_, i) =>
      client.workflow.start(bareOrder, {
        taskQueue,
        workflowId: `bare-open-${i}-${taskQueue}`,
        args: [{ stayOpen: true }],
      }),
    ),
  );
  const bareActions = await roundTrips(
    open.map((h) => h.workflowId),
    async (id) => void (await client.workflow.getHandle(id).executeUpdate(bareAction, { args: ['touch'] })),
  );
  const bareHistory = await historyOf(client, `bare-0-${taskQueue}`);
  await Promise.all(open.map((h) => h.executeUpdate(bareAction, { args: ['finish'] })));
  worker.shutdown();
  await running;

  // The platform: the same shape through the REST API.
  const api = new HttpClient(stack.apiUrl);
  const merchant = async (name: string): Promise<{ id: string; key: string }> => {
    const m = await api.post('/v1/merchants', { name }, { key: stack.operatorKey });
    return { id: m.body.id as string, key: m.body.apiKey as string };
  };
  const funded = await merchant('Bench');
  const finance = await createOperatorKey(api, stack.operatorKey, 'Bench Finance');
  await adjustWallet(api, finance.key, { merchantId: funded.id, amount: 100_000_000, reason: 'benchmark funds' });
  const supplier = new HttpClient(stack.supplierUrl);
  const skus = ['BB-1001', 'BB-1002', 'BB-1003', 'BB-1004'];
  // The seeded catalogue holds a few hundred of each: enough for a shop, not for a benchmark.
  for (const sku of skus) await supplier.put(`/_admin/products/${sku}`, { stock: 1_000_000 });
  const statusOf = async (id: string, key: string): Promise<string> =>
    (await api.get(`/v1/orders/${id}`, { key })).body.status as string;
  let firstSubmitted: string | undefined;
  const platformCpuFrom = readCpu();
  const platform = await throughput(async (i) => {
    const res = await api.post('/v1/orders', benchOrder(`bench-${i}`, { sku: skus[i % skus.length] }), {
      key: funded.key,
    });
    if (res.status !== 201) throw new Error(`POST /v1/orders answered ${res.status}: ${res.text}`);
    const id = res.body.id as string;
    firstSubmitted ??= id;
    return async () => {
      const status = await statusOf(id, funded.key);
      if (status === 'PENDING_REVIEW') throw new Error(`bench order ${id} parked in review`);
      return status === 'SUBMITTED';
    };
  });
  const platformCpu = cpuBetween(platformCpuFrom, readCpu());
  // Orders of an unfunded merchant park in review (insufficient funds): open orders to send actions to.
  const unfunded = await merchant('Bench, unfunded');
  const parked = await Promise.all(
    Array.from({ length: OPEN }, async (_, i) => {
      const id = (await api.post('/v1/orders', benchOrder(`parked-${i}`), { key: unfunded.key })).body.id as string;
      while ((await statusOf(id, unfunded.key)) !== 'PENDING_REVIEW') await sleep(POLL_MS);
      return id;
    }),
  );
  let n = 0;
  const platformActions = await roundTrips(parked, async (id) => {
    const res = await api.patch(
      `/v1/orders/${id}`,
      { customer: { name: `Maria Rossi ${++n}` } },
      { key: unfunded.key },
    );
    if (res.status !== 200) throw new Error(`PATCH answered ${res.status}: ${res.text}`);
  });

  const submittedHistory = await historyOf(client, `order-${firstSubmitted}`);
  const parkedHistory = await historyOf(client, `order-${parked[0] ?? ''}`);

  const row = (label: string, b: number, p: number, unit: string, lowerIsBetter = true): string =>
    `  ${label.padEnd(34)} bare ${b.toFixed(unit === '/s' ? 1 : 0).padStart(7)} ${unit.padEnd(3)} platform ${p
      .toFixed(unit === '/s' ? 1 : 0)
      .padStart(7)} ${unit.padEnd(3)} ${(lowerIsBetter ? p / b : b / p).toFixed(2)}× bare`;
  const ratio = platform.perSecond / bare.perSecond;
  process.stdout.write(
    [
      '',
      `One run on the ${stack.description}, bare on the same Temporal server:`,
      `${ORDERS} orders from ${CONCURRENCY} clients polling every ${POLL_MS} ms; ${ACTIONS} sequential actions on ${OPEN} open workflows.`,
      row('throughput', bare.perSecond, platform.perSecond, '/s', false),
      row('start accepted p50', bare.accepted.p50, platform.accepted.p50, 'ms'),
      row('start accepted p99', bare.accepted.p99, platform.accepted.p99, 'ms'),
      row('start → done / SUBMITTED p50', bare.done.p50, platform.done.p50, 'ms'),
      row('start → done / SUBMITTED p99', bare.done.p99, platform.done.p99, 'ms'),
      row('action round trip p50', bareActions.p50, platformActions.p50, 'ms'),
      row('action round trip p99', bareActions.p99, platformActions.p99, 'ms'),
      `  CPU per order, throughput phase (bench: this process${stack.description.startsWith('development') ? ', with the API, worker and simulators' : ''}; clients included):`,
      `    bare     ${formatCpu(bareCpu, ORDERS)}`,
      `    platform ${formatCpu(platformCpu, ORDERS)}`,
      `  history per order: bare ${bareHistory} · platform, SUBMITTED ${submittedHistory} · after ${ACTIONS / OPEN} PATCHes in review ${parkedHistory}`,
      `  (× bare: platform / bare for times, bare / platform for throughput — above 1 the platform is slower)`,
      `  RSS of this process after the run ${mib(process.memoryUsage().rss)} (the bare worker, and in development the API, worker and simulators)`,
      `bare-ratio: ${ratio.toFixed(2)}`,
      '',
    ].join('\n'),
  );
} finally {
  await native.close();
  await connection.close();
  await stack.stop();
}
