import { chmod, cp, readdir, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Connection, type TLSConfig } from '@temporalio/client';
import { freePort } from './ports.js';
import { retryUntil, spawnLogged } from './child-process.js';
import { TemporalDatabaseSchema, type TemporalDatabase } from './temporal-schema.js';
import {
  goModuleSourceDir,
  isExecutable,
  provisionGoBinary,
  stderrSay,
  type GoBinarySpec,
  type Say,
} from './go-binary.js';

export { setupTemporalSchema, type TemporalDatabase, databaseFromUrl } from './temporal-schema.js';
export { registerNamespaceAndSearchAttributes } from './temporal-namespace.js';
export { startTemporalUi } from './temporal-ui.js';

/**
 * The production Temporal server (not the CLI's dev server): `temporal-server` on PostgreSQL with SQL visibility,
 * built here from Go modules, with its schema tool, the schema files of the same release, and the Web UI server.
 */
export const TEMPORAL_SERVER_VERSION = '1.32.2';
export const TEMPORAL_UI_VERSION = '2.42.1';

/**
 * go.temporal.io/server v1.32 declares `go 1.26.10` in its go.mod, newer than the Go installed here, so go
 * must fetch a newer toolchain (the module proxy serves go1.27.3). Scoped to these builds: the CLI and the
 * UI build with the installed Go and keep their build cache.
 */
export const SERVER_GO_ENV = { GOTOOLCHAIN: process.env.TEMPORAL_SERVER_GOTOOLCHAIN ?? 'go1.27.3' };

const SERVER_MODULE = 'go.temporal.io/server';

export const serverSpec: GoBinarySpec = {
  name: 'temporal-server',
  module: `${SERVER_MODULE}/cmd/server`,
  version: TEMPORAL_SERVER_VERSION,
  binary: 'server',
  env: SERVER_GO_ENV,
  expectedPackages: 1450,
};

export const sqlToolSpec: GoBinarySpec = {
  name: 'temporal-sql-tool',
  module: `${SERVER_MODULE}/cmd/tools/sql`,
  version: TEMPORAL_SERVER_VERSION,
  binary: 'sql',
  env: SERVER_GO_ENV,
};

/** The UI server embeds the built web app (ui/assets in its module), so one binary serves both. */
export const uiSpec: GoBinarySpec = {
  name: 'temporal-ui-server',
  module: 'github.com/temporalio/ui-server/v2/cmd/server',
  version: TEMPORAL_UI_VERSION,
  binary: 'server',
};

/** The schema directories of the server's module that temporal-sql-tool applies (`update-schema -d`). */
const SCHEMA_SUBDIRS = ['schema/postgresql/v12/temporal/versioned', 'schema/postgresql/v12/visibility/versioned'];

export interface TemporalServerBinaries {
  server: string;
  sqlTool: string;
  ui: string;
  /** Holds `postgresql/v12/{temporal,visibility}/versioned` of the same server release. */
  schemaDir: string;
}

export const projectRoot = fileURLToPath(new URL('..', import.meta.url));

/** The server config, templated from the environment; meant for docker-compose.yml too (see its header). */
export const serverConfigFile = path.join(projectRoot, 'deploy/temporal/config/production.yaml');
export const dynamicConfigFile = path.join(projectRoot, 'deploy/temporal/dynamicconfig/production.yaml');

/**
 * Builds what is missing, one at a time (each go build already uses every core). The server first: the SQL
 * tool reuses most of its compiled packages.
 */
export async function provisionTemporalServer(
  opts: { projectRoot?: string; progress?: Say } = {},
): Promise<TemporalServerBinaries> {
  const root = opts.projectRoot ?? projectRoot;
  const progress = opts.progress ?? stderrSay;
  const server = await provisionGoBinary(serverSpec, { projectRoot: root, progress });
  const sqlTool = await provisionGoBinary(sqlToolSpec, { projectRoot: root, progress });
  const schemaDir = await provisionSchema(root, progress);
  const ui = await provisionGoBinary(uiSpec, { projectRoot: root, progress });
  return { server, sqlTool, ui, schemaDir };
}

/**
 * Copies the versioned schema of this server release into `.cache/temporal-server/schema-<version>`. A copy
 * rather than a path into GOMODCACHE: `go clean -modcache` (or a CI cache that keeps only .cache/) would
 * otherwise break a cached server, and the copy stays paired with the binary built from the same version.
 */
async function provisionSchema(root: string, say: Say): Promise<string> {
  const target = path.join(root, '.cache', serverSpec.name, `schema-${TEMPORAL_SERVER_VERSION}`);
  if (await exists(path.join(target, 'postgresql/v12/visibility/versioned'))) return target;
  const source = await goModuleSourceDir(SERVER_MODULE, TEMPORAL_SERVER_VERSION, SERVER_GO_ENV);
  const staging = `${target}.tmp-${process.pid}`;
  await rm(staging, { recursive: true, force: true });
  for (const sub of SCHEMA_SUBDIRS) {
    await cp(path.join(source, sub), path.join(staging, path.relative('schema', sub)), { recursive: true });
  }
  // The module cache is read-only; the copy must stay removable.
  await makeWritable(staging);
  await rename(staging, target);
  say(`[temporal-server] schema of v${TEMPORAL_SERVER_VERSION} copied from ${source} → ${target}`);
  return target;
}

async function exists(file: string): Promise<boolean> {
  try {
    await stat(file);
    return true;
  } catch {
    return false;
  }
}

async function makeWritable(dir: string): Promise<void> {
  await chmod(dir, 0o755);
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) await makeWritable(full);
    else await chmod(full, 0o644);
  }
}

// ---- running the server ----

export interface TemporalServerPorts {
  frontend: number;
  frontendHttp: number;
  frontendMembership: number;
  history: number;
  historyMembership: number;
  matching: number;
  matchingMembership: number;
  worker: number;
  workerMembership: number;
}

/**
 * Nine distinct free ports: every service listens for gRPC and for membership (ringpop). Membership ports are
 * stored in cluster_membership.rpc_port, a SMALLINT in the PostgreSQL schema, so they stay below 32768.
 */
export async function freeServerPorts(): Promise<TemporalServerPorts> {
  const any = (): Promise<number> => freePort();
  const membership = (): Promise<number> => freePort('127.0.0.1', { max: MAX_MEMBERSHIP_PORT });
  return {
    frontend: await any(),
    frontendHttp: await any(),
    frontendMembership: await membership(),
    history: await any(),
    historyMembership: await membership(),
    matching: await any(),
    matchingMembership: await membership(),
    worker: await any(),
    workerMembership: await membership(),
  };
}

/** The largest value of a PostgreSQL SMALLINT. */
const MAX_MEMBERSHIP_PORT = 32_767;

/** Frontend TLS as files on disk, the way the config file takes them. */
export interface FrontendTlsFiles {
  certFile: string;
  keyFile: string;
  /** CA of the frontend certificate: trusted by the server's own system worker. */
  serverCaFile: string;
  /** Name in the frontend certificate, checked by the system worker. */
  serverName: string;
  /** mTLS: clients must present a certificate signed by this CA. */
  clientCaFile?: string;
  /** With mTLS, the system worker's own client certificate. */
  systemWorkerCertFile?: string;
  systemWorkerKeyFile?: string;
}

export interface TemporalServerOptions {
  serverPath: string;
  database: TemporalDatabase;
  ports?: TemporalServerPorts;
  /** Defaults to deploy/temporal/config/production.yaml. */
  configFile?: string;
  dynamicConfigFile?: string;
  /** Fixed for the life of a cluster: must match the first start on the same database. */
  numHistoryShards?: number;
  tls?: FrontendTlsFiles;
  /** What the readiness check presents when the frontend wants TLS (with mTLS, a client certificate). */
  clientTls?: TLSConfig;
  logFile?: string;
  logLevel?: 'debug' | 'info' | 'warn' | 'error';
  readyTimeoutMs?: number;
}

export interface RunningTemporalServer {
  address: string;
  ports: TemporalServerPorts;
  pid: number | undefined;
  stop(): Promise<void>;
}

/** The environment the config file reads (names: deploy/temporal/config/production.yaml). */
export function serverEnvironment(
  opts: Omit<TemporalServerOptions, 'serverPath' | 'ports'> & { ports: TemporalServerPorts },
): Record<string, string> {
  const db = TemporalDatabaseSchema.parse(opts.database);
  const { ports, tls } = opts;
  const env: Record<string, string> = {
    DB: 'postgres12',
    POSTGRES_SEEDS: db.host,
    DB_PORT: String(db.port),
    POSTGRES_USER: db.user,
    POSTGRES_PWD: db.password,
    DBNAME: db.temporalDb,
    VISIBILITY_DBNAME: db.visibilityDb,
    NUM_HISTORY_SHARDS: String(opts.numHistoryShards ?? 4),
    BIND_ON_IP: '127.0.0.1',
    LOG_LEVEL: opts.logLevel ?? 'info',
    DYNAMIC_CONFIG_FILE_PATH: opts.dynamicConfigFile ?? dynamicConfigFile,
    FRONTEND_GRPC_PORT: String(ports.frontend),
    FRONTEND_HTTP_PORT: String(ports.frontendHttp),
    FRONTEND_MEMBERSHIP_PORT: String(ports.frontendMembership),
    HISTORY_GRPC_PORT: String(ports.history),
    HISTORY_MEMBERSHIP_PORT: String(ports.historyMembership),
    MATCHING_GRPC_PORT: String(ports.matching),
    MATCHING_MEMBERSHIP_PORT: String(ports.matchingMembership),
    WORKER_GRPC_PORT: String(ports.worker),
    WORKER_MEMBERSHIP_PORT: String(ports.workerMembership),
    TEMPORAL_TLS_FRONTEND_ENABLED: tls ? 'true' : 'false',
  };
  if (tls) {
    Object.assign(env, {
      TEMPORAL_TLS_FRONTEND_CERT: tls.certFile,
      TEMPORAL_TLS_FRONTEND_KEY: tls.keyFile,
      TEMPORAL_TLS_SERVER_CA_CERT: tls.serverCaFile,
      TEMPORAL_TLS_FRONTEND_SERVER_NAME: tls.serverName,
      TEMPORAL_TLS_REQUIRE_CLIENT_AUTH: tls.clientCaFile ? 'true' : 'false',
      ...(tls.clientCaFile ? { TEMPORAL_TLS_CLIENT1_CA_CERT: tls.clientCaFile } : {}),
      ...(tls.systemWorkerCertFile ? { TEMPORAL_TLS_SYSTEM_WORKER_CERT: tls.systemWorkerCertFile } : {}),
      ...(tls.systemWorkerKeyFile ? { TEMPORAL_TLS_SYSTEM_WORKER_KEY: tls.systemWorkerKeyFile } : {}),
    });
  }
  return env;
}

/**
 * Runs `server --config-file … start` and resolves once the frontend answers describeNamespace for the
 * system namespace (which needs persistence up and every service joined). The child gets only PATH/HOME and
 * the config file's variables: a developer's own TEMPORAL_* or LOG_LEVEL must not change what it loads.
 */
export async function startTemporalServer(opts: TemporalServerOptions): Promise<RunningTemporalServer> {
  if (!(await isExecutable(opts.serverPath))) throw new Error(`Temporal server binary ${opts.serverPath} is missing`);
  const ports = opts.ports ?? (await freeServerPorts());
  const env = serverEnvironment({ ...opts, ports });
  const configFile = opts.configFile ?? serverConfigFile;
  const address = `127.0.0.1:${ports.frontend}`;
  const proc = spawnLogged(opts.serverPath, ['--config-file', configFile, '--allow-no-auth', 'start'], {
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/tmp', ...env },
    logFile: opts.logFile,
  });
  try {
    await retryUntil(
      'Temporal server readiness',
      opts.readyTimeoutMs ?? 120_000,
      async () => {
        const connection = await Connection.connect({
          address,
          connectTimeout: 2_000,
          ...(opts.clientTls ? { tls: opts.clientTls } : {}),
        });
        try {
          await connection.workflowService.describeNamespace({ namespace: 'temporal-system' });
        } finally {
          await connection.close();
        }
      },
      { giveUp: () => (proc.exited() ? `the server exited (code ${proc.child.exitCode})` : null) },
    );
  } catch (error) {
    await proc.stop(5_000);
    throw new Error(
      `The Temporal server did not start: ${(error as Error).message}\n--- server output (tail) ---\n${proc.tail()}`,
    );
  }
  return { address, ports, pid: proc.child.pid, stop: () => proc.stop() };
}
