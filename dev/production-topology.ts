import { runToEnd } from './child-process.js';
import { createWriteStream, existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { forgetProcess, identify, recordProcess, stopRecorded, stopStaleProcesses } from './pid-files.js';
import { postmasterPid, startPostgres, type RunningPostgres } from './postgres.js';
import { SupervisedProcess, Supervision, type SupervisedOptions } from './supervised-process.js';
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
import { parseEnv } from '../app/config.js';
import { shopSandboxes } from '../simulators/shops.js';

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
  /** The partner simulators; `shops` has one port per shop simulator (simulators/shops.ts), by sales channel type. */
  simulators: { supplier: number; paypal: number; shops: Record<string, number> };
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
  const [a, b, c, d, e, f, g, h, i, j, k, l, ...shops] = await some(12 + shopSandboxes.length);
  return {
    apis: [a!, b!],
    apiMetrics: [c!, d!],
    workerMetrics: [e!, f!],
    workerSdkMetrics: [g!, h!],
    temporal: await freeServerPorts(),
    ui: i!,
    postgres: j!,
    simulators: {
      supplier: k!,
      paypal: l!,
      shops: Object.fromEntries(shopSandboxes.map((sandbox, n) => [sandbox.type, shops[n]!])),
    },
  };
}

/**
 * The environment of an API or worker process: the names of docker-compose.yml's `x-app-env`, from one place:
 * what the topology resolved (database, Temporal, secrets, partner addresses) over the application settings
 * (app/config.ts `applicationSettings`: timings, limits, credentials… as the operator set them). Per-process
 * settings (PORT, METRICS_PORT…) are added by the caller.
 */
export function appEnvironment(input: {
  databaseUrl: string;
  temporalAddress: string;
  operatorKey: string;
  secretsKey: string;
  publicBaseUrl: string;
  supplierBaseUrl: string;
  paypalBaseUrl: string;
  /** Application settings, passed on unchanged (e.g. `applicationSettings(process.env)`). */
  settings?: Record<string, string>;
}): Record<string, string> {
  return {
    LOG_LEVEL: 'info',
    TEMPORAL_NAMESPACE: productionSettings.namespace,
    TEMPORAL_TASK_QUEUE: productionSettings.taskQueue,
    ...input.settings,
    NODE_ENV: 'production',
    DATABASE_URL: input.databaseUrl,
    TEMPORAL_ADDRESS: input.temporalAddress,
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
  /** A Temporal server already running (TEMPORAL_ADDRESS): no server, schema, namespace or UI is started. */
  temporalAddress?: string | undefined;
  /** Base of the webhook and PayPal return URLs (PUBLIC_BASE_URL); the first API by default. */
  publicBaseUrl?: string | undefined;
  /** Interface the APIs and /metrics listen on (HOST, METRICS_HOST); loopback by default. */
  host?: string | undefined;
  metricsHost?: string | undefined;
  logLevel?: string;
  /**
   * Application settings for the API and worker processes, passed on unchanged (app/config.ts
   * `applicationSettings`: timings, limits, partner credentials, namespace and task queue…; OTEL_*). The simulators
   * accept the same partner credentials.
   */
  appEnv?: Record<string, string>;
  numHistoryShards?: number;
  say?: (line: string) => void;
  /**
   * Shared by the supervised processes: the caller's signal handler begins the stop with it at once, so that no
   * process is restarted meanwhile, even during the start. Made here when not given.
   */
  supervision?: Supervision;
}

export interface RunningTopology {
  postgres: { url: string; embedded: boolean; restart(): Promise<void> };
  /** `ports` is null for a server the topology did not start (TEMPORAL_ADDRESS), which it cannot restart either. */
  temporal: { address: string; ports: TemporalServerPorts | null; restart(): Promise<void> };
  ui: { url: string } | null;
  /** The namespace and task queue the workers poll. */
  namespace: string;
  taskQueue: string;
  apis: ApiProcess[];
  workers: WorkerProcess[];
  simulators: {
    process: SupervisedProcess | null;
    supplier: string;
    paypal: string;
    /** Each shop simulator's URL by sales channel type (none when the simulators do not run). */
    shops: Record<string, string>;
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
const sourceDirs = ['domain', 'db', 'workflows', 'activities', 'channels', 'worker', 'api', 'app', 'simulators'];

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
  await runToEnd('npm', ['run', '--silent', 'build'], { cwd: projectRoot });
  return { built: true, ms: Date.now() - started };
}

/**
 * A worker process as production runs it: `node dist/app/worker-main.js` on the production build, its `/metrics`
 * on `metricsPort` with the SDK's exporter on `sdkMetricsPort` behind it, ready once the SDK reports its pollers
 * (independent of the log level). `env`: the application's settings (appEnvironment).
 */
export function workerProcess(opts: {
  env: Record<string, string>;
  metricsUrl: string;
  metricsPort: number;
  sdkMetricsPort: number;
  serviceName?: string | undefined;
}): Pick<SupervisedOptions, 'command' | 'args' | 'cwd' | 'env' | 'ready'> {
  return {
    command: node,
    args: [path.join(dist, 'app/worker-main.js')],
    cwd: projectRoot,
    env: {
      ...opts.env,
      METRICS_PORT: String(opts.metricsPort),
      TEMPORAL_METRICS_PORT: String(opts.sdkMetricsPort),
      OTEL_SERVICE_NAME: opts.serviceName ?? 'dropship-worker',
    },
    ready: async () => (await fetchText(opts.metricsUrl)).includes('temporal_num_pollers'),
  };
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
  // The application settings as the API and worker processes will parse them (the same defaults).
  const app = parseEnv(opts.appEnv ?? {});
  const namespace = opts.appEnv?.TEMPORAL_NAMESPACE ?? productionSettings.namespace;
  const taskQueue = opts.appEnv?.TEMPORAL_TASK_QUEUE ?? productionSettings.taskQueue;
  const host = opts.host ?? '127.0.0.1';
  const local = (port: number): string => `http://${host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host}:${port}`;
  const supervision = opts.supervision ?? new Supervision();
  const stops: (() => Promise<void>)[] = [];
  const stopAll = async (): Promise<void> => {
    // From now on no process is restarted: those not yet stopped may exit first (a terminal's Ctrl-C).
    supervision.beginStop();
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
    let binaries: TemporalServerBinaries | null = null;
    if (!opts.temporalAddress) {
      say(
        'Temporal server, temporal-sql-tool and UI (built from Go modules on the first run, then cached in .cache/)…',
      );
      binaries = await time('provision Temporal binaries', () => provisionTemporalServer({ progress: say }));
    }
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

    // ---- Temporal: the server of this topology, or the one TEMPORAL_ADDRESS names ----
    let server: RunningTemporalServer | null = null;
    let ui: RunningTemporalUi | null = null;
    let serverOptions: Parameters<typeof startTemporalServer>[0] | null = null;
    if (binaries) {
      const database: TemporalDatabase = databaseFromUrl(postgres.url);
      say('Temporal schema (temporal-sql-tool: create-database, setup-schema, update-schema)…');
      const tools = binaries;
      await time('Temporal schema', () =>
        setupTemporalSchema({ sqlToolPath: tools.sqlTool, schemaDir: tools.schemaDir, database }),
      );
      serverOptions = {
        serverPath: binaries.server,
        database,
        ports: ports.temporal,
        configFile: productionSettings.serverConfigFile,
        logFile: path.join(logDir, 'temporal-server.log'),
        ...(opts.numHistoryShards ? { numHistoryShards: opts.numHistoryShards } : {}),
      };
      say(`Temporal server (${path.relative(projectRoot, productionSettings.serverConfigFile)})…`);
      const options = serverOptions;
      server = await time('Temporal server', () => startTemporalServer(options));
      record('temporal-server', server.pid);
      stops.push(async () => {
        await server?.stop();
        forgetProcess(opts.dataDir, 'temporal-server');
      });
      const address = server.address;
      await time('namespace + search attributes', () =>
        registerNamespaceAndSearchAttributes({
          connection: { address },
          namespace,
          retention: productionSettings.namespaceRetention,
        }),
      );
      const uiPath = binaries.ui;
      ui = await time('Temporal UI', () =>
        startTemporalUi({
          uiPath,
          temporalAddress: address,
          port: ports.ui,
          logFile: path.join(logDir, 'temporal-ui.log'),
        }),
      );
      record('temporal-ui', ui.pid);
      stops.push(async () => {
        await ui?.stop();
        forgetProcess(opts.dataDir, 'temporal-ui');
      });
    } else {
      say(`Temporal: the server at ${opts.temporalAddress} (TEMPORAL_ADDRESS)`);
    }
    const temporalAddress = server?.address ?? opts.temporalAddress ?? '';

    // ---- simulators, where no real service is configured ----
    const credentials = {
      SUPPLIER_API_KEY: app.SUPPLIER_API_KEY,
      PAYPAL_CLIENT_ID: app.PAYPAL_CLIENT_ID,
      PAYPAL_CLIENT_SECRET: app.PAYPAL_CLIENT_SECRET,
    };
    const logLevel = opts.logLevel ?? opts.appEnv?.LOG_LEVEL ?? 'info';
    const baseEnv = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/tmp' };
    const simUrl = (port: number): string => `http://127.0.0.1:${port}`;
    let simulators: SupervisedProcess | null = null;
    if (!opts.supplierBaseUrl || !opts.paypalBaseUrl) {
      const sim = ports.simulators;
      const shopPorts = Object.fromEntries(
        shopSandboxes.map((sandbox) => [
          sandbox.port.variable,
          String(sim.shops[sandbox.type] ?? sandbox.port.default),
        ]),
      );
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
          ...shopPorts,
        },
        logFile: path.join(logDir, 'simulators.log'),
        // Ready once every simulator answers (the shops start last).
        ready: async () =>
          (
            await Promise.all([sim.supplier, sim.paypal, ...Object.values(sim.shops)].map((p) => answers(simUrl(p))))
          ).every(Boolean),
        say,
        supervision,
        onSpawn: (pid) => record('simulators', pid),
      });
      say(`simulators (supplier, PayPal, ${shopSandboxes.map((s) => s.type).join(', ')})…`);
      await time('simulators', () => simulators!.start());
      const s = simulators;
      stops.push(async () => {
        await s.stop();
        forgetProcess(opts.dataDir, 'simulators');
      });
    }
    const supplierBaseUrl = opts.supplierBaseUrl ?? simUrl(ports.simulators.supplier);
    const paypalBaseUrl = opts.paypalBaseUrl ?? simUrl(ports.simulators.paypal);
    const shops: Record<string, string> = simulators
      ? Object.fromEntries(Object.entries(ports.simulators.shops).map(([type, port]) => [type, simUrl(port)]))
      : {};

    // ---- workers and APIs ----
    const shared = {
      ...baseEnv,
      ...appEnvironment({
        databaseUrl: postgres.url,
        temporalAddress,
        operatorKey: opts.operatorKey,
        secretsKey: opts.secretsKey,
        publicBaseUrl: opts.publicBaseUrl ?? local(ports.apis[0]!),
        supplierBaseUrl,
        paypalBaseUrl,
        settings: {
          ...opts.appEnv,
          LOG_LEVEL: logLevel,
          TEMPORAL_NAMESPACE: namespace,
          TEMPORAL_TASK_QUEUE: taskQueue,
        },
      }),
      METRICS_HOST: opts.metricsHost ?? '127.0.0.1',
    };
    const metricsUrl = (port: number): string =>
      `http://${shared.METRICS_HOST === '0.0.0.0' || shared.METRICS_HOST === '::' ? '127.0.0.1' : shared.METRICS_HOST}:${port}/metrics`;
    const workers: WorkerProcess[] = ports.workerMetrics.map((metricsPort, i) => {
      const name = `worker-${i + 1}`;
      const proc = new SupervisedProcess({
        ...workerProcess({
          env: shared,
          metricsUrl: metricsUrl(metricsPort),
          metricsPort,
          sdkMetricsPort: ports.workerSdkMetrics[i]!,
          serviceName: opts.appEnv?.OTEL_SERVICE_NAME,
        }),
        name,
        logFile: path.join(logDir, `${name}.log`),
        onSpawn: (pid) => record(name, pid),
        supervision,
        say,
      });
      return { process: proc, metricsUrl: metricsUrl(metricsPort) };
    });
    const apis: ApiProcess[] = ports.apis.map((port, i) => {
      const name = `api-${i + 1}`;
      const url = local(port);
      const proc = new SupervisedProcess({
        name,
        command: node,
        args: [path.join(dist, 'app/api-main.js')],
        cwd: projectRoot,
        env: {
          ...shared,
          HOST: host,
          PORT: String(port),
          METRICS_PORT: String(ports.apiMetrics[i]),
          OTEL_SERVICE_NAME: opts.appEnv?.OTEL_SERVICE_NAME ?? 'dropship-api',
        },
        logFile: path.join(logDir, `${name}.log`),
        onSpawn: (pid) => record(name, pid),
        supervision,
        ready: () => answers(`${url}/readyz`, (s) => s === 200),
        say,
      });
      return { process: proc, url, metricsUrl: metricsUrl(ports.apiMetrics[i]!) };
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
        address: temporalAddress,
        ports: server?.ports ?? null,
        async restart() {
          if (!server || !serverOptions)
            throw new Error('Temporal is external (TEMPORAL_ADDRESS): not restarted from here');
          await server.stop();
          server = await startTemporalServer(serverOptions);
          record('temporal-server', server.pid);
        },
      },
      ui: ui ? { url: ui.url } : null,
      namespace,
      taskQueue,
      apis,
      workers,
      simulators: { process: simulators, supplier: supplierBaseUrl, paypal: paypalBaseUrl, shops },
      logDir,
      timings,
      describe() {
        const row = (what: string, where: string, pid: number | string | undefined, log: string): string =>
          `  ${what.padEnd(18)} ${where.padEnd(44)} ${`pid ${pid ?? '-'}`.padEnd(11)} ${log === '-' ? log : path.relative(projectRoot, log)}`;
        return [
          row(
            'PostgreSQL',
            postgres.url.replace(/\/\/[^@]*@/, '//'),
            postgres.embedded ? (postmasterPid(pgOptions.dataDir) ?? '?') : 'external',
            path.join(logDir, 'postgres.log'),
          ),
          server
            ? row('Temporal server', `${server.address} (gRPC)`, server.pid, path.join(logDir, 'temporal-server.log'))
            : row('Temporal server', `${temporalAddress} (gRPC, TEMPORAL_ADDRESS)`, 'external', '-'),
          ...(ui ? [row('Temporal UI', ui.url, ui.pid, path.join(logDir, 'temporal-ui.log'))] : []),
          ...apis.map((a) =>
            row(a.process.name, `${a.url}  metrics ${a.metricsUrl}`, a.process.pid, a.process.logFile),
          ),
          ...workers.map((w) => row(w.process.name, `metrics ${w.metricsUrl}`, w.process.pid, w.process.logFile)),
          ...(simulators
            ? [
                row(
                  'simulators',
                  `supplier ${supplierBaseUrl}, PayPal ${paypalBaseUrl}, ${Object.entries(shops)
                    .map(([type, url]) => `${type} ${url}`)
                    .join(', ')}`,
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
