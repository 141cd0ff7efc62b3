import { ensureConsoleBuilt } from './console-build.js';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createMerchant, getMerchant } from '../db/merchants.js';
import { createLogger } from '../app/logger.js';
import {
  ConfigError,
  parseEnv,
  resolveSecrets,
  resolveServices,
  type Env,
  type ServiceAddresses,
} from '../app/config.js';
import { startPlatform } from '../app/platform.js';
import { postmasterPid, startPostgres, takeBackSignalsFromEmbeddedPostgres } from './postgres.js';
import { onShutdown } from '../app/shutdown.js';
import { stopWhenOrphaned } from './parent-watch.js';
import { forgetProcess, identify, recordProcess, stopRecorded, stopStaleProcesses } from './pid-files.js';
import { provisionTemporalCli } from './temporal-cli.js';
import { startTemporalDevServer } from './temporal-dev-server.js';
import { startSimulators } from '../simulators/run.js';
import { shopSandboxes } from '../simulators/shops.js';
import { salesChannels } from '../channels/registry.js';
import { createConnection, listConnections } from '../db/channels.js';
import type { Db } from '../db/pool.js';
import { SecretBox } from '../db/secret-box.js';
import { HttpClient } from './http-client.js';
import { createOperatorKey, topUpByBankTransfer } from './funding.js';
import { ensureDemoUser } from './demo-users.js';

/**
 * `npm start`: the whole platform on embedded defaults in one process — Temporal dev server with its Web UI,
 * PostgreSQL, the supplier/PayPal simulators, the worker and the REST API. State lives in DATA_DIR (.data/),
 * so orders, wallets and workflows survive a restart.
 */
const root = fileURLToPath(new URL('..', import.meta.url));
process.chdir(root);

const started = Date.now();
// A closed terminal (SIGHUP) turns every write to it into an error: shutting down must not die of that.
process.stdout.on('error', () => undefined);
process.stderr.on('error', () => undefined);
const step = (message: string): void => {
  process.stdout.write(`[start +${((Date.now() - started) / 1000).toFixed(1)}s] ${message}\n`);
};

/** A value generated once and kept in DATA_DIR, so that restarts print the same one. */
function persistentSecret(file: string, make: () => string): string {
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  const value = make();
  writeFileSync(file, `${value}\n`, { mode: 0o600 });
  return value;
}

/**
 * The demo merchant's shops are the shop simulators, one per registered sales channel: connected once, and on
 * every start the simulators (which keep no state) are told again where to send their webhooks.
 */
async function connectDemoShops(
  db: Db,
  env: Env,
  merchantId: string,
  shops: Record<string, string>,
  baseUrl: string,
  secret: string,
): Promise<{ type: string; id: string; shopUrl: string; webhookUrl: string }[]> {
  if (!env.SECRETS_KEY) return [];
  const box = new SecretBox(env.SECRETS_KEY);
  const existing = await listConnections(db, merchantId);
  const result = [];
  for (const channel of salesChannels) {
    const sandbox = shopSandboxes.find((s) => s.type === channel.type);
    const shopUrl = shops[channel.type];
    if (!sandbox || !shopUrl) continue;
    const connection =
      existing.find((c) => c.type === channel.type && c.shopUrl === shopUrl) ??
      (await createConnection(db, box, {
        merchantId,
        type: channel.type,
        shopUrl,
        webhookSecret: secret,
        // Checked as a merchant's POST /v1/channels would be.
        credentials: channel.credentials.parse(sandbox.credentials),
      }));
    const webhookUrl = `${baseUrl}/webhooks/${channel.type}/${connection.id}`;
    await sandbox.configureWebhooks(shopUrl, { url: webhookUrl, secret });
    result.push({ type: channel.type, id: connection.id, shopUrl, webhookUrl });
  }
  return result;
}

/** Each stop gets this long; whatever is still running after all of them is stopped through its pid file. */
const STOP_STEP_TIMEOUT_MS = 20_000;
/**
 * The banner promises a platform that answers right: wait for /readyz, which also waits for the first copy of
 * the supplier's catalogue (the schedule starts it at once; until it lands, the product listing would be empty).
 */
async function waitUntilReady(api: string): Promise<void> {
  let last = '';
  let lastSaid = 0;
  for (;;) {
    try {
      const res = await fetch(`${api}/readyz`);
      if (res.ok) return;
      last = await res.text();
    } catch (error) {
      last = (error as Error).message;
    }
    if (Date.now() - lastSaid > 15_000) {
      step(`waiting for the platform to be ready (first catalogue sync)… ${last}`);
      lastSaid = Date.now();
    }
    await new Promise((r) => setTimeout(r, 250));
  }
}

const stops: (() => Promise<void>)[] = [];
let dataDir: string | null = null;
const stopAll = async (): Promise<void> => {
  for (const stop of stops.splice(0).reverse()) {
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([stop(), new Promise((r) => (timer = setTimeout(r, STOP_STEP_TIMEOUT_MS)))]).catch(
      () => undefined,
    );
    clearTimeout(timer);
  }
  // A signal during start may arrive before a child's stop was registered: its pid file still names it.
  if (dataDir) await stopStaleProcesses(dataDir, { postgres: 'SIGINT' });
};

/**
 * A postmaster left running on this data directory (node was killed before it wrote its pid down) is stopped too:
 * PostgreSQL records it in postmaster.pid, and it is ours if its command line names this data directory.
 */
async function stopLeftoverPostmaster(pgDataDir: string): Promise<boolean> {
  const pid = postmasterPid(pgDataDir);
  const running = pid === null ? null : identify(pid);
  if (!running || !running.command.includes(pgDataDir)) return false;
  return stopRecorded(running, 'SIGINT');
}

try {
  const baseEnv = parseEnv();
  dataDir = path.resolve(baseEnv.DATA_DIR);
  mkdirSync(dataDir, { recursive: true, mode: 0o755 });
  const dir = dataDir;
  // The environment's keys, else the ones generated on the first start and kept in DATA_DIR (as start:production).
  const secrets = resolveSecrets(baseEnv, { keepIn: dataDir });
  const env = parseEnv({ ...process.env, OPERATOR_API_KEY: secrets.operatorKey, SECRETS_KEY: secrets.secretsKey });
  const logger = createLogger(env.LOG_LEVEL, 'dropship', { pretty: process.stdout.isTTY === true });
  // From here on, SIGINT, SIGTERM and SIGHUP stop whatever has started so far, in order.
  takeBackSignalsFromEmbeddedPostgres();
  onShutdown(logger, stopAll);
  stopWhenOrphaned();
  const leftover = await stopStaleProcesses(dataDir, { postgres: 'SIGINT' });
  if (await stopLeftoverPostmaster(path.join(dataDir, 'postgres'))) leftover.push('postgres (postmaster.pid)');
  if (leftover.length > 0) step(`stopped what a previous run left running: ${leftover.join(', ')}`);

  let temporalAddress = env.TEMPORAL_ADDRESS;
  let uiUrl: string | null = null;
  if (temporalAddress) {
    step(`using the Temporal server at ${temporalAddress}`);
  } else {
    step('finding the Temporal CLI (the first start builds it from Go modules: a few minutes)…');
    const cliPath = await provisionTemporalCli({
      projectRoot: root,
      explicitPath: env.TEMPORAL_CLI_PATH,
      progress: step,
    });
    step(`starting the Temporal dev server${cliPath ? ` (${path.relative(root, cliPath)})` : ' (SDK download)'}…`);
    const temporal = await startTemporalDevServer({
      cliPath,
      port: env.TEMPORAL_PORT,
      uiPort: env.TEMPORAL_UI_PORT,
      dbFile: path.join(dataDir, 'temporal', 'temporal.db'),
      logFile: path.join(dataDir, 'temporal', 'server.log'),
      onSpawn: (pid) => recordProcess(dir, 'temporal', pid),
    });
    stops.push(async () => {
      await temporal.stop();
      forgetProcess(dir, 'temporal');
    });
    temporalAddress = temporal.address;
    uiUrl = temporal.uiUrl;
  }

  step(
    env.DATABASE_URL
      ? 'connecting to DATABASE_URL…'
      : `starting PostgreSQL (embedded, data in ${path.relative(root, dataDir)}/postgres)…`,
  );
  const postgres = await startPostgres({
    databaseUrl: env.DATABASE_URL,
    dataDir: path.join(dataDir, 'postgres'),
    port: env.EMBEDDED_POSTGRES_PORT,
  });
  if (postgres.pid !== null) recordProcess(dir, 'postgres', postgres.pid);
  stops.push(async () => {
    await postgres.stop();
    forgetProcess(dir, 'postgres');
  });

  let simulated: ServiceAddresses = {};
  let shops: Record<string, string> | null = null;
  if (env.SIMULATORS === 'on') {
    step(`starting the simulators (supplier, PayPal, ${shopSandboxes.map((s) => s.type).join(', ')})…`);
    const sims = await startSimulators(env, { persist: true, shipAfterMs: 2 * 60_000 });
    stops.push(() => sims.close());
    simulated = { supplier: sims.supplier, paypal: sims.paypal };
    shops = sims.shops;
  }
  // Configured addresses win over the simulators; none at all (SIMULATORS=off without URLs) is a ConfigError.
  const services = resolveServices(env, { worker: true, api: true }, simulated);

  // The API serves the console at `/`: build it first when it is missing or older than its sources.
  await ensureConsoleBuilt(step);
  step('starting the worker and the REST API (bundling the workflow code)…');
  const platform = await startPlatform({
    env,
    logger,
    databaseUrl: postgres.url,
    temporalAddress,
    simulated,
    worker: true,
    api: true,
  });
  stops.push(() => platform.stop());

  const api = platform.apiUrl ?? '';
  const client = new HttpClient(api);

  // The demo operator: a named operator key, so that its money actions are audited under a name like anyone's.
  const operatorFile = path.join(dataDir, 'demo-operator.json');
  let operator = existsSync(operatorFile)
    ? (JSON.parse(readFileSync(operatorFile, 'utf8')) as { id: string; name: string; apiKey: string })
    : null;
  if (!operator || (await client.get('/v1/audit?limit=1', { key: operator.apiKey })).status !== 200) {
    const created = await createOperatorKey(client, env.OPERATOR_API_KEY ?? '', 'Demo Finance');
    operator = { id: created.id, name: 'Demo Finance', apiKey: created.key };
    writeFileSync(operatorFile, JSON.stringify(operator, null, 2), { mode: 0o600 });
  }

  const demoFile = path.join(dataDir, 'demo-merchant.json');
  let demo = existsSync(demoFile)
    ? (JSON.parse(readFileSync(demoFile, 'utf8')) as { id: string; apiKey: string; funded?: boolean })
    : null;
  if (!demo || !(await getMerchant(platform.db, demo.id))) {
    const created = await createMerchant(platform.db, { name: 'Demo shop', createdBy: 'npm start' });
    demo = { id: created.id, apiKey: created.apiKey };
    writeFileSync(demoFile, JSON.stringify(demo, null, 2), { mode: 0o600 });
  }
  const alreadyCredited = async (key: string): Promise<boolean> =>
    ((await client.get('/v1/wallet/transactions?limit=200', { key })).body.items as { kind: string }[]).some(
      (t) => t.kind === 'top_up',
    );
  // A data directory from before top-ups were real already holds its (legacy) starting credit.
  if (!demo.funded && (await alreadyCredited(demo.apiKey))) demo = { ...demo, funded: true };
  if (!demo.funded) {
    // Its starting money arrives the real way: a bank-transfer top-up the demo operator confirms (the same
    // Idempotency-Key on every start, so an interrupted first start never credits twice).
    step('crediting the demo wallet: a €500.00 bank transfer confirmed by the demo operator…');
    await topUpByBankTransfer(client, { merchant: demo.apiKey, operator: operator.apiKey }, 50_000, {
      idempotencyKey: 'demo-initial-credit',
      bankReference: 'DEMO-OPENING-TRANSFER',
    });
    demo = { ...demo, funded: true };
    writeFileSync(demoFile, JSON.stringify(demo, null, 2), { mode: 0o600 });
  }

  // People to sign in to the console with: the demo merchant's owner and a finance-desk operator.
  const demoOwner = await ensureDemoUser(platform.db, {
    email: 'owner@demo.example',
    name: 'Demo Owner',
    role: 'owner',
    merchantId: demo.id,
    passwordFile: path.join(dataDir, 'demo-owner-password'),
  });
  const demoOperatorUser = await ensureDemoUser(platform.db, {
    email: 'operator@demo.example',
    name: 'Demo Operator',
    role: 'operator',
    merchantId: null,
    passwordFile: path.join(dataDir, 'demo-operator-password'),
  });

  await waitUntilReady(api);
  const demoShops = shops
    ? await connectDemoShops(
        platform.db,
        env,
        demo.id,
        shops,
        env.PUBLIC_BASE_URL ?? api,
        persistentSecret(path.join(dataDir, 'demo-webhook-secret'), () => randomBytes(18).toString('base64url')),
      )
    : [];
  const lines = [
    '',
    `  The platform is up (${((Date.now() - started) / 1000).toFixed(1)}s).`,
    '',
    `  Console         ${api}/        (sign in with a demo user below)`,
    `  REST API        ${api}        (docs: ${api}/docs)`,
    `  Temporal UI     ${uiUrl ?? `(external server ${temporalAddress})`}`,
    `  Operator key    ${env.OPERATOR_API_KEY}  (root: creates merchants and operator keys, reads everything)`,
    `  Demo operator   ${operator.apiKey}  ("${operator.name}": the finance desk, confirms transfers, adjusts wallets)`,
    `  Demo merchant   ${demo.id}  key ${demo.apiKey}  (€500.00 by a bank transfer the demo operator confirmed on first start)`,
    `  Sign in at ${api}/ as the demo owner     ${demoOwner.email}  password ${demoOwner.password}`,
    `                  or the demo operator  ${demoOperatorUser.email}  password ${demoOperatorUser.password}`,
    `  Supplier        ${services.supplier}    PayPal ${services.paypal}`,
    ...demoShops.map(
      (d) => `  Demo ${d.type.padEnd(11)} ${d.shopUrl}  (connection ${d.id}; its webhooks go to ${d.webhookUrl})`,
    ),
    '',
    '  Try it:',
    `    curl -s -X POST ${api}/v1/orders -H "Authorization: Bearer ${demo.apiKey}" -H 'Content-Type: application/json' \\`,
    `      -d '{"channel":"amazon","externalId":"402-0000001","payment":{"method":"prepaid","amountPaid":5990,"currency":"EUR"},` +
      `"customer":{"name":"Maria Rossi","email":"maria@example.com","phone":"+39 333 1234567"},` +
      `"shippingAddress":{"line1":"Via Roma 1","city":"Milano","postcode":"20121","country":"IT"},"items":[{"sku":"BB-1001","quantity":2}]}'`,
    ...(demoShops.length > 0
      ? [
          '  A shop order arriving by webhook (fixtures: paid, cod, bank_deposit / paid, cod, bacs):',
          `    curl -s -X POST ${demoShops[0]?.shopUrl}/_admin/orders -H 'Content-Type: application/json' -d '{"fixture":"paid"}'`,
        ]
      : []),
    '',
    '  Ctrl-C stops everything.',
    '',
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
} catch (error) {
  process.stderr.write(
    `\n${error instanceof ConfigError ? error.message : ((error as Error).stack ?? String(error))}\n`,
  );
  await stopAll();
  process.exit(1);
}
