import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnLogged, type LoggedChild } from '../../dev/child-process.js';
import { startPostgres, type RunningPostgres } from '../../dev/postgres.js';
import { ensureBuilt } from '../../dev/production-topology.js';
import { provisionTemporalCli } from '../../dev/temporal-cli.js';
import { freePort } from '../../dev/ports.js';
import { startTemporalDevServer, type RunningTemporal } from '../../dev/temporal-dev-server.js';
import { projectRoot } from '../../dev/temporal-server.js';
import { createSupplierSimulator } from '../../simulators/supplier/index.js';

/**
 * The production entry points (dist/app/*-main.js, as docker-compose and start:production run them) started
 * before their dependencies: they wait, log every attempt, and go on when PostgreSQL and then Temporal appear.
 * And a production worker starts on the prebuilt workflow bundle (no webpack), or refuses to start without it.
 */
const say = (line: string): void => void process.stderr.write(`[startup] ${line}\n`);
let scratch: string;
const children: LoggedChild[] = [];
const logFiles = new Map<LoggedChild, string>();
let postgres: RunningPostgres | null = null;
let temporal: RunningTemporal | null = null;
/** The API is ready once the worker has copied the supplier's catalogue: a supplier must answer. */
let supplier: { url: string; close(): Promise<void> } | null = null;

beforeAll(async () => {
  scratch = mkdtempSync(path.join(os.tmpdir(), 'startup-test-'));
  chmodSync(scratch, 0o755);
  await ensureBuilt(say);
  supplier = await createSupplierSimulator({ apiKey: 'sandbox-supplier-key' }).listen(0, '127.0.0.1');
});

afterAll(async () => {
  for (const child of children) await child.stop(5_000);
  await temporal?.stop();
  await postgres?.stop();
  await supplier?.close();
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

function start(entry: 'api-main' | 'worker-main', env: Record<string, string>): LoggedChild {
  const logFile = path.join(scratch, `${entry}-${children.length}.log`);
  const child = spawnLogged(process.execPath, [path.join(projectRoot, 'dist/app', `${entry}.js`)], {
    cwd: projectRoot,
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '/tmp',
      NODE_ENV: 'production',
      LOG_LEVEL: 'info',
      ...env,
    },
    logFile,
  });
  children.push(child);
  logFiles.set(child, logFile);
  return child;
}

/** The log lines of a child, parsed (pino JSON). */
function lines(child: LoggedChild): {
  msg?: string;
  attempt?: number;
  retryInMs?: number;
  dependency?: string;
  loadMs?: number;
  workflowCode?: string;
}[] {
  const file = logFiles.get(child)!;
  return (existsSync(file) ? readFileSync(file, 'utf8') : '')
    .split('\n')
    .filter((l) => l.startsWith('{') && l.endsWith('}'))
    .map((l) => JSON.parse(l) as Record<string, never>);
}

async function until<T>(
  what: string,
  check: () => T | undefined | false | Promise<T | undefined | false>,
  timeoutMs = 90_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe('production processes started before their dependencies', () => {
  it('a worker and an API wait for PostgreSQL, then for Temporal, logging each attempt, and then serve', async () => {
    const pgPort = await freePort();
    const temporalPort = await freePort();
    const apiPort = await freePort();
    const common = {
      DATABASE_URL: `postgres://postgres:postgres@127.0.0.1:${pgPort}/orders`,
      TEMPORAL_ADDRESS: `127.0.0.1:${temporalPort}`,
      TEMPORAL_TASK_QUEUE: `startup-${randomBytes(3).toString('hex')}`,
      SUPPLIER_BASE_URL: supplier!.url,
      PAYPAL_BASE_URL: 'http://127.0.0.1:9',
      OPERATOR_API_KEY: 'startup-test-operator-key',
      SECRETS_KEY: randomBytes(32).toString('base64'),
    };
    const startedAt = Date.now();
    const worker = start('worker-main', {
      ...common,
      METRICS_PORT: String(await freePort()),
      TEMPORAL_METRICS_PORT: String(await freePort()),
    });
    const api = start('api-main', {
      ...common,
      PORT: String(apiPort),
      HOST: '127.0.0.1',
      METRICS_PORT: String(await freePort()),
    });

    // Nothing is up: both retry, with growing pauses, and stay alive.
    const pgRetries = (child: LoggedChild) =>
      lines(child).filter((l) => l.dependency === 'PostgreSQL (migrations)' && l.attempt);
    await until(
      'three attempts each at PostgreSQL',
      () => pgRetries(worker).length >= 3 && pgRetries(api).length >= 3,
      60_000,
    );
    for (const child of [worker, api]) {
      expect(child.exited()).toBe(false);
      const delays = pgRetries(child).map((l) => l.retryInMs!);
      expect(delays[1]!).toBeGreaterThan(delays[0]!);
    }
    say(
      `before PostgreSQL: worker ${pgRetries(worker).length} attempts, API ${pgRetries(api).length} attempts (pauses ${pgRetries(
        worker,
      )
        .map((l) => l.retryInMs)
        .join(', ')} ms)`,
    );

    // PostgreSQL comes: the migrations run, then Temporal is what they wait for.
    postgres = await startPostgres({
      dataDir: path.join(scratch, 'pg'),
      port: pgPort,
      database: 'orders',
      ephemeral: true,
    });
    const temporalRetries = (child: LoggedChild) =>
      lines(child).filter((l) => l.dependency?.startsWith('Temporal') && l.attempt);
    await until('attempts at Temporal', () => temporalRetries(worker).length >= 2 && temporalRetries(api).length >= 2);
    expect(worker.exited() || api.exited()).toBe(false);

    // Temporal comes: the worker polls, the API answers.
    const cliPath = await provisionTemporalCli({
      projectRoot,
      explicitPath: process.env.TEMPORAL_CLI_PATH,
      progress: say,
    });
    temporal = await startTemporalDevServer({ cliPath, port: temporalPort, uiPort: null, fast: true });
    await until('the worker polling', () => lines(worker).some((l) => l.msg === 'worker polling'));
    await until('the API listening', () => lines(api).some((l) => l.msg === 'API listening'));
    // Ready once the worker's first catalogue sync went through (the API's readiness waits for it).
    await until('the API ready', async () => (await fetch(`http://127.0.0.1:${apiPort}/readyz`)).status === 200);
    say(
      `worker: ${temporalRetries(worker).length} attempts at Temporal, then polling; API ready; ${((Date.now() - startedAt) / 1000).toFixed(1)} s in all`,
    );

    // The worker ran the prebuilt bundle, without webpack.
    const loaded = lines(worker).find((l) => l.msg === 'workflow code loaded');
    expect(loaded?.workflowCode).toMatch(/^prebuilt bundle .*dist\/workflow-bundle\.js$/);
    say(`workflow code: ${loaded?.workflowCode}, loaded in ${loaded?.loadMs} ms`);
  });

  it('a production worker without the prebuilt bundle refuses to start instead of bundling for seconds', async () => {
    const worker = start('worker-main', {
      DATABASE_URL: postgres!.url,
      TEMPORAL_ADDRESS: temporal!.address,
      SUPPLIER_BASE_URL: 'http://127.0.0.1:9',
      PAYPAL_BASE_URL: 'http://127.0.0.1:9',
      WORKFLOW_BUNDLE_PATH: path.join(scratch, 'missing-bundle.js'),
      SECRETS_KEY: randomBytes(32).toString('base64'),
      METRICS_PORT: String(await freePort()),
      TEMPORAL_METRICS_PORT: String(await freePort()),
    });
    await until('the worker to exit', () => worker.exited());
    expect(worker.child.exitCode).toBe(1);
    expect(worker.tail()).toContain('missing-bundle.js is missing: run `npm run build`');
  });
});
