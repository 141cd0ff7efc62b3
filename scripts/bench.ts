import { performance } from 'node:perf_hooks';
import { defaultTimings } from '../domain/timings.js';
import { adjust, hold, settleHold } from '../db/wallet-ledger.js';
import { createMerchant } from '../db/merchants.js';
import { HttpClient } from '../dev/http-client.js';
import { adjustWallet, createOperatorKey } from '../dev/funding.js';
import { startEphemeralStack } from '../dev/ephemeral-stack.js';

/**
 * `npm run bench`: figures a capacity plan starts from, measured on the real stack (dev server, embedded
 * Postgres, simulators, one worker) in this process. Prints, does not assert: speed is measured, not tested.
 *   BENCH_ORDERS (default 200)   orders pushed through the whole path
 *   BENCH_CONCURRENCY (default 20)  clients posting at once
 *   BENCH_HOLDS (default 2000)   wallet holds for the ledger micro-benchmark
 */
const ORDERS = Number(process.env.BENCH_ORDERS ?? 200);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 20);
const HOLDS = Number(process.env.BENCH_HOLDS ?? 2000);

const mb = (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
const pct = (sorted: number[], p: number): number =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
const summary = (xs: number[]): string => {
  const s = [...xs].sort((a, b) => a - b);
  return `p50 ${pct(s, 50).toFixed(0)} ms · p95 ${pct(s, 95).toFixed(0)} ms · p99 ${pct(s, 99).toFixed(0)} ms · max ${(s.at(-1) ?? NaN).toFixed(0)} ms`;
};

async function pool<T>(items: T[], size: number, fn: (item: T) => Promise<void>): Promise<void> {
  const queue = [...items];
  await Promise.all(
    Array.from({ length: size }, async () => {
      for (let item = queue.shift(); item !== undefined; item = queue.shift()) await fn(item);
    }),
  );
}

const rssBefore = process.memoryUsage().rss;
// Rate limits off: one key polling its orders every 25 ms from 20 clients would be throttled, and that measures the
// limiter, not the engine.
const stack = await startEphemeralStack(
  { ...defaultTimings, trackingPollInterval: 3_600_000 },
  { RATE_LIMIT_PER_KEY: '0' },
);
const rssStarted = process.memoryUsage().rss;
try {
  const api = new HttpClient(stack.platform.apiUrl ?? '');
  const m = await api.post('/v1/merchants', { name: 'Bench' }, { key: stack.operatorKey });
  const key = m.body.apiKey as string;
  const finance = await createOperatorKey(api, stack.operatorKey, 'Bench Finance');
  await adjustWallet(api, finance.key, {
    merchantId: m.body.id as string,
    amount: 100_000_000,
    reason: 'benchmark funds',
  });
  const supplier = new HttpClient(stack.sims.supplier);
  const skus = ['BB-1001', 'BB-1002', 'BB-1003', 'BB-1004'];
  // The seeded catalogue holds a few hundred of each: enough for a shop, not for a benchmark.
  for (const sku of skus) await supplier.put(`/_admin/products/${sku}`, { stock: 1_000_000 });

  const accepted: number[] = [];
  const submitted: number[] = [];
  const started = performance.now();
  await pool([...Array(ORDERS).keys()], CONCURRENCY, async (i) => {
    const t0 = performance.now();
    const res = await api.post(
      '/v1/orders',
      {
        channel: 'amazon',
        externalId: `bench-${i}`,
        payment: { method: 'prepaid', amountPaid: 5990, currency: 'EUR' },
        customer: { name: 'Maria Rossi', email: 'maria@example.com', phone: '+39 333 1234567' },
        shippingAddress: { line1: 'Via Roma 1', city: 'Milano', postcode: '20121', country: 'IT' },
        items: [{ sku: skus[i % skus.length] ?? 'BB-1001', quantity: 1 }],
      },
      { key },
    );
    accepted.push(performance.now() - t0);
    for (;;) {
      const o = await api.get(`/v1/orders/${res.body.id as string}`, { key });
      if (o.body.status === 'SUBMITTED') break;
      if (o.body.status === 'PENDING_REVIEW')
        throw new Error(`bench order parked: ${JSON.stringify(o.body.reviewReasons)}`);
      await new Promise((r) => setTimeout(r, 25));
    }
    submitted.push(performance.now() - t0);
  });
  const elapsed = (performance.now() - started) / 1000;

  // Ledger alone: concurrent holds and captures on one wallet (row lock + idempotency key per movement).
  const db = stack.platform.db;
  const merchant = await createMerchant(db, { name: 'Ledger bench' });
  await adjust(db, {
    merchantId: merchant.id,
    amount: 1_000_000_000,
    reason: 'ledger benchmark funds',
    actor: { name: 'bench', keyId: 'bench' },
    key: 'adjustment:bench-ledger',
  });
  const l0 = performance.now();
  await pool([...Array(HOLDS).keys()], 16, async (i) => {
    const key = `bench:${i}:hold`;
    await hold(db, merchant.id, { orderId: `o${i}`, amount: 100, currency: 'EUR', key });
    await settleHold(db, merchant.id, {
      orderId: `o${i}`,
      holdKey: key,
      key: `bench:${i}:capture`,
      outcome: 'capture',
    });
  });
  const ledgerSeconds = (performance.now() - l0) / 1000;

  const mem = process.memoryUsage();
  const lines = [
    '',
    `Orders end to end (REST → workflow → quote → wallet hold → supplier → SUBMITTED), ${ORDERS} orders, ${CONCURRENCY} concurrent clients:`,
    `  throughput          ${(ORDERS / elapsed).toFixed(1)} orders/s (${elapsed.toFixed(1)} s in all)`,
    `  POST /v1/orders     ${summary(accepted)}`,
    `  until SUBMITTED     ${summary(submitted)}`,
    `Wallet ledger: ${HOLDS} hold+capture pairs, 16 concurrent on one wallet:`,
    `  ${((HOLDS * 2) / ledgerSeconds).toFixed(0)} movements/s (${ledgerSeconds.toFixed(1)} s)`,
    'Memory of this process (API + worker + simulators; Temporal and Postgres are separate processes):',
    `  RSS before start ${mb(rssBefore)} · after start ${mb(rssStarted)} · after the run ${mb(mem.rss)} · heap used ${mb(mem.heapUsed)}`,
    '',
  ];
  process.stdout.write(lines.join('\n'));
} finally {
  await stack.stop();
}
