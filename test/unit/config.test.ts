import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  applicationSettingNames,
  applicationSettings,
  ConfigError,
  parseEnv,
  resolveSecrets,
  resolveServices,
} from '../../app/config.js';

/**
 * One configuration for every process entry (app/config.ts): partner addresses and secrets are resolved the same
 * way by api-main, worker-main, `npm start`, `start:production` and the tests, and a process refuses to start
 * without an address it would call.
 */
const scratch = mkdtempSync(path.join(os.tmpdir(), 'config-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('partner service addresses', () => {
  it('an API needs PayPal (linking), a worker the supplier and PayPal; an empty setting counts as missing', () => {
    const empty = parseEnv({ SUPPLIER_BASE_URL: '', PAYPAL_BASE_URL: '' });
    expect(() => resolveServices(empty, { worker: false, api: true })).toThrow(ConfigError);
    expect(() => resolveServices(empty, { worker: false, api: true })).toThrow(/PAYPAL_BASE_URL is required/);
    expect(() =>
      resolveServices(parseEnv({ PAYPAL_BASE_URL: 'https://api-m.paypal.com' }), { worker: true, api: false }),
    ).toThrow(/SUPPLIER_BASE_URL is required/);
    expect(
      resolveServices(parseEnv({ PAYPAL_BASE_URL: 'https://api-m.paypal.com' }), { worker: false, api: true }),
    ).toEqual({
      paypal: 'https://api-m.paypal.com',
    });
  });

  it('configured addresses win over the simulators a runner started; the simulators fill the others', () => {
    const env = parseEnv({ PAYPAL_BASE_URL: 'https://api-m.paypal.com' });
    expect(
      resolveServices(
        env,
        { worker: true, api: true },
        { supplier: 'http://127.0.0.1:4001', paypal: 'http://127.0.0.1:4002' },
      ),
    ).toEqual({ supplier: 'http://127.0.0.1:4001', paypal: 'https://api-m.paypal.com' });
  });
});

describe('secrets', () => {
  it('production entries must be given OPERATOR_API_KEY and SECRETS_KEY', () => {
    expect(() => resolveSecrets(parseEnv({}))).toThrow(/OPERATOR_API_KEY is required/);
    expect(() => resolveSecrets(parseEnv({ OPERATOR_API_KEY: 'x'.repeat(20) }))).toThrow(/SECRETS_KEY is required/);
  });

  it('a development runner generates a missing one once and keeps it; the environment always wins', () => {
    const first = resolveSecrets(parseEnv({}), { keepIn: scratch });
    expect(resolveSecrets(parseEnv({}), { keepIn: scratch })).toEqual(first);
    expect(readFileSync(path.join(scratch, 'operator-key'), 'utf8').trim()).toBe(first.operatorKey);
    const given = resolveSecrets(parseEnv({ OPERATOR_API_KEY: 'operator-from-the-environment' }), { keepIn: scratch });
    expect(given).toEqual({ operatorKey: 'operator-from-the-environment', secretsKey: first.secretsKey });
  });
});

describe('application settings', () => {
  it('are every setting but the runners’ own, per-process and resolved ones, passed on as set', () => {
    expect(applicationSettingNames).toContain('FUNDS_RETRY_SCHEDULE');
    expect(applicationSettingNames).toContain('IDEMPOTENCY_TTL');
    for (const name of ['OPERATOR_API_KEY', 'DATABASE_URL', 'PORT', 'DATA_DIR', 'SUPPLIER_SIM_PORT'])
      expect(applicationSettingNames).not.toContain(name);
    expect(applicationSettings({ BANK_BIC: 'DEUTDEFF', CORS_ORIGINS: '', PORT: '1', UNRELATED: 'x' })).toEqual({
      BANK_BIC: 'DEUTDEFF',
    });
  });
});
