import { spawn } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { forgetProcess, identify, recordProcess, stopRecorded, stopStaleProcesses } from './pid-files.js';
import { postmasterPid, startPostgres, type RunningPostgres } from './postgres.js';
import { SupervisedProcess } from './supervised-process.js';
import { freePort } from './ports.js';
import {
  databaseFromUrl,
  freeServerPorts,
  projectRoot,
  provisionTemporalServer,
  registerNamespaceAndSearchAttributes,
  serverConfigFile,
  setupTemporalSchema,
  startTemporalServer,
  startTemporalUi,
  type RunningTemporalServer,
  type TemporalDatabase,
  type TemporalServerBinaries,
  type TemporalServerPorts,
} from './temporal-server.js';
import type { RunningTemporalUi } from './temporal-ui.js';

/**
 * The production topology on one machine, each part a process of its own, as docker-compose.yml describes it:
 * PostgreSQL, the Temporal server from deploy/temporal/config/production.yaml with its schema set up by
 * temporal-sql-tool, namespace retention and search attributes, the Temporal UI, two API processes, two worker
 * processes (the production build: dist/, workers on the prebuilt workflow bundle) and the simulators for the
 * services without a real URL. `npm run start:production` prints it; test/production/kill.test.ts breaks it.
 */

/** What docker-compose.yml sets too (test/unit/docker-compose.test.ts holds the two together). */
export const productionSettings = {
  namespace: 'default',
  taskQueue: 'orders',
  /** Closed orders stay visible in the UI this long (compose: TEMPORAL_NAMESPACE_RETENTION). */
  namespaceRetention: '720h',
  apiReplicas: 2,
  workerReplicas: 2,
  /** The server config both run. */
  serverConfigFile,
} as const;

export interface TopologyPorts {
  apis: number[];
  apiMetrics: number[];
  workerMetrics: number[];
  /** Loopback ports of the SDK's exporters inside the workers. */
  workerSdkMetrics: number[];
  temporal: TemporalServerPorts;
  ui: number;
  postgres: number;
  simulators: { supplier: number; paypal: number; shopify: number; woocommerce: number };
}

/** Every port drawn free (tests). */
export async function freeTopologyPorts(): Promise<TopologyPorts> {
  const some = async (n: number): Promise<number[]> => {
    const ports: number[] = [];
    while (ports.length < n) {
      const port = await freePort();
      if (!ports.includes(port)) ports.push(port);
    }
    return ports;
  };
  const [a, b, c, d, e, f, g, h, i, j, k, l, m, n] = await some(14);
  return {
    apis: [a!, b!],
    apiMetrics: [c!, d!],
    workerMetrics: [e!, f!],
    workerSdkMetrics: [g!, h!],
    temporal: await freeServerPorts(),
    ui: i!,
    postgres: j!,
    simulators: { supplier: k!, paypal: l!, shopify: m!, woocommerce: n! },
  };
}

/**
 * The environment of an API or worker process: the names of docker-compose.yml's `x-app-env`, from one place.
 * Per-process settings (PORT, METRICS_PORT…) are added by the caller.
 */
export function appEnvironment(input: {
  databaseUrl: string;
  temporalAddress: string;
  operatorKey: string;
  secretsKey: string;
  publicBaseUrl: string;
  supplierBaseUrl: string;
  paypalBaseUrl: string;
  credentials: { SUPPLIER_API_KEY: string; PAYPAL_CLIENT_ID: string; PAYPAL_CLIENT_SECRET: string };
  logLevel: string;
}): Record<string, string> {
  return {
    ...input.credentials,
    NODE_ENV: 'production',
    LOG_LEVEL: input.logLevel,
    DATABASE_URL: input.databaseUrl,
    TEMPORAL_ADDRESS: input.temporalAddress,
    TEMPORAL_NAMESPACE: productionSettings.namespace,
    TEMPORAL_TASK_QUEUE: productionSettings.taskQueue,
    OPERATOR_API_KEY: input.operatorKey,
    SECRETS_KEY: input.secretsKey,
    PUBLIC_BASE_URL: input.publicBaseUrl,
    SUPPLIER_BASE_URL: input.supplierBaseUrl,
    PAYPAL_BASE_URL: input.paypalBaseUrl,
    SIMULATORS: 'off',
  };
}

export interface TopologyOptions {
  dataDir: string;
  ports: TopologyPorts;
  operatorKey: string;
  secretsKey: string;
  /** An existing PostgreSQL (its server also gets Temporal's two databases); embedded otherwise. */
  databaseUrl?: string | undefined;
  /** Real partner services; the simulators stand in for the missing ones. */
  supplierBaseUrl?: string | undefined;
  paypalBaseUrl?: string | undefined;
  credentials?: { SUPPLIER_API_KEY: string; PAYPAL_CLIENT_ID: string; PAYPAL_CLIENT_SECRET: string };
  logLevel?: string;
  /** Extra environment for the API and worker processes (timings, OTEL_*…). */
  appEnv?: Record<string, string>;
  numHistoryShards?: number;
  say?: (line: string) => void;
}

export interface RunningTopology {
  postgres: { url: string; embedded: boolean; restart(): Promise<void> };
  temporal: { address: string; ports: TemporalServerPorts; restart(): Promise<void> };
  ui: { url: string };
  apis: ApiProcess[];
  workers: WorkerProcess[];
  simulators: {
    process: SupervisedProcess | null;
    supplier: string;
    paypal: string;
    shopify: string | null;
    woocommerce: string | null;
  };
  logDir: string;
  timings: Record<string, number>;
  /** What runs where: one line per part. */
  describe(): string[];
  stop(): Promise<void>;
}

export interface ApiProcess {
  process: SupervisedProcess;
  url: string;
  metricsUrl: string;
}

export interface WorkerProcess {
  process: SupervisedProcess;
  metricsUrl: string;
}

const node = process.execPath;
const dist = path.join(projectRoot, 'dist');
const sourceDirs = ['domain', 'db', 'workflows', 'activities', 'worker', 'api', 'app', 'simulators'];

function newestSource(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestSource(full) : statSync(full).mtimeMs);
  }
  return newest;
}

/** `npm run build` unless dist/ is newer than every source file: what runs is what ships. */
export async function ensureBuilt(say: (line: string) => void): Promise<{ built: boolean; ms: number }> {
  const stamp = path.join(dist, 'workflow-bundle.js');
  const sources = Math.max(
    ...sourceDirs.map((d) => newestSource(path.join(projectRoot, d))),
    statSync(path.join(projectRoot, 'package-lock.json')).mtimeMs,
  );
  if (existsSync(stamp) && statSync(stamp).mtimeMs > sources) return { built: false, ms: 0 };
  say('building the production code (npm run build: tsc + workflow bundle)…');
  const started = Date.now();
  await new Promise<void>((resolve, reject) => {
    const child = spawn('npm', ['run', '--silent', 'build'], { cwd: projectRoot, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (c: Buffer) => (output += c.toString()));
    child.stderr.on('data', (c: Buffer) => (output += c.toString()));
    child.on('error', reject);
    child.on('exit', (code) =>
      code === 0 ? resolve() : reject(new Error(`npm run build failed (${code}):\n${output.slice(-4000)}`)),
    );
  });
  return { built: true, ms: Date.now() - started };
}

async function fetchText(url: string): Promise<string> {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(2_000) });
    return await res.text();
  } catch {
    return '';
  }
}

async function answers(url: string, ok: (status: number) => boolean = (s) => s < 500): Promise<boolean> {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(2_000) });
    await res.body?.cancel();
    return ok(res.status);
  } catch {
    return false;
  }
}

export async function startProductionTopology(opts: TopologyOptions): Promise<RunningTopology> {
  const say = opts.say ?? (() => undefined);
  const logDir = path.join(opts.dataDir, 'logs');
  mkdirSync(logDir, { recursive: true });
  const { ports } = opts;
  const timings: Record<string, number> = {};
  const time = async <T>(what: string, work: () => Promise<T>): Promise<T> => {
    const started = Date.now();
    const result = await work();
    timings[what] = Date.now() - started;
    return result;
  };
  const stops: (() => Promise<void>)[] = [];
  const stopAll = async (): Promise<void> => {
    for (const stop of stops.splice(0).reverse())
      await stop().catch((error: unknown) => say(`stop: ${(error as Error).message}`));
    // A child whose stop was never registered (a signal during start) is still written down.
    await stopStaleProcesses(opts.dataDir, { postgres: 'SIGINT' });
  };
  // Every child is written down in DATA_DIR/pids as it starts (dev/pid-files.ts): a run whose node was killed
  // leaves them there, and the next start stops them before it begins.
  const record = (name: string, pid: number | null | undefined): void => {
    if (pid) recordProcess(opts.dataDir, name, pid);
  };
  const leftover = await stopStaleProcesses(opts.dataDir, { postgres: 'SIGINT' });
  const postmaster = postmasterPid(path.join(opts.dataDir, 'postgres'));
  const running = postmaster === null ? null : identify(postmaster);
  if (running?.command.includes(path.join(opts.dataDir, 'postgres')) && (await stopRecorded(running, 'SIGINT')))
    leftover.push('postgres (postmaster.pid)');
  if (leftover.length > 0) say(`stopped what a previous run left running: ${leftover.join(', ')}`);

  try {
    say('Temporal server, temporal-sql-tool and UI (built from Go modules on the first run, then cached in .cache/)…');
    const binaries: TemporalServerBinaries = await time('provision Temporal binaries', () =>
      provisionTemporalServer({ progress: say }),
    );
    const build = await time('npm run build', () => ensureBuilt(say));
    if (!build.built) say('dist/ is up to date');

    // ---- PostgreSQL ----
    const pgLog = createWriteStream(path.join(logDir, 'postgres.log'), { flags: 'a' });
    stops.push(async () => void pgLog.end());
    const pgOptions = {
      databaseUrl: opts.databaseUrl,
      dataDir: path.join(opts.dataDir, 'postgres'),
      port: ports.postgres,
      database: 'orders',
      log: (line: string) => void pgLog.write(`${line}\n`),
    };
    say(opts.databaseUrl ? 'PostgreSQL: DATABASE_URL' : `PostgreSQL (embedded, data in ${pgOptions.dataDir})…`);
    let postgres: RunningPostgres = await time('PostgreSQL', () => startPostgres(pgOptions));
    record('postgres', postgres.pid);
    stops.push(async () => {
      await postgres.stop();
      forgetProcess(opts.dataDir, 'postgres');
    });
    const database: TemporalDatabase = databaseFromUrl(postgres.url);

    // ---- Temporal ----
    say('Temporal schema (temporal-sql-tool: create-database, setup-schema, update-schema)…');
    await time('Temporal schema', () =>
      setupTemporalSchema({ sqlToolPath: binaries.sqlTool, schemaDir: binaries.schemaDir, database }),
    );
    const serverOptions = {
      serverPath: binaries.server,
      database,
      ports: ports.temporal,
      configFile: productionSettings.serverConfigFile,
      logFile: path.join(logDir, 'temporal-server.log'),
      ...(opts.numHistoryShards ? { numHistoryShards: opts.numHistoryShards } : {}),
    };
    say(`Temporal server (${path.relative(projectRoot, productionSettings.serverConfigFile)})…`);
    let server: RunningTemporalServer = await time('Temporal server', () => startTemporalServer(serverOptions));
    record('temporal-server', server.pid);
    stops.push(async () => {
      await server.stop();
      forgetProcess(opts.dataDir, 'temporal-server');
    });
    await time('namespace + search attributes', () =>
      registerNamespaceAndSearchAttributes({
        connection: { address: server.address },
        namespace: productionSettings.namespace,
        retention: productionSettings.namespaceRetention,
      }),
    );
    const ui: RunningTemporalUi = await time('Temporal UI', () =>
      startTemporalUi({
        uiPath: binaries.ui,
        temporalAddress: server.address,
        port: ports.ui,
        logFile: path.join(logDir, 'temporal-ui.log'),
      }),
    );
    record('temporal-ui', ui.pid);
    stops.push(async () => {
      await ui.stop();
      forgetProcess(opts.dataDir, 'temporal-ui');
    });

    // ---- simulators, where no real service is configured ----
    const credentials = opts.credentials ?? {
      SUPPLIER_API_KEY: 'sandbox-supplier-key',
      PAYPAL_CLIENT_ID: 'sandbox-client-id',
      PAYPAL_CLIENT_SECRET: 'sandbox-client-secret',
    };
    const logLevel = opts.logLevel ?? 'info';
    const baseEnv = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/tmp' };
    const simUrl = (port: number): string => `http://127.0.0.1:${port}`;
    let simulators: SupervisedProcess | null = null;
    if (!opts.supplierBaseUrl || !opts.paypalBaseUrl) {
      const sim = ports.simulators;
      simulators = new SupervisedProcess({
        name: 'simulators',
        command: node,
        args: [path.join(dist, 'app/simulators-main.js')],
        cwd: projectRoot,
        env: {
          ...baseEnv,
          ...credentials,
          NODE_ENV: 'production',
          LOG_LEVEL: logLevel,
          HOST: '127.0.0.1',
          DATA_DIR: opts.dataDir,
          SUPPLIER_SIM_PORT: String(sim.supplier),
          PAYPAL_SIM_PORT: String(sim.paypal),
          SHOPIFY_SIM_PORT: String(sim.shopify),
          WOOCOMMERCE_SIM_PORT: String(sim.woocommerce),
        },
        logFile: path.join(logDir, 'simulators.log'),
        ready: () => answers(simUrl(sim.woocommerce)),
        say,
        onSpawn: (pid) => record('simulators', pid),
      });
      say('simulators (supplier, PayPal, Shopify, WooCommerce)…');
      await time('simulators', () => simulators!.start());
      const s = simulators;
      stops.push(async () => {
        await s.stop();
        forgetProcess(opts.dataDir, 'simulators');
      });
    }
    const supplierBaseUrl = opts.supplierBaseUrl ?? simUrl(ports.simulators.supplier);
    const paypalBaseUrl = opts.paypalBaseUrl ?? simUrl(ports.simulators.paypal);

    // ---- workers and APIs ----
    const shared = {
      ...baseEnv,
      ...opts.appEnv,
      ...appEnvironment({
        databaseUrl: postgres.url,
        temporalAddress: server.address,
        operatorKey: opts.operatorKey,
        secretsKey: opts.secretsKey,
        publicBaseUrl: `http://127.0.0.1:${ports.apis[0]}`,
        supplierBaseUrl,
        paypalBaseUrl,
        credentials,
        logLevel,
      }),
      METRICS_HOST: '127.0.0.1',
    };
    const workers: WorkerProcess[] = ports.workerMetrics.map((metricsPort, i) => {
      const name = `worker-${i + 1}`;
      const proc = new SupervisedProcess({
        name,
        command: node,
        args: [path.join(dist, 'app/worker-main.js')],
        cwd: projectRoot,
        env: {
          ...shared,
          METRICS_PORT: String(metricsPort),
          TEMPORAL_METRICS_PORT: String(ports.workerSdkMetrics[i]),
          OTEL_SERVICE_NAME: 'dropship-worker',
        },
        logFile: path.join(logDir, `${name}.log`),
        onSpawn: (pid) => record(name, pid),
        // Polling once the SDK reports pollers: independent of the log level.
        ready: async () =>
          (await fetchText(`http://127.0.0.1:${metricsPort}/metrics`)).includes('temporal_num_pollers'),
        say,
      });
      return { process: proc, metricsUrl: `http://127.0.0.1:${metricsPort}/metrics` };
    });
    const apis: ApiProcess[] = ports.apis.map((port, i) => {
      const name = `api-${i + 1}`;
      const url = `http://127.0.0.1:${port}`;
      const proc = new SupervisedProcess({
        name,
        command: node,
        args: [path.join(dist, 'app/api-main.js')],
        cwd: projectRoot,
        env: {
          ...shared,
          HOST: '127.0.0.1',
          PORT: String(port),
          METRICS_PORT: String(ports.apiMetrics[i]),
          OTEL_SERVICE_NAME: 'dropship-api',
        },
        logFile: path.join(logDir, `${name}.log`),
        onSpawn: (pid) => record(name, pid),
        ready: () => answers(`${url}/readyz`, (s) => s === 200),
        say,
      });
      return { process: proc, url, metricsUrl: `http://127.0.0.1:${ports.apiMetrics[i]}/metrics` };
    });
    say(`${workers.length} workers and ${apis.length} APIs (node dist/app/worker-main.js, dist/app/api-main.js)…`);
    for (const part of [...workers.map((w) => w.process), ...apis.map((a) => a.process)]) {
      stops.push(async () => {
        await part.stop();
        forgetProcess(opts.dataDir, part.name);
      });
    }
    await time('workers + APIs', () =>
      Promise.all([...workers.map((w) => w.process.start()), ...apis.map((a) => a.process.start())]),
    );

    return {
      postgres: {
        get url() {
          return postgres.url;
        },
        embedded: postgres.embedded,
        async restart() {
          if (!postgres.embedded) throw new Error('PostgreSQL is external (DATABASE_URL): not restarted from here');
          await postgres.stop();
          postgres = await startPostgres(pgOptions);
          record('postgres', postgres.pid);
        },
      },
      temporal: {
        address: server.address,
        ports: server.ports,
        async restart() {
          await server.stop();
          server = await startTemporalServer(serverOptions);
          record('temporal-server', server.pid);
        },
      },
      ui: { url: ui.url },
      apis,
      workers,
      simulators: {
        process: simulators,
        supplier: supplierBaseUrl,
        paypal: paypalBaseUrl,
        shopify: simulators ? simUrl(ports.simulators.shopify) : null,
        woocommerce: simulators ? simUrl(ports.simulators.woocommerce) : null,
      },
      logDir,
      timings,
      describe() {
        const row = (what: string, where: string, pid: number | string | undefined, log: string): string =>
          `  ${what.padEnd(18)} ${where.padEnd(44)} ${`pid ${pid ?? '-'}`.padEnd(11)} ${path.relative(projectRoot, log)}`;
        return [
          row(
            'PostgreSQL',
            postgres.url.replace(/\/\/[^@]*@/, '//'),
            postgres.embedded ? (postmasterPid(pgOptions.dataDir) ?? '?') : 'external',
            path.join(logDir, 'postgres.log'),
          ),
          row('Temporal server', `${server.address} (gRPC)`, server.pid, path.join(logDir, 'temporal-server.log')),
          row('Temporal UI', ui.url, ui.pid, path.join(logDir, 'temporal-ui.log')),
          ...apis.map((a) =>
            row(a.process.name, `${a.url}  metrics ${a.metricsUrl}`, a.process.pid, a.process.logFile),
          ),
          ...workers.map((w) => row(w.process.name, `metrics ${w.metricsUrl}`, w.process.pid, w.process.logFile)),
          ...(simulators
            ? [
                row(
                  'simulators',
                  `supplier ${supplierBaseUrl}, PayPal ${paypalBaseUrl}`,
                  simulators.pid,
                  simulators.logFile,
                ),
              ]
            : [row('partners', `supplier ${supplierBaseUrl}, PayPal ${paypalBaseUrl}`, '-', '-')]),
        ];
      },
      stop: stopAll,
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
}
