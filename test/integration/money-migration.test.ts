import { createHash, randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { runner } from 'node-pg-migrate';
import pg from 'pg';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { parseEnv } from '../../app/config.js';
import { startPlatform, type RunningPlatform } from '../../app/platform.js';
import { HttpClient } from '../../dev/http-client.js';
import { createDatabaseAt } from '../../dev/postgres.js';
import { OPERATOR_KEY, SECRETS_KEY } from '../support/stack.js';

/**
 * The money migration on a database written by the previous version: existing merchant keys keep working, old
 * top-ups stay as history (kind top_up, marked legacy, no topUpId), vault ids merchants typed in are dropped,
 * and from then on the database itself refuses a credit that traces back to nothing.
 */
const legacyKey = `mk_${randomBytes(32).toString('base64url')}`;
/** A key the previous version showed in an answer it kept for Idempotency-Key replays: in clear. */
const storedKey = `mk_${randomBytes(32).toString('base64url')}`;
let databaseUrl: string;
let platform: RunningPlatform;
let api: HttpClient;
let db: pg.Pool;

beforeAll(async () => {
  databaseUrl = await createDatabaseAt(inject('postgresUrl'), `t_mig_${randomBytes(4).toString('hex')}`);
  // The schema as the previous version left it: the two migrations before this one.
  await runner({
    databaseUrl,
    dir: fileURLToPath(new URL('../../db/migrations', import.meta.url)),
    direction: 'up',
    count: 2,
    migrationsTable: 'pgmigrations',
    log: () => undefined,
  });
  db = new pg.Pool({ connectionString: databaseUrl, max: 2 });
  await db.query(
    `INSERT INTO merchants (id, name, api_key_hash, api_key_prefix) VALUES ('mer_legacy', 'Old shop', $1, $2)`,
    [createHash('sha256').update(legacyKey).digest('hex'), legacyKey.slice(0, 7)],
  );
  await db.query(
    `INSERT INTO wallets (merchant_id, currency, balance, reserved) VALUES ('mer_legacy', 'EUR', 7000, 0)`,
  );
  await db.query(
    `INSERT INTO wallet_transactions (merchant_id, kind, amount, currency, balance_delta, reserved_delta, balance_after, reserved_after, reference, idempotency_key)
     VALUES ('mer_legacy', 'top_up', 10000, 'EUR', 10000, 0, 10000, 0, 'typed-by-the-merchant', 'top-up:typed-by-the-merchant'),
            ('mer_legacy', 'hold', 3000, 'EUR', 0, 3000, 10000, 3000, NULL, 'order:o1:hold:1')`,
  );
  await db.query(
    `INSERT INTO wallet_transactions (merchant_id, kind, amount, currency, balance_delta, reserved_delta, balance_after, reserved_after, order_id, idempotency_key, settles)
     VALUES ('mer_legacy', 'capture', 3000, 'EUR', -3000, -3000, 7000, 0, 'o1', 'order:o1:capture:1', 'order:o1:hold:1')`,
  );
  await db.query(
    `INSERT INTO merchant_settings (merchant_id, paypal_enabled, paypal_vault_id) VALUES ('mer_legacy', true, 'someone-elses-vault')`,
  );
  await db.query(
    `INSERT INTO idempotency_keys (principal, key, method, path, request_hash, status_code, response)
     VALUES ('operator:root', 'legacy-create', 'POST', '/v1/merchants', $1, 201, $2)`,
    [
      createHash('sha256')
        .update(JSON.stringify({ name: 'Kept answer' }))
        .digest('hex'),
      JSON.stringify({ id: 'mer_kept', name: 'Kept answer', apiKey: storedKey, keyId: 'key_kept' }),
    ],
  );

  // The new version starts on it (migrating it) and serves it.
  platform = await startPlatform({
    env: parseEnv({
      OPERATOR_API_KEY: OPERATOR_KEY,
      SECRETS_KEY,
      LOG_LEVEL: 'warn',
      TEMPORAL_TASK_QUEUE: `mig-${randomBytes(3).toString('hex')}`,
    }),
    logger: pino({ level: 'warn' }, pino.destination(2)),
    databaseUrl,
    temporalAddress: inject('temporalAddress'),
    simulated: { paypal: 'http://127.0.0.1:9' },
    worker: false,
    api: true,
    apiPort: 0,
    apiHost: '127.0.0.1',
  });
  api = new HttpClient(platform.apiUrl ?? '');
});
afterAll(async () => {
  await platform?.stop();
  await db?.end();
});

describe('migrating existing money data', () => {
  it("keeps the merchant's existing key working, listed masked among its keys", async () => {
    expect((await api.get('/v1/wallet', { key: legacyKey })).body).toEqual({
      balance: 7000,
      reserved: 0,
      available: 7000,
      currency: 'EUR',
    });
    const keys = (await api.get('/v1/api-keys', { key: legacyKey })).body.items;
    expect(keys).toEqual([
      expect.objectContaining({
        kind: 'merchant',
        merchantId: 'mer_legacy',
        display: `${legacyKey.slice(0, 7)}…`,
        revokedAt: null,
      }),
    ]);
  });

  it('keeps old top-ups as history: kind top_up, marked legacy, without a topUpId; the ledger still sums to the balance', async () => {
    const items = (await api.get('/v1/wallet/transactions', { key: legacyKey })).body.items;
    expect(items.map((t: any) => [t.kind, t.legacy, t.topUpId])).toEqual([
      ['capture', false, null],
      ['hold', false, null],
      ['top_up', true, null],
    ]);
    expect(items.reduce((sum: number, t: any) => sum + t.balanceDelta, 0)).toBe(7000);
  });

  it('drops the vault id the merchant typed in and switches the PayPal fallback off', async () => {
    expect((await api.get('/v1/settings', { key: legacyKey })).body.paypal).toEqual({
      enabled: false,
      linked: false,
      account: null,
      pendingLink: null,
    });
  });

  it('masks the API keys kept in stored Idempotency-Key answers; the replay says the key was shown once', async () => {
    const { rows } = await db.query(`SELECT response::text AS r FROM idempotency_keys WHERE key = 'legacy-create'`);
    expect(rows[0].r).not.toContain(storedKey);
    const replay = await api.post(
      '/v1/merchants',
      { name: 'Kept answer' },
      { key: OPERATOR_KEY, headers: { 'idempotency-key': 'legacy-create' } },
    );
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    expect(replay.body).toEqual({
      id: 'mer_kept',
      name: 'Kept answer',
      apiKey: `${storedKey.slice(0, 7)}…${storedKey.slice(-4)}`,
      keyId: 'key_kept',
      secretsShownOnce: ['apiKey'],
    });
  });

  it('refuses, in the database itself, a new credit that traces back to no top-up and no audited adjustment', async () => {
    const untraced = db.query(
      `INSERT INTO wallet_transactions (merchant_id, kind, amount, currency, balance_delta, reserved_delta, balance_after, reserved_after, idempotency_key)
       VALUES ('mer_legacy', 'top_up', 100, 'EUR', 100, 0, 7100, 0, 'top-up:sneaky')`,
    );
    await expect(untraced).rejects.toThrow(/wallet_transactions_top_up_traced/);
    const unaudited = db.query(
      `INSERT INTO wallet_transactions (merchant_id, kind, amount, currency, balance_delta, reserved_delta, balance_after, reserved_after, idempotency_key)
       VALUES ('mer_legacy', 'adjustment', 100, 'EUR', 100, 0, 7100, 0, 'adjustment:sneaky')`,
    );
    await expect(unaudited).rejects.toThrow(/wallet_transactions_adjustment_audited/);
  });
});
