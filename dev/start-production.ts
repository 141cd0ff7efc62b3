import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import {
  applicationSettings,
  ConfigError,
  libraryVariables,
  parseEnv,
  resolveSecrets,
  type Env,
} from '../app/config.js';
import { shopSandboxes } from '../simulators/shops.js';
import { HttpClient } from './http-client.js';
import { createFundedMerchant } from './production-merchants.js';
import { productionSettings, startProductionTopology, type TopologyPorts } from './production-topology.js';
import { takeBackSignalsFromEmbeddedPostgres } from './postgres.js';
import { stopWhenOrphaned } from './parent-watch.js';
import { freeServerPorts, projectRoot } from './temporal-server.js';
import { Supervision } from './supervised-process.js';

/**
 * `npm run start:production`: the production topology on this machine, each part its own process (see
 * dev/production-topology.ts), with a demo merchant and a ready order. Ctrl-C, SIGTERM or SIGHUP stops it all.
 * State (PostgreSQL, simulators, keys, logs) lives in DATA_DIR/production.
 */
process.chdir(projectRoot);
const started = Date.now();
const elapsed = (): string => `${((Date.now() - started) / 1000).toFixed(1)}s`;
const say = (line: string): void => void process.stdout.write(`[production +${elapsed()}] ${line}\n`);

// The same configuration as every other entry (app/config.ts): a setting means here what it means under `npm start`
// and compose. An invalid one stops the start with the same message.
let env: Env;
try {
  env = parseEnv();
} catch (error) {
  process.stderr.write(`\n${error instanceof ConfigError ? error.message : String(error)}\n`);
  process.exit(1);
}
const dataDir = path.resolve(env.DATA_DIR, 'production');
mkdirSync(dataDir, { recursive: true });

/**
 * Fixed, documented ports (PORT and PORT+1 for the APIs, METRICS_PORT… for /metrics, each simulator its
 * *_SIM_PORT); the server's inner ports are free ones.
 */
async function ports(): Promise<TopologyPorts> {
  const inner = await freeServerPorts();
  const m = env.METRICS_PORT;
  return {
    apis: [env.PORT, env.PORT + 1],
    apiMetrics: [m, m + 1],
    workerMetrics: [m + 2, m + 3],
    workerSdkMetrics: [m + 12, m + 13],
    temporal: { ...inner, frontend: env.TEMPORAL_PORT },
    ui: env.TEMPORAL_UI_PORT,
    postgres: env.EMBEDDED_POSTGRES_PORT,
    simulators: {
      supplier: env.SUPPLIER_SIM_PORT,
      paypal: env.PAYPAL_SIM_PORT,
      // Each shop simulator's own <TYPE>_SIM_PORT, or its default (simulators/shops.ts).
      shops: Object.fromEntries(shopSandboxes.map((s) => [s.type, shopPort(s.port)])),
    },
  };
}

/** A shop simulator's port: its own <TYPE>_SIM_PORT, else its default. */
function shopPort({ variable, default: fallback }: { variable: string; default: number }): number {
  const given = process.env[variable];
  if (!given) return fallback;
  const port = Number(given);
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    process.stderr.write(`\nInvalid configuration:\n  ${variable}: "${given}" is not a port\n`);
    process.exit(1);
  }
  return port;
}

let topology: Awaited<ReturnType<typeof startProductionTopology>> | null = null;
/** Shared by every supervised process: a stop begun here restarts nothing, even a child that exits first. */
const supervision = new Supervision();
let stopping: Promise<void> | null = null;
const stop = (signal: string): Promise<void> => {
  // At once, before anything else: the terminal's Ctrl-C also reached the children.
  supervision.beginStop();
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
  // OPERATOR_API_KEY and SECRETS_KEY from the environment, else generated once into DATA_DIR/production (as
  // `npm start` keeps its own in DATA_DIR).
  const { operatorKey, secretsKey } = resolveSecrets(env, { keepIn: dataDir });
  const externalTemporal = Boolean(env.TEMPORAL_ADDRESS);
  topology = await startProductionTopology({
    dataDir,
    ports: await ports(),
    operatorKey,
    secretsKey,
    databaseUrl: env.DATABASE_URL,
    temporalAddress: env.TEMPORAL_ADDRESS,
    supplierBaseUrl: env.SUPPLIER_BASE_URL,
    paypalBaseUrl: env.PAYPAL_BASE_URL,
    publicBaseUrl: env.PUBLIC_BASE_URL,
    // Loopback unless set: a laptop's production rehearsal is not published to the network by default.
    host: process.env.HOST || undefined,
    metricsHost: process.env.METRICS_HOST || undefined,
    // Every application setting (timings, limits, bank details, CORS…) reaches each API and worker as set here.
    appEnv: { ...applicationSettings(process.env), ...libraryVariables(process.env, { externalTemporal }) },
    supervision,
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
    `  Namespace ${topology.namespace}${topology.ui ? ` (retention ${productionSettings.namespaceRetention})` : ''}, task queue ${topology.taskQueue}${topology.ui ? `, server config ${path.relative(projectRoot, productionSettings.serverConfigFile)}` : ''}`,
    `  Operator key    ${operatorKey}`,
    `  Demo merchant   ${demo.id}  key ${demo.key}`,
    '',
    '  An order through each API:',
    ...topology.apis.map(
      (a) =>
        `    curl -s -X POST ${a.url}/v1/orders -H "Authorization: Bearer ${demo.key}" -H 'Content-Type: application/json' -d '{"channel":"amazon","externalId":"402-'$RANDOM'","payment":{"method":"prepaid","amountPaid":5990,"currency":"EUR"},"customer":{"name":"Maria Rossi","email":"maria@example.com","phone":"+39 333 1234567"},"shippingAddress":{"line1":"Via Roma 1","city":"Milano","postcode":"20121","country":"IT"},"items":[{"sku":"BB-1001","quantity":2}]}'`,
    ),
    ...(topology.ui
      ? [
          `  Orders by status in the UI: ${topology.ui.url}/namespaces/${topology.namespace}/workflows?query=${encodeURIComponent('OrderStatus="SUBMITTED"')}`,
        ]
      : []),
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
