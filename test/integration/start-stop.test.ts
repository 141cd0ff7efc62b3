import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { BrowserSession } from '../support/browser-session.js';
import { HttpClient, waitFor } from '../../dev/http-client.js';
import { identify, type ProcessIdentity } from '../../dev/pid-files.js';
import { freePort, portIsFree } from '../../dev/ports.js';
import { shopSandboxes } from '../../simulators/shops.js';

/**
 * `npm start` as a person runs it (its entry, dev/start.ts, with a temporary DATA_DIR and free ports): it stops
 * everything it started whatever the signal sent to the node process alone; after a SIGKILL the next start stops
 * what was left and comes up normally; the banner appears only once the platform answers right (the catalogue is
 * listed at once); logs are pretty on a terminal and JSON when piped.
 */
const root = inject('projectRoot');
let dataDir: string;
const portNames = [
  'PORT',
  'TEMPORAL_PORT',
  'TEMPORAL_UI_PORT',
  'EMBEDDED_POSTGRES_PORT',
  'SUPPLIER_SIM_PORT',
  'PAYPAL_SIM_PORT',
  ...shopSandboxes.map((s) => s.port.variable),
];
let ports: Record<string, string>;

beforeAll(async () => {
  dataDir = mkdtempSync(path.join(os.tmpdir(), 'orders-start-'));
  chmodSync(dataDir, 0o755);
  ports = {};
  for (const name of portNames) ports[name] = String(await freePort());
});
/** Every run a test started: a test that fails half-way must not leave a platform running for the rest of the suite. */
const launched: ChildProcess[] = [];
/** The processes a run reported (node and its servers): found by identity, as a run's node may have been adopted by init. */
const reported: ProcessIdentity[] = [];
afterEach(() => {
  const pids = launched.splice(0).flatMap((child) => (child.pid ? [child.pid, ...descendants(child.pid)] : []));
  pids.push(
    ...reported
      .splice(0)
      .filter((p) => running(p))
      .map((p) => p.pid),
  );
  for (const pid of pids.reverse()) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
});
afterAll(() => {
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

interface Started {
  /** The npm start node process (under `script` for a terminal run). */
  nodePid: number;
  child: ChildProcess;
  output(): string;
  api: HttpClient;
  demoKey: string;
  /** The demo people the banner prints, to sign in to the console with. */
  people: { role: string | undefined; email: string | undefined; password: string | undefined }[];
  /** The processes it runs beside itself, as written in DATA_DIR/pids when they started. */
  children: ProcessIdentity[];
  exited: Promise<void>;
}

/** Every pid below `pid` (Linux /proc). */
function descendants(pid: number): number[] {
  const parentOf = new Map<number, number>();
  for (const entry of readdirSync('/proc').filter((e) => /^\d+$/.test(e))) {
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      parentOf.set(Number(entry), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
    } catch {
      // gone meanwhile
    }
  }
  const found: number[] = [];
  const walk = (p: number): void => {
    for (const [child, parent] of parentOf) {
      if (parent !== p) continue;
      found.push(child);
      walk(child);
    }
  };
  walk(pid);
  return found;
}

async function npmStart(opts: { tty?: boolean; throughNpm?: boolean } = {}): Promise<Started> {
  const env: NodeJS.ProcessEnv = { ...process.env, ...ports, DATA_DIR: dataDir, LOG_LEVEL: 'info' };
  delete env.DATABASE_URL;
  delete env.TEMPORAL_ADDRESS;
  const command = [process.execPath, '--import', 'tsx', path.join(root, 'dev/start.ts')];
  // `script` gives the process a terminal (a pseudo-tty), as a person's shell would.
  const child = opts.tty
    ? spawn('script', ['-qfec', command.join(' '), '/dev/null'], {
        cwd: root,
        env,
        detached: true,
        stdio: ['pipe', 'pipe', 'pipe'],
      })
    : opts.throughNpm
      ? spawn('npm', ['start'], { cwd: root, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] })
      : spawn(command[0] as string, command.slice(1), {
          cwd: root,
          env,
          detached: true,
          stdio: ['ignore', 'pipe', 'pipe'],
        });
  launched.push(child);
  let out = '';
  child.stdout?.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr?.on('data', (c: Buffer) => (out += c.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  await waitFor(
    'the start banner',
    async () =>
      out.includes('The platform is up') || (child.exitCode !== null ? Promise.reject(new Error(out)) : false),
    {
      timeoutMs: 180_000,
      intervalMs: 50,
    },
  );
  const nodePid =
    opts.tty || opts.throughNpm
      ? // The node process itself, not the shell npm runs the script through.
        (descendants(child.pid ?? 0).find((pid) => /(^|\/)node .*dev\/start\.ts/.test(identify(pid)?.command ?? '')) ??
        0)
      : (child.pid ?? 0);
  const demoKey = /key (mk_\S+)/.exec(out)?.[1] ?? '';
  const people = [...out.matchAll(/the demo (owner|operator)\s+(\S+@\S+)\s+password (\S+)/g)].map((m) => ({
    role: m[1],
    email: m[2],
    password: m[3],
  }));
  const apiUrl = /REST API\s+(http:\/\/\S+)/.exec(out)?.[1] ?? '';
  const pidDir = path.join(dataDir, 'pids');
  const children = readdirSync(pidDir).map(
    (f) => JSON.parse(readFileSync(path.join(pidDir, f), 'utf8')) as ProcessIdentity,
  );
  const node = identify(nodePid);
  reported.push(...children, ...(node ? [node] : []));
  return { nodePid, child, output: () => out, api: new HttpClient(apiUrl), demoKey, people, children, exited };
}

const running = (p: ProcessIdentity): boolean => {
  const now = identify(p.pid);
  return now !== null && now.startedAt === p.startedAt;
};

async function expectNothingLeft(started: Started): Promise<void> {
  await waitFor(
    'every process to be gone',
    async () =>
      !running({ pid: started.nodePid, command: '', startedAt: identify(started.nodePid)?.startedAt ?? 'gone' }) ||
      false,
    {
      timeoutMs: 60_000,
    },
  ).catch(() => undefined);
  await started.exited;
  // The node process may be gone a moment before the last child it stopped has fully exited.
  await waitFor('every child to be gone', async () => started.children.every((c) => !running(c)) || false, {
    timeoutMs: 30_000,
  }).catch(() => undefined);
  expect(identify(started.nodePid)).toBeNull();
  expect(started.children.map((c) => c.command.split(' ')[0]?.split('/').pop()).sort()).toEqual([
    'postgres',
    'temporal-1.5.1',
  ]);
  for (const c of started.children) expect(running(c), `${c.command.slice(0, 80)} still running`).toBe(false);
  for (const [name, port] of Object.entries(ports))
    expect(await portIsFree(Number(port)), `${name} ${port} still taken`).toBe(true);
  expect(existsSync(path.join(dataDir, 'pids')) ? readdirSync(path.join(dataDir, 'pids')) : []).toEqual([]);
}

// Each start waits up to 180 s for its banner and each stop up to 60 s; one test starts twice. On 2 cores beside
// the kill test a start takes tens of seconds, more than the integration default of 120 s allows for two.
describe('npm start', { timeout: 480_000 }, () => {
  it('cold start: the banner comes once the catalogue is synced (products listed at once); piped logs are JSON; SIGTERM stops everything', async () => {
    const started = await npmStart();
    const products = await started.api.get('/v1/products', { key: started.demoKey });
    expect(products.status).toBe(200);
    expect(products.body.items.length).toBeGreaterThan(0);
    expect((await started.api.get('/readyz')).body).toMatchObject({ status: 'ready', catalog: 'ok' });
    const logLines = started
      .output()
      .split('\n')
      .filter((l) => l.startsWith('{'));
    expect(logLines.length).toBeGreaterThan(3);
    for (const line of logLines)
      expect(JSON.parse(line)).toMatchObject({ level: expect.any(Number), msg: expect.any(String) });
    process.kill(started.nodePid, 'SIGTERM');
    await expectNothingLeft(started);
  });

  for (const signal of ['SIGINT', 'SIGHUP'] as const) {
    it(`${signal} to the node process alone stops the Temporal server, PostgreSQL and the simulators`, async () => {
      const started = await npmStart();
      for (const c of started.children) expect(running(c)).toBe(true);
      process.kill(started.nodePid, signal);
      await expectNothingLeft(started);
    });
  }

  it('SIGTERM to npm itself (npm 11 does not pass it on to the script) still stops everything', async () => {
    const started = await npmStart({ throughNpm: true });
    const npm = started.child.pid ?? 0;
    expect(npm).not.toBe(started.nodePid);
    process.kill(npm, 'SIGTERM');
    await expectNothingLeft(started);
  });

  it('after a SIGKILL of node, the next start stops what was left (by its pid files) and starts normally', async () => {
    const killed = await npmStart();
    process.kill(killed.nodePid, 'SIGKILL');
    await killed.exited;
    // Orphans now: still running, still holding their ports.
    for (const c of killed.children) expect(running(c)).toBe(true);
    expect(await portIsFree(Number(ports.TEMPORAL_PORT))).toBe(false);

    const again = await npmStart();
    expect(again.output()).toMatch(/stopped what a previous run left running: .*(postgres|temporal)/);
    for (const c of killed.children) expect(running(c)).toBe(false);
    expect((await again.api.get('/v1/products', { key: again.demoKey })).body.items.length).toBeGreaterThan(0);
    // The demo owner and operator: printed with their passwords, the same on every start of the same DATA_DIR.
    expect(again.people.map((p) => [p.role, p.email])).toEqual([
      ['owner', 'owner@demo.example'],
      ['operator', 'operator@demo.example'],
    ]);
    expect(again.people).toEqual(killed.people);
    for (const person of again.people) {
      const browser = new BrowserSession(again.api);
      expect((await browser.signIn(person.email ?? '', person.password ?? '')).status).toBe(201);
      expect((await browser.get('/v1/me')).body.principal.role).toBe(person.role);
    }
    process.kill(again.nodePid, 'SIGTERM');
    await expectNothingLeft(again);
  });

  it('on a terminal, logs are pretty, one line per event; SIGTERM still stops everything', async () => {
    const started = await npmStart({ tty: true });
    // eslint-disable-next-line no-control-regex
    const plain = started.output().replace(/\u001b\[[0-9;]*m/g, '');
    const logLines = plain.split(/\r?\n/).filter((l) => /^\[\d{2}:\d{2}:\d{2}\] (INFO|WARN|ERROR)/.test(l));
    expect(logLines.length).toBeGreaterThan(0);
    expect(plain).not.toMatch(/^\{"level"/m);
    // One line per event: every line of the output is a start step, a log line, or the banner.
    expect(logLines.some((l) => /INFO \(dropship\): Workflow bundle created/.test(l))).toBe(true);
    const stray = plain.split(/\r?\n/).filter((l) => /^\s+"|^\s+at |^orphan modules|^modules by path/.test(l));
    expect(stray).toEqual([]);
    process.kill(started.nodePid, 'SIGTERM');
    await expectNothingLeft(started);
  });
});
