import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { defaultTimings, WORKFLOW_TASK_TIMEOUT } from '../domain/timings.js';
import { HttpClient, waitFor } from '../dev/http-client.js';
import { projectRoot, startEphemeralStack } from '../dev/ephemeral-stack.js';
import { STICKY_QUEUE_TIMEOUT } from '../worker/create-worker.js';
import { benchOrder } from './bench/order-body.js';

/**
 * `npx tsx scripts/bench-dead-worker.ts`: how long a dead worker delays an order's action, and whether the
 * shorter task timeouts hold under load on this machine. Prints figures, asserts nothing.
 *
 * Two workers poll one task queue: the stack's own and a worker process. Orders are created in a burst (load),
 * then the worker process is killed with SIGKILL and every order is sent `payment-accepted` at once: an order
 * whose history the dead worker had cached waits for the sticky queue timeout before the other worker takes it.
 *   DEAD_WORKER_ORDERS (default 40)
 */
const ORDERS = Number(process.env.DEAD_WORKER_ORDERS ?? 40);

async function countTaskTimeouts(ids: string[]): Promise<number> {
  let n = 0;
  for (const id of ids) {
    const history = await stack.platform.temporal.workflow.getHandle(`order-${id}`).fetchHistory();
    n += (history.events ?? []).filter((e) => e.workflowTaskTimedOutEventAttributes).length;
  }
  return n;
}
const stack = await startEphemeralStack({ ...defaultTimings, trackingPollInterval: 3_600_000 });
let child: ChildProcess | null = null;
try {
  const api = new HttpClient(stack.platform.apiUrl ?? '');
  child = spawn(process.execPath, ['--import', 'tsx', path.join(projectRoot, 'app/worker-main.ts')], {
    cwd: projectRoot,
    env: {
      ...process.env,
      DATABASE_URL: stack.databaseUrl,
      TEMPORAL_ADDRESS: stack.temporalAddress,
      SUPPLIER_BASE_URL: stack.sims.supplier,
      PAYPAL_BASE_URL: stack.sims.paypal,
      OPERATOR_API_KEY: stack.operatorKey,
      LOG_LEVEL: 'info',
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  await new Promise<void>((resolve) =>
    child?.stdout?.on('data', (c: Buffer) => c.toString().includes('worker polling') && resolve()),
  );

  const m = await api.post('/v1/merchants', { name: 'Dead worker' }, { key: stack.operatorKey });
  const key = m.body.apiKey as string;
  const created = await Promise.all(
    Array.from({ length: ORDERS }, (_, i) =>
      api.post('/v1/orders', benchOrder(`dw-${i}`, { payment: 'bank_transfer' }), { key }),
    ),
  );
  const ids = created.map((c) => c.body.id as string);
  await waitFor(
    'every order waiting for its transfer',
    async () => {
      const list = (await api.get(`/v1/orders?limit=200&status=AWAITING_PAYMENT`, { key })).body.items;
      return list.length === ORDERS;
    },
    { timeoutMs: 120_000 },
  );

  const timeoutsUnderLoad = await countTaskTimeouts(ids);
  child.kill('SIGKILL');
  const latencies = await Promise.all(
    ids.map(async (id) => {
      const t = performance.now();
      const res = await api.post(`/v1/orders/${id}/payment-accepted`, {}, { key });
      return { ms: performance.now() - t, status: res.status };
    }),
  );

  const taskTimeouts = (await countTaskTimeouts(ids)) - timeoutsUnderLoad;
  const ms = latencies.map((l) => l.ms).sort((a, b) => a - b);
  const at = (p: number): number => ms[Math.min(ms.length - 1, Math.floor(p * ms.length))] ?? NaN;
  process.stdout.write(
    [
      `sticky queue timeout ${STICKY_QUEUE_TIMEOUT}, workflow task timeout ${WORKFLOW_TASK_TIMEOUT}, ${ORDERS} orders`,
      `payment-accepted after SIGKILL of one of two workers: p50 ${at(0.5).toFixed(0)} ms · p90 ${at(0.9).toFixed(0)} ms · max ${(ms.at(-1) ?? NaN).toFixed(0)} ms`,
      `answers: ${JSON.stringify(latencies.reduce<Record<number, number>>((n, l) => ({ ...n, [l.status]: (n[l.status] ?? 0) + 1 }), {}))}`,
      `slower than 1 s: ${ms.filter((x) => x > 1000).length} of ${ORDERS}`,
      `workflow task timeouts while ${ORDERS} orders were created at once on two live workers: ${timeoutsUnderLoad}`,
      `workflow task timeouts after the kill (tasks handed to the dead worker's polls): ${taskTimeouts}`,
    ].join('\n') + '\n',
  );
} finally {
  if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  await stack.stop();
}
