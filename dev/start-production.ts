import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { HttpClient } from './http-client.js';
import { createFundedMerchant } from './production-merchants.js';
import { productionSettings, startProductionTopology, type TopologyPorts } from './production-topology.js';
import { takeBackSignalsFromEmbeddedPostgres } from './postgres.js';
import { stopWhenOrphaned } from './parent-watch.js';
import { freeServerPorts, projectRoot } from './temporal-server.js';

/**
 * `npm run start:production`: the production topology on this machine, each part its own process (see
 * dev/production-topology.ts), with a demo merchant and a ready order. Ctrl-C, SIGTERM or SIGHUP stops it all.
 * State (PostgreSQL, simulators, keys, logs) lives in DATA_DIR/production.
 */
process.chdir(projectRoot);
const started = Date.now();
const elapsed = (): string => `${((Date.now() - started) / 1000).toFixed(1)}s`;
const say = (line: string): void => void process.stdout.write(`[production +${elapsed()}] ${line}\n`);

const port = z.coerce.number().int().min(1).max(65535);
const Settings = z.object({
  DATA_DIR: z.string().default('.data'),
  PORT: port.default(3000),
  METRICS_PORT: port.default(9464),
  TEMPORAL_PORT: port.default(7233),
  TEMPORAL_UI_PORT: port.default(8233),
  EMBEDDED_POSTGRES_PORT: port.default(5433),
  SUPPLIER_SIM_PORT: port.default(4001),
  PAYPAL_SIM_PORT: port.default(4002),
  SHOPIFY_SIM_PORT: port.default(4003),
  WOOCOMMERCE_SIM_PORT: port.default(4004),
  DATABASE_URL: z.string().optional(),
  SUPPLIER_BASE_URL: z.url().optional(),
  PAYPAL_BASE_URL: z.url().optional(),
  LOG_LEVEL: z.string().default('info'),
});
const settings = Settings.parse(Object.fromEntries(Object.entries(process.env).filter(([, v]) => v !== '')));
const dataDir = path.resolve(settings.DATA_DIR, 'production');
mkdirSync(dataDir, { recursive: true });

function persistentSecret(name: string, make: () => string): string {
  const file = path.join(dataDir, name);
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  const value = make();
  writeFileSync(file, `${value}\n`, { mode: 0o600 });
  return value;
}

/** Fixed, documented ports (PORT and PORT+1 for the APIs, METRICS_PORT… for /metrics); the server's inner ports are free ones. */
async function ports(): Promise<TopologyPorts> {
  const inner = await freeServerPorts();
  const m = settings.METRICS_PORT;
  return {
    apis: [settings.PORT, settings.PORT + 1],
    apiMetrics: [m, m + 1],
    workerMetrics: [m + 2, m + 3],
    workerSdkMetrics: [m + 12, m + 13],
    temporal: { ...inner, frontend: settings.TEMPORAL_PORT },
    ui: settings.TEMPORAL_UI_PORT,
    postgres: settings.EMBEDDED_POSTGRES_PORT,
    simulators: {
      supplier: settings.SUPPLIER_SIM_PORT,
      paypal: settings.PAYPAL_SIM_PORT,
      shopify: settings.SHOPIFY_SIM_PORT,
      woocommerce: settings.WOOCOMMERCE_SIM_PORT,
    },
  };
}

let topology: Awaited<ReturnType<typeof startProductionTopology>> | null = null;
let stopping: Promise<void> | null = null;
const stop = (signal: string): Promise<void> => {
  stopping ??= (async () => {
    say(`${signal}: stopping every process…`);
    await topology?.stop();
    say('stopped');
  })();
  return stopping;
};
// embedded-postgres would answer these signals by stopping PostgreSQL and exiting at once: this process stops its
// children itself, APIs and workers first, PostgreSQL last.
takeBackSignalsFromEmbeddedPostgres();
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  process.on(signal, () => void stop(signal).then(() => process.exit(0)));
}
stopWhenOrphaned();

try {
  const operatorKey = persistentSecret('operator-key', () => `op_${randomBytes(24).toString('base64url')}`);
  const secretsKey = persistentSecret('secrets-key', () => randomBytes(32).toString('base64'));
  topology = await startProductionTopology({
    dataDir,
    ports: await ports(),
    operatorKey,
    secretsKey,
    databaseUrl: settings.DATABASE_URL,
    supplierBaseUrl: settings.SUPPLIER_BASE_URL,
    paypalBaseUrl: settings.PAYPAL_BASE_URL,
    logLevel: settings.LOG_LEVEL,
    say,
  });
  const api = new HttpClient(topology.apis[0]!.url);
  const demoFile = path.join(dataDir, 'demo-merchant.json');
  let demo = existsSync(demoFile) ? (JSON.parse(readFileSync(demoFile, 'utf8')) as { id: string; key: string }) : null;
  if (!demo || (await api.get('/v1/wallet', { key: demo.key })).status !== 200) {
    demo = await createFundedMerchant(api, operatorKey, { name: 'Demo shop (production topology)', amount: 50_000 });
    writeFileSync(demoFile, JSON.stringify(demo, null, 2), { mode: 0o600 });
  }
  const t = topology.timings;
  const lines = [
    '',
    `  The production topology is up (${elapsed()}; ${Object.entries(t)
      .map(([k, v]) => `${k} ${(v / 1000).toFixed(1)}s`)
      .join(', ')}).`,
    '',
    ...topology.describe(),
    '',
    `  Namespace ${productionSettings.namespace} (retention ${productionSettings.namespaceRetention}), task queue ${productionSettings.taskQueue}, server config ${path.relative(projectRoot, productionSettings.serverConfigFile)}`,
    `  Operator key    ${operatorKey}`,
    `  Demo merchant   ${demo.id}  key ${demo.key}`,
    '',
    '  An order through each API:',
    ...topology.apis.map(
      (a) =>
        `    curl -s -X POST ${a.url}/v1/orders -H "Authorization: Bearer ${demo.key}" -H 'Content-Type: application/json' -d '{"channel":"amazon","externalId":"402-'$RANDOM'","payment":{"method":"prepaid","amountPaid":5990,"currency":"EUR"},"customer":{"name":"Maria Rossi","email":"maria@example.com","phone":"+39 333 1234567"},"shippingAddress":{"line1":"Via Roma 1","city":"Milano","postcode":"20121","country":"IT"},"items":[{"sku":"BB-1001","quantity":2}]}'`,
    ),
    `  Orders by status in the UI: ${topology.ui.url}/namespaces/${productionSettings.namespace}/workflows?query=${encodeURIComponent('OrderStatus="SUBMITTED"')}`,
    '',
    '  Ctrl-C stops everything.',
    '',
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
} catch (error) {
  process.stderr.write(`\n${(error as Error).stack ?? String(error)}\n`);
  await stop('error');
  process.exit(1);
}
