import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdirSync } from 'node:fs';
import path from 'node:path';
import { Connection } from '@temporalio/client';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { searchAttributeKeys, searchAttributeRegistrations } from '../domain/search-attributes.js';
import { portIsFree } from './ports.js';

/**
 * Runs the real Temporal dev server (server + Web UI in one binary) with the project's search attributes.
 * With a CLI binary we spawn it ourselves and wait for it properly; without one we let the SDK download
 * and manage it.
 */
export interface DevServerOptions {
  cliPath: string | null;
  ip?: string;
  port: number;
  /** null: no Web UI. */
  uiPort: number | null;
  /** Persist workflows across restarts; in memory when absent. */
  dbFile?: string;
  namespace?: string;
  /** Where the server's own output goes (it is chatty). */
  logFile?: string;
  /** SQLite tuned for speed (tests, benchmarks): WAL and no fsync. */
  fast?: boolean;
  readyTimeoutMs?: number;
  /** Called as soon as the server process exists (before it is ready), e.g. to write its pid down. */
  onSpawn?: (pid: number) => void;
  /** Server dynamic config, e.g. a low continue-as-new threshold so tests exercise it. */
  dynamicConfig?: Record<string, string | number | boolean>;
}

export interface RunningTemporal {
  address: string;
  uiUrl: string | null;
  /** The server process when we spawned it (null when the SDK manages it). */
  pid: number | null;
  stop(): Promise<void>;
}

export async function startTemporalDevServer(opts: DevServerOptions): Promise<RunningTemporal> {
  const ip = opts.ip ?? '127.0.0.1';
  const namespace = opts.namespace ?? 'default';
  if (!(await portIsFree(opts.port, ip))) {
    throw new Error(
      `Port ${opts.port} is taken: another Temporal server is running? Set TEMPORAL_PORT, or TEMPORAL_ADDRESS to use it.`,
    );
  }
  if (opts.uiPort !== null && !(await portIsFree(opts.uiPort, ip))) {
    throw new Error(`Port ${opts.uiPort} for the Temporal UI is taken: set TEMPORAL_UI_PORT.`);
  }
  const address = `${ip}:${opts.port}`;
  const uiUrl = opts.uiPort === null ? null : `http://${ip === '0.0.0.0' ? '127.0.0.1' : ip}:${opts.uiPort}`;
  const dynamic = Object.entries(opts.dynamicConfig ?? {}).flatMap(([k, v]) => [
    '--dynamic-config-value',
    `${k}=${JSON.stringify(v)}`,
  ]);
  const pragmas = opts.fast
    ? ['--sqlite-pragma', 'journal_mode=WAL', '--sqlite-pragma', 'synchronous=OFF']
    : ['--sqlite-pragma', 'journal_mode=WAL'];

  if (opts.cliPath === null) {
    const env = await TestWorkflowEnvironment.createLocal({
      server: {
        ip,
        port: opts.port,
        namespace,
        ...(opts.uiPort === null ? { ui: false } : { ui: true, uiPort: opts.uiPort }),
        ...(opts.dbFile ? { dbFilename: opts.dbFile } : {}),
        searchAttributes: [...searchAttributeKeys],
        extraArgs: [...pragmas, ...dynamic],
      },
    });
    return { address, uiUrl, pid: null, stop: () => env.teardown() };
  }

  const args = [
    'server',
    'start-dev',
    '--ip',
    ip,
    '--port',
    String(opts.port),
    '--namespace',
    namespace,
    '--log-level',
    'warn',
    ...pragmas,
    ...dynamic,
  ];
  args.push(...(opts.uiPort === null ? ['--headless'] : ['--ui-port', String(opts.uiPort)]));
  if (opts.dbFile) {
    mkdirSync(path.dirname(opts.dbFile), { recursive: true });
    args.push('--db-filename', opts.dbFile);
  }
  for (const [name, type] of Object.entries(searchAttributeRegistrations))
    args.push('--search-attribute', `${name}=${type}`);

  const child = spawn(opts.cliPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  if (child.pid !== undefined) opts.onSpawn?.(child.pid);
  let output = '';
  const sink = opts.logFile ? createWriteStream(opts.logFile, { flags: 'a' }) : null;
  const collect = (chunk: Buffer): void => {
    output = `${output}${chunk.toString('utf8')}`.slice(-8000);
    sink?.write(chunk);
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  let exited: number | null | undefined;
  child.on('exit', (code) => {
    exited = code;
  });

  try {
    await waitUntilServing(address, namespace, opts.readyTimeoutMs ?? 120_000, () => exited !== undefined);
  } catch (error) {
    await stopChild(child);
    throw new Error(`The Temporal dev server did not start: ${(error as Error).message}\n${output}`);
  }
  return {
    address,
    uiUrl,
    pid: child.pid ?? null,
    stop: async () => {
      await stopChild(child);
      sink?.end();
    },
  };
}

async function waitUntilServing(
  address: string,
  namespace: string,
  timeoutMs: number,
  died: () => boolean,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    if (died()) throw new Error('the process exited');
    try {
      const connection = await Connection.connect({ address, connectTimeout: 2_000 });
      try {
        await connection.workflowService.describeNamespace({ namespace });
        return;
      } finally {
        await connection.close();
      }
    } catch (error) {
      lastError = error;
      await new Promise((r) => setTimeout(r, 250));
    }
  }
  throw new Error(`not serving after ${timeoutMs} ms: ${(lastError as Error | undefined)?.message ?? 'no answer'}`);
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timeout = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timeout);
}
