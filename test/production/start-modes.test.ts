import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { HttpClient, waitFor } from '../../dev/http-client.js';
import { freePort, freePortBlock } from '../../dev/ports.js';
import { projectRoot } from '../../dev/temporal-server.js';
import { shopSandboxes } from '../../simulators/shops.js';

/**
 * The settings docs/configuration.md lists mean the same under `npm run start:production` and `npm start` (and compose, whose
 * file passes every application setting through: test/unit/docker-compose.test.ts). Both commands are run as a
 * person runs them, with the same settings — the root key among them — and the platform is asked what it made of
 * them: the root key works and no other was generated, the bank details and the top-up minimum are the ones set,
 * the browser origin is allowed.
 */
const say = (line: string): void => void process.stderr.write(`[start-modes] ${line}\n`);
const scratch = mkdtempSync(path.join(os.tmpdir(), 'start-modes-'));
chmodSync(scratch, 0o755);
const launched: ChildProcess[] = [];
afterAll(() => {
  for (const child of launched) {
    if (child.exitCode === null && child.signalCode === null && child.pid) {
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        // gone
      }
    }
  }
  rmSync(scratch, { recursive: true, force: true });
});

/** The same settings for both ways to run. */
const settings = {
  OPERATOR_API_KEY: `root-${randomBytes(12).toString('hex')}`,
  SECRETS_KEY: randomBytes(32).toString('base64'),
  BANK_IBAN: 'IT60X0542811101000000123456',
  BANK_BIC: 'BPPIITRRXXX',
  BANK_BENEFICIARY: 'Start Modes SRL',
  TOP_UP_MIN: '2000',
  CORS_ORIGINS: 'https://console.example.com',
  LOG_LEVEL: 'warn',
};

async function ports(): Promise<Record<string, string>> {
  const named: Record<string, number> = {
    PORT: await freePortBlock(2),
    METRICS_PORT: await freePortBlock(14),
    TEMPORAL_PORT: await freePort(),
    TEMPORAL_UI_PORT: await freePort(),
    EMBEDDED_POSTGRES_PORT: await freePort(),
    SUPPLIER_SIM_PORT: await freePort(),
    PAYPAL_SIM_PORT: await freePort(),
  };
  for (const sandbox of shopSandboxes) named[sandbox.port.variable] = await freePort();
  return Object.fromEntries(Object.entries(named).map(([k, v]) => [k, String(v)]));
}

interface Run {
  api: HttpClient;
  output(): string;
  stop(): Promise<void>;
}

async function launch(
  entry: 'dev/start.ts' | 'dev/start-production.ts',
  dataDir: string,
  banner: string,
): Promise<Run> {
  const env: NodeJS.ProcessEnv = { ...process.env, ...(await ports()), ...settings, DATA_DIR: dataDir };
  for (const name of ['DATABASE_URL', 'TEMPORAL_ADDRESS', 'SUPPLIER_BASE_URL', 'PAYPAL_BASE_URL']) delete env[name];
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(projectRoot, entry)], {
    cwd: projectRoot,
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
    `${entry}'s banner`,
    async () => out.includes(banner) || child.exitCode !== null || child.signalCode !== null,
    {
      timeoutMs: 600_000,
      intervalMs: 100,
    },
  );
  if (!out.includes(banner))
    throw new Error(`${entry} exited (${child.exitCode ?? child.signalCode}) before its banner:\n${out.slice(-4000)}`);
  return {
    api: new HttpClient(`http://127.0.0.1:${env.PORT}`),
    output: () => out,
    async stop() {
      child.kill('SIGTERM');
      await exited;
    },
  };
}

/** What the platform made of the settings, asked through its API as a client would. */
async function observe(api: HttpClient): Promise<Record<string, unknown>> {
  const merchant = await api.post('/v1/merchants', { name: 'Settings check' }, { key: settings.OPERATOR_API_KEY });
  const key = merchant.body.apiKey as string;
  const tooSmall = await api.post(
    '/v1/wallet/top-ups',
    { method: 'bank_transfer', amount: 1_500, currency: 'EUR' },
    {
      key,
    },
  );
  const transfer = await api.post(
    '/v1/wallet/top-ups',
    { method: 'bank_transfer', amount: 5_000, currency: 'EUR' },
    {
      key,
    },
  );
  const preflight = await api.request('OPTIONS', '/v1/orders', {
    headers: {
      origin: settings.CORS_ORIGINS,
      'access-control-request-method': 'POST',
      'access-control-request-headers': 'authorization,content-type',
    },
  });
  return {
    'root key creates a merchant': merchant.status,
    'top-up of €15.00': `${tooSmall.status} ${tooSmall.body?.error?.code}`,
    'top-up of €50.00': transfer.status,
    'bank details answered': transfer.body?.bankTransfer
      ? [transfer.body.bankTransfer.iban, transfer.body.bankTransfer.bic, transfer.body.bankTransfer.beneficiary]
      : transfer.text,
    'CORS origin allowed': preflight.headers.get('access-control-allow-origin'),
  };
}

const expected = {
  'root key creates a merchant': 201,
  'top-up of €15.00': '422 AMOUNT_OUT_OF_RANGE',
  'top-up of €50.00': 201,
  'bank details answered': [settings.BANK_IBAN, settings.BANK_BIC, settings.BANK_BENEFICIARY],
  'CORS origin allowed': settings.CORS_ORIGINS,
};

describe('the same settings under every way to run', { timeout: 1_200_000 }, () => {
  it('start:production honours OPERATOR_API_KEY and the rest, as npm start does', async () => {
    const production = await launch(
      'dev/start-production.ts',
      path.join(scratch, 'production'),
      'The production topology is up',
    );
    let seen: Record<string, unknown>;
    try {
      seen = await observe(production.api);
      say(`start:production: ${JSON.stringify(seen)}`);
      expect(production.output()).toContain(`Operator key    ${settings.OPERATOR_API_KEY}`);
    } finally {
      await production.stop();
    }
    expect(seen).toEqual(expected);
    // The key given was used: none was generated and kept beside the state.
    expect(existsSync(path.join(scratch, 'production', 'production', 'operator-key'))).toBe(false);
    expect(existsSync(path.join(scratch, 'production', 'production', 'secrets-key'))).toBe(false);

    const single = await launch('dev/start.ts', path.join(scratch, 'single'), 'The platform is up');
    try {
      seen = await observe(single.api);
      say(`npm start:        ${JSON.stringify(seen)}`);
      expect(single.output()).toContain(`Operator key    ${settings.OPERATOR_API_KEY}`);
    } finally {
      await single.stop();
    }
    expect(seen).toEqual(expected);
    expect(existsSync(path.join(scratch, 'single', 'operator-key'))).toBe(false);
  });
});
