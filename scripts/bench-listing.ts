import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pino } from 'pino';
import { createApp } from '../api/app.js';
import type { OrderService } from '../api/order-service.js';
import { orderRoutes } from '../api/routes/orders.js';
import { parseEnv, rateLimitSettings, sessionSettings } from '../app/config.js';
import { createMerchant } from '../db/merchants.js';
import { migrate } from '../db/migrate.js';
import { createPool, type Db } from '../db/pool.js';
import { HttpClient } from '../dev/http-client.js';
import { freePort } from '../dev/ports.js';
import { startPostgres } from '../dev/postgres.js';
import { channelDirectory } from '../api/channel-directory.js';
import { salesChannels } from '../channels/registry.js';

/**
 * `npm run bench:listing`: the order listing at scale (issue 15, item 6). Seeds LISTING_ORDERS orders (default
 * 100,000) of one merchant straight into the listing table, plus LISTING_OTHERS (default 2,000) for each of four
 * other merchants, then asks the real API routes (authentication and rate limiting included, over HTTP) every
 * status tab, filter, search, sort and count LISTING_RUNS times (default 200) and prints p50/p99 per query, then
 * the EXPLAIN (ANALYZE, BUFFERS) plan of each SQL statement the route ran. Prints; asserts nothing.
 */
const ORDERS = Number(process.env.LISTING_ORDERS ?? 100_000);
const OTHERS = Number(process.env.LISTING_OTHERS ?? 2_000);
const RUNS = Number(process.env.LISTING_RUNS ?? 200);
const TARGET_P99_MS = 50;

const scratch = mkdtempSync(path.join(os.tmpdir(), 'bench-listing-'));
// Run as root, the embedded server runs as a `postgres` user, which must reach its data directory.
chmodSync(scratch, 0o755);
const postgres = await startPostgres({
  dataDir: path.join(scratch, 'pg'),
  port: await freePort(),
  database: 'listing',
  // Durable settings, as in production: with synchronous_commit off (the test clusters' `ephemeral`), a VACUUM right
  // after the seed cannot mark the pages all-visible yet, and every index-only scan would read the table too.
  ephemeral: false,
});
const silent = pino({ level: 'silent' });

/** Every statement the routes send, so that each can be EXPLAINed as it was run. */
const statements: { text: string; values: unknown[] }[] = [];
function recording(db: Db): Db {
  return new Proxy(db, {
    get(target, prop, receiver) {
      if (prop !== 'query') return Reflect.get(target, prop, receiver) as unknown;
      return (text: string, values?: unknown[]) => {
        statements.push({ text, values: values ?? [] });
        return target.query(text, values);
      };
    },
  });
}

/** The seeded orders: statuses, reasons, channels, customers and SKUs spread as a busy shop's would be. */
async function seed(db: Db, merchantId: string, count: number, firstNumber: number): Promise<void> {
  await db.query(
    `INSERT INTO orders (id, merchant_id, channel, external_id, status, review_reasons, cost_total, view, version, created_at, updated_at)
     SELECT id, $1, channel, external_id, status, reasons, NULL, jsonb_build_object(
         'id', id, 'workflowId', 'order-' || id, 'merchantId', $1::text, 'channel', channel, 'externalId', external_id,
         'status', status,
         'reviewReasons', (SELECT coalesce(jsonb_agg(jsonb_build_object('code', r, 'message', 'seeded')), '[]') FROM unnest(reasons) r),
         'payment', jsonb_build_object('method', 'prepaid', 'amountPaid', total, 'currency', 'EUR'),
         'customer', jsonb_build_object('name', first || ' ' || last, 'email', lower(first || '.' || last) || n || '@example.com', 'phone', '+39 333 1234567'),
         'shippingAddress', jsonb_build_object('line1', 'Via Roma ' || (n % 200), 'line2', '', 'city', 'Milano', 'postcode', '20121', 'region', 'MI', 'country', 'IT'),
         'items', jsonb_build_array(jsonb_build_object('sku', sku, 'quantity', 1 + n % 3)),
         'shippingMethod', NULL, 'cost', NULL, 'charge', NULL, 'supplierOrderId', NULL, 'tracking', NULL, 'waitingFor', NULL,
         'createdAt', to_char(created AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
         'updatedAt', to_char(created AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'), 'version', 1),
       1, created, created
     FROM (
       SELECT n, 'ord_' || lpad(to_hex(n), 24, '0') AS id,
         ($4::text[])[1 + (n * 7) % cardinality($4::text[])] AS channel,
         '402-' || lpad(n::text, 8, '0') AS external_id,
         CASE WHEN b < 40 THEN 'SHIPPED' WHEN b < 70 THEN 'SUBMITTED' WHEN b < 80 THEN 'PENDING_REVIEW'
              WHEN b < 85 THEN 'AWAITING_PAYMENT' WHEN b < 88 THEN 'AWAITING_SHIPPING_METHOD' WHEN b < 95 THEN 'CANCELLED'
              WHEN b < 98 THEN 'SENT_MANUALLY' WHEN b < 99 THEN 'PROCESSING' ELSE 'RECEIVED' END AS status,
         CASE WHEN b >= 70 AND b < 80 THEN ARRAY[(ARRAY['INSUFFICIENT_FUNDS', 'ADDRESS_TOO_LONG', 'INVALID_PHONE', 'OUT_OF_STOCK', 'INVALID_ADDRESS'])[1 + n % 5]]
              WHEN b >= 80 AND b < 82 THEN ARRAY['INVALID_PHONE'] ELSE '{}' END AS reasons,
         (ARRAY['Maria', 'Giulia', 'Luca', 'Hans', 'Anna', 'Paolo', 'Sofia', 'Marco', 'Elena', 'Jonas'])[1 + n % 10] AS first,
         (ARRAY['Rossi', 'Bianchi', 'Müller', 'Schmidt', 'Ferrari', 'Romano', 'Weber', 'Colombo', 'Ricci', 'Wagner',
                'Greco', 'Bruno', 'Gallo', 'Conti', 'Fischer', 'Costa', 'Giordano', 'Mancini', 'Rizzo', 'Lombardi'])[1 + (n / 10) % 20] AS last,
         'BB-' || (1000 + (n * 31) % 2000) AS sku,
         500 + (n * 7919) % 50000 AS total,
         now() - ((n::bigint * 104729) % (365 * 86400)) * interval '1 second' AS created
       FROM (SELECT g AS n, (g * 37) % 100 AS b FROM generate_series($2::int, $2::int + $3::int - 1) g) numbers
     ) s`,
    [merchantId, firstNumber, count, channelDirectory(salesChannels).map((c) => c.type)],
  );
}

const pct = (sorted: number[], p: number): number =>
  sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;

let server: Server | undefined;
let pool: Db | undefined;
try {
  await migrate(postgres.url, silent);
  pool = createPool(postgres.url, 10);
  const big = await createMerchant(pool, { name: 'Big shop' });
  const others = await Promise.all([1, 2, 3, 4].map((i) => createMerchant(pool as Db, { name: `Shop ${i}` })));
  const operatorKey = 'bench-listing-operator-key-0123456789';

  const seedStart = performance.now();
  // Straight into the table: the change feed's trigger would announce each row to nobody.
  await pool.query('ALTER TABLE orders DISABLE TRIGGER orders_notify');
  await seed(pool, big.id, ORDERS, 1);
  for (const [i, m] of others.entries()) await seed(pool, m.id, OTHERS, ORDERS + 1 + i * OTHERS);
  await pool.query('ALTER TABLE orders ENABLE TRIGGER orders_notify');
  await pool.query('VACUUM ANALYZE orders');
  await pool.query('VACUUM ANALYZE order_counts');
  const seeded = (await pool.query<{ n: string }>('SELECT count(*) AS n FROM orders')).rows[0]?.n;
  console.log(
    `seeded ${seeded} orders (${ORDERS} of one merchant, ${OTHERS} of each of 4 others) in ${((performance.now() - seedStart) / 1000).toFixed(1)} s`,
  );

  const env = parseEnv({ RATE_LIMIT_PER_KEY: '1000000', OPERATOR_API_KEY: operatorKey });
  const app = createApp({
    db: pool,
    logger: silent,
    openapi: {},
    operatorKey,
    bodyLimit: '100kb',
    rateLimits: rateLimitSettings(env),
    corsOrigins: [],
    sessions: sessionSettings(env),
    publicBaseUrl: undefined,
    // The listing routes read the database only; the order service (Temporal) is for actions, not asked here.
    routes: [orderRoutes(recording(pool), {} as OrderService)],
  });
  server = await new Promise<Server>((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  const api = new HttpClient(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);

  const firstPage = await api.get('/v1/orders', { key: big.apiKey });
  const cursor = String(firstPage.body.nextCursor);
  const month = new Date(Date.now() - 30 * 86_400_000).toISOString().slice(0, 10);
  const statuses = ['RECEIVED', 'PENDING_REVIEW', 'AWAITING_PAYMENT', 'AWAITING_SHIPPING_METHOD', 'PROCESSING'];
  const more = ['SUBMITTED', 'SHIPPED', 'CANCELLED', 'SENT_MANUALLY'];
  const queries: [string, string, string][] = [
    ['all, newest first', '/v1/orders', big.apiKey],
    ['all, oldest first', '/v1/orders?sort=createdAt', big.apiKey],
    ['all, by total desc', '/v1/orders?sort=-total', big.apiKey],
    ['all, by total asc', '/v1/orders?sort=total', big.apiKey],
    ['page 2 (cursor)', `/v1/orders?cursor=${cursor}`, big.apiKey],
    ...[...statuses, ...more].map((s): [string, string, string] => [`tab ${s}`, `/v1/orders?status=${s}`, big.apiKey]),
    ['tab PENDING_REVIEW by total', '/v1/orders?status=PENDING_REVIEW&sort=-total', big.apiKey],
    ['review reason in tab', '/v1/orders?status=PENDING_REVIEW&reason=ADDRESS_TOO_LONG', big.apiKey],
    ['review reason alone', '/v1/orders?reason=OUT_OF_STOCK', big.apiKey],
    ['channel', '/v1/orders?channel=ebay', big.apiKey],
    ['channel in tab', '/v1/orders?channel=ebay&status=AWAITING_PAYMENT', big.apiKey],
    ['last 30 days', `/v1/orders?from=${month}`, big.apiKey],
    ['one old week', '/v1/orders?from=2026-03-01&to=2026-03-07', big.apiKey],
    ['search order number', '/v1/orders?q=402-00012345', big.apiKey],
    ['search order number prefix', '/v1/orders?q=402-0004', big.apiKey],
    ['search name (common)', '/v1/orders?q=rossi', big.apiKey],
    ['search full name', '/v1/orders?q=giulia%20bianchi', big.apiKey],
    ['search e-mail (one)', '/v1/orders?q=hans.schmidt33@', big.apiKey],
    ['search SKU', '/v1/orders?q=bb-1234', big.apiKey],
    ['search, no match', '/v1/orders?q=zzqqxx', big.apiKey],
    ['search 2 letters', '/v1/orders?q=ro', big.apiKey],
    ['search in tab', '/v1/orders?q=rossi&status=PENDING_REVIEW', big.apiKey],
    ['search by total', '/v1/orders?q=rossi&sort=-total', big.apiKey],
    ['order id', `/v1/orders?q=ord_${'0'.repeat(20)}3039`, big.apiKey],
    ['counts', '/v1/orders/counts', big.apiKey],
    ['counts in tab', '/v1/orders/counts?status=PENDING_REVIEW', big.apiKey],
    ['counts, channel', '/v1/orders/counts?channel=ebay', big.apiKey],
    ['counts, search', '/v1/orders/counts?q=rossi', big.apiKey],
    ['counts, last 30 days', `/v1/orders/counts?from=${month}`, big.apiKey],
    ['small merchant, all', '/v1/orders', others[0]?.apiKey ?? ''],
    ['small merchant, counts', '/v1/orders/counts', others[0]?.apiKey ?? ''],
    ['operator, all', '/v1/orders', operatorKey],
    ['operator, tab PENDING_REVIEW', '/v1/orders?status=PENDING_REVIEW', operatorKey],
    ['operator, search', '/v1/orders?q=rossi', operatorKey],
    ['operator, counts', '/v1/orders/counts', operatorKey],
  ];

  const rows: string[] = [];
  const plans: string[] = [];
  let worst = 0;
  for (const [name, url, key] of queries) {
    statements.length = 0;
    const probe = await api.get(url, { key });
    if (probe.status !== 200) throw new Error(`${name}: ${probe.status} ${probe.text}`);
    const ran = [...statements];
    const n = probe.body.items ? probe.body.items.length : probe.body.total;
    for (let i = 0; i < 10; i += 1) await api.get(url, { key });
    const times: number[] = [];
    for (let i = 0; i < RUNS; i += 1) {
      const t0 = performance.now();
      await api.get(url, { key });
      times.push(performance.now() - t0);
    }
    times.sort((x, y) => x - y);
    const p99 = pct(times, 99);
    worst = Math.max(worst, p99);
    rows.push(
      `| ${name} | \`${url.replace(key, '…')}\` | ${n} | ${pct(times, 50).toFixed(1)} | ${p99.toFixed(1)} | ${p99 <= TARGET_P99_MS ? 'ok' : 'OVER'} |`,
    );
    for (const s of ran.filter((st) => /FROM order/.test(st.text))) {
      const { rows: plan } = await pool.query(`EXPLAIN (ANALYZE, BUFFERS) ${s.text}`, s.values);
      plans.push(
        `#### ${name}\n\n\`\`\`sql\n${s.text.replace(/\s+/g, ' ')}\n-- ${JSON.stringify(s.values)}\n\`\`\`\n\n\`\`\`\n${plan.map((r) => r['QUERY PLAN']).join('\n')}\n\`\`\`\n`,
      );
    }
  }

  console.log(`\n### Listing at scale: HTTP round trip per query, ${RUNS} runs each (ms)\n`);
  console.log('| query | request | rows/total | p50 | p99 | ≤ 50 ms |');
  console.log('|---|---|---|---|---|---|');
  for (const r of rows) console.log(r);
  console.log(`\nworst p99: ${worst.toFixed(1)} ms (target ${TARGET_P99_MS} ms)`);
  const { rows: indexes } = await pool.query(
    `SELECT indexdef, pg_size_pretty(pg_relation_size(indexname::regclass)) AS size FROM pg_indexes WHERE tablename = 'orders' ORDER BY indexname`,
  );
  console.log('\n### Indexes of the listing table\n');
  for (const i of indexes) console.log(`- \`${String(i.indexdef)}\` (${String(i.size)})`);
  console.log('\n### Plans (EXPLAIN ANALYZE, BUFFERS) of each statement, as the routes ran them\n');
  console.log(plans.join('\n'));
} finally {
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  await pool?.end();
  await postgres.stop();
  rmSync(scratch, { recursive: true, force: true });
}
