import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../../dev/http-client.js';
import { PayPalSimulatorAdmin } from '../../simulators/paypal/admin-client.js';
import { shopSandboxes } from '../../simulators/shops.js';
import { idempotencyPurgeScheduleId } from '../../worker/maintenance-schedule.js';
import { BrowserSession } from '../support/browser-session.js';
import { linkPayPal, orderInput, waitForStatus } from '../support/fixtures.js';
import { describeScan, scanDatabaseForSecrets } from '../support/secrets-scan.js';
import { OPERATOR_KEY, PAYPAL_SECRET, SECRETS_KEY, startStack, SUPPLIER_KEY, type Stack } from '../support/stack.js';
import { deliverWebhook, shopPayload } from '../support/webhooks.js';

/**
 * No secret at rest in clear: a full scenario through the API (merchants, every kind of key, shop connections with
 * their webhook secrets and credentials, a rotation, PayPal linked through its vault, top-ups by PayPal and by bank
 * transfer, orders charged to the wallet and to PayPal, shop webhooks; key-creating calls sent with an
 * Idempotency-Key and replayed; people with set-up links, passwords and sessions), then every column of every
 * table of the platform's database is read for every secret the scenario created or was configured with. And Idempotency-Key records expire and are purged.
 */
let stack: Stack;
let shortLived: Stack;
beforeAll(async () => {
  [stack, shortLived] = await Promise.all([startStack(), startStack({ env: { IDEMPOTENCY_TTL: '2s' } })]);
});
afterAll(async () => {
  await stack?.stop();
  await shortLived?.stop();
});

const idem = (key: string, apiKey: string) => ({ key: apiKey, headers: { 'idempotency-key': key } });

describe('secrets at rest', () => {
  it(
    'a full scenario leaves no secret in clear in any table or column of PostgreSQL',
    { timeout: 180_000 },
    async () => {
      const api = stack.api;
      const secrets: Record<string, string> = {
        'root operator key (OPERATOR_API_KEY)': OPERATOR_KEY,
        SECRETS_KEY: SECRETS_KEY,
        PAYPAL_CLIENT_SECRET: PAYPAL_SECRET,
        SUPPLIER_API_KEY: SUPPLIER_KEY,
      };

      // Keys of every kind, each created with an Idempotency-Key (so each answer is stored) and replayed once.
      const merchant = await api.post('/v1/merchants', { name: 'Scan shop' }, idem('scan-merchant', OPERATOR_KEY));
      expect(merchant.status).toBe(201);
      const m = { id: merchant.body.id as string, key: merchant.body.apiKey as string };
      secrets['merchant key (POST /v1/merchants)'] = m.key;
      const operator = await api.post(
        '/v1/operator-keys',
        { name: 'Scan Finance' },
        idem('scan-operator', OPERATOR_KEY),
      );
      expect(operator.status).toBe(201);
      const finance = operator.body.apiKey as string;
      secrets['named operator key (POST /v1/operator-keys)'] = finance;
      const second = await api.post('/v1/api-keys', { label: 'second' }, idem('scan-second-key', m.key));
      expect(second.status).toBe(201);
      secrets['merchant key (POST /v1/api-keys)'] = second.body.apiKey;
      const issued = await api.post(
        `/v1/merchants/${m.id}/api-keys`,
        { label: 'issued' },
        idem('scan-issued', finance),
      );
      expect(issued.status).toBe(201);
      secrets['merchant key (POST /v1/merchants/{id}/api-keys)'] = issued.body.apiKey;

      // A replay answers the first outcome with the secret masked, and says it was shown once.
      const replay = await api.post('/v1/api-keys', { label: 'second' }, idem('scan-second-key', m.key));
      expect(replay.status).toBe(201);
      expect(replay.headers.get('idempotent-replayed')).toBe('true');
      expect(replay.body).toMatchObject({
        id: second.body.id,
        apiKey: second.body.display,
        secretsShownOnce: ['apiKey'],
      });
      expect(replay.body.apiKey).not.toBe(second.body.apiKey);
      const merchantReplay = await api.post(
        '/v1/merchants',
        { name: 'Scan shop' },
        idem('scan-merchant', OPERATOR_KEY),
      );
      expect(merchantReplay.body).toMatchObject({ id: m.id, keyId: merchant.body.keyId, secretsShownOnce: ['apiKey'] });
      expect(merchantReplay.body.apiKey).toMatch(/^mk_.{4}….{4}$/);
      // The key still works: only the stored copy is masked.
      expect((await api.get('/v1/wallet', { key: m.key })).status).toBe(200);

      // Shop connections: webhook secrets and API credentials, one rotation, signed deliveries with both secrets.
      const connections: Record<string, string> = {};
      for (const sandbox of shopSandboxes) {
        const webhookSecret = `whsec-${sandbox.type}-${Math.random().toString(36).slice(2)}-first`;
        secrets[`${sandbox.type} webhook secret`] = webhookSecret;
        for (const [name, value] of Object.entries(sandbox.credentials)) secrets[`${sandbox.type} ${name}`] = value;
        const c = await api.post(
          '/v1/channels',
          { type: sandbox.type, shopUrl: stack.shops[sandbox.type]!.baseUrl, webhookSecret, ...sandbox.credentials },
          idem(`scan-channel-${sandbox.type}`, m.key),
        );
        expect(c.status, c.text).toBe(201);
        connections[sandbox.type] = c.body.id;
      }
      const shopify = connections.shopify!;
      const rotated = `whsec-shopify-${Math.random().toString(36).slice(2)}-rotated`;
      secrets['shopify webhook secret (rotated)'] = rotated;
      expect(
        (await api.put(`/v1/channels/${shopify}/webhook-secret`, { webhookSecret: rotated }, { key: m.key })).status,
      ).toBe(200);
      for (const secret of [rotated, secrets['shopify webhook secret']!]) {
        const delivered = await deliverWebhook(
          stack,
          'shopify',
          shopify,
          secret,
          JSON.stringify(shopPayload('shopify')),
        );
        expect(delivered.status, delivered.text).toBe(200);
      }

      // PayPal linked through its vault: the payment token id is the vault id that charges the merchant.
      await linkPayPal(stack, m, { payerEmail: 'scan@example.com' });
      const tokens = await new PayPalSimulatorAdmin(stack.paypalUrl).paymentTokens();
      const vaultId = tokens.find((t) => t.payerEmail === 'scan@example.com')?.id;
      expect(vaultId).toBeTruthy();
      secrets['PayPal vault id (payment token)'] = vaultId!;

      // An order the empty wallet cannot pay: charged to PayPal on the vault id.
      const byPayPal = await api.post('/v1/orders', orderInput(), { key: m.key });
      const paid = await waitForStatus(stack, m.key, byPayPal.body.id, 'SUBMITTED');
      expect(paid.charge.source).toBe('paypal');
      // Top-ups by PayPal and by bank transfer (confirmed by the named operator), then an order paid by the wallet.
      const topUp = await api.post(
        '/v1/wallet/top-ups',
        { method: 'paypal', amount: 30_000, currency: 'EUR' },
        idem('scan-top-up', m.key),
      );
      expect(topUp.status).toBe(201);
      await waitFor('the PayPal top-up', async () => {
        const t = (await api.get(`/v1/wallet/top-ups/${topUp.body.id}`, { key: m.key })).body;
        return t.status === 'COMPLETED' ? t : false;
      });
      const transfer = await api.post(
        '/v1/wallet/top-ups',
        { method: 'bank_transfer', amount: 10_000, currency: 'EUR' },
        {
          key: m.key,
        },
      );
      const confirmed = await api.post(
        `/v1/finance/top-ups/${transfer.body.id}/confirm`,
        { amountReceived: 10_000, bankReference: 'SCAN-TRANSFER-1' },
        idem('scan-confirm', finance),
      );
      expect(confirmed.body.status).toBe('COMPLETED');
      const byWallet = await api.post('/v1/orders', orderInput(), idem('scan-order', m.key));
      expect((await waitForStatus(stack, m.key, byWallet.body.id, 'SUBMITTED')).charge.source).toBe('wallet');

      // People: a merchant created with its owner's e-mail (set-up link; the call replayed), the owner's password and
      // sessions, a staff invitation (replayed), an operator user; every token and password is a secret.
      const tokenOf = (link: string): string => new URL(link).hash.replace(/^#token=/, '');
      const withOwner = await api.post(
        '/v1/merchants',
        { name: 'Scan people', ownerEmail: 'scan-owner@shop.example' },
        idem('scan-merchant-owner', OPERATOR_KEY),
      );
      expect(withOwner.status).toBe(201);
      secrets['set-up token (owner, POST /v1/merchants)'] = tokenOf(withOwner.body.setupLink);
      const withOwnerReplay = await api.post(
        '/v1/merchants',
        { name: 'Scan people', ownerEmail: 'scan-owner@shop.example' },
        idem('scan-merchant-owner', OPERATOR_KEY),
      );
      expect(withOwnerReplay.body.secretsShownOnce).toEqual(expect.arrayContaining(['apiKey', 'setupLink']));
      const ownerPassword = `owner password ${Math.random().toString(36).slice(2)}`;
      secrets['owner password'] = ownerPassword;
      const owner = new BrowserSession(api);
      expect((await owner.setUp(withOwner.body.setupLink, ownerPassword)).status).toBe(201);
      secrets['session token (set-up)'] = owner.cookie!;
      const again = new BrowserSession(api);
      expect((await again.signIn('scan-owner@shop.example', ownerPassword)).status).toBe(201);
      secrets['session token (sign-in)'] = again.cookie!;
      const staff = await again.post(
        '/v1/users',
        { email: 'scan-staff@shop.example' },
        { headers: { 'idempotency-key': 'scan-staff' } },
      );
      expect(staff.status).toBe(201);
      secrets['set-up token (staff, POST /v1/users)'] = tokenOf(staff.body.setupLink);
      const staffReplay = await again.post(
        '/v1/users',
        { email: 'scan-staff@shop.example' },
        { headers: { 'idempotency-key': 'scan-staff' } },
      );
      expect(staffReplay.body).toMatchObject({ user: { id: staff.body.user.id }, secretsShownOnce: ['setupLink'] });
      const operatorUser = await api.post(
        '/v1/users',
        { email: 'scan-finance@platform.example' },
        idem('scan-operator-user', OPERATOR_KEY),
      );
      secrets['set-up token (operator, POST /v1/users)'] = tokenOf(operatorUser.body.setupLink);
      const operatorPassword = `operator password ${Math.random().toString(36).slice(2)}`;
      secrets['operator password'] = operatorPassword;
      const finance2 = new BrowserSession(api);
      expect((await finance2.setUp(operatorUser.body.setupLink, operatorPassword)).status).toBe(201);
      secrets['session token (operator)'] = finance2.cookie!;
      // The operator user's money action, as any operator's.
      expect(
        (await finance2.post('/v1/finance/adjustments', { merchantId: m.id, amount: 100, reason: 'scan credit' }))
          .status,
      ).toBe(201);

      const report = await scanDatabaseForSecrets(stack.databaseUrl, secrets);
      console.log(`secrets looked for: ${Object.keys(secrets).join('; ')}`);
      console.log(describeScan(report));
      expect(report.read.map((t) => t.table)).toEqual(
        expect.arrayContaining([
          'idempotency_keys',
          'api_keys',
          'channel_connections',
          'merchant_settings',
          'orders',
          'users',
          'sessions',
          'audit_log',
        ]),
      );
      expect(report.read.find((t) => t.table === 'idempotency_keys')!.rows).toBeGreaterThanOrEqual(11);
      expect(report.read.find((t) => t.table === 'sessions')!.rows).toBeGreaterThanOrEqual(3);
      expect(report.found).toEqual([]);
    },
  );
});

describe('Idempotency-Key records', () => {
  it('expire after IDEMPOTENCY_TTL (the key is free again) and are purged by their schedule', async () => {
    const api = shortLived.api;
    const first = await api.post('/v1/merchants', { name: 'TTL shop A' }, idem('ttl-key', OPERATOR_KEY));
    expect(first.status).toBe(201);
    const reused = await api.post('/v1/merchants', { name: 'TTL shop B' }, idem('ttl-key', OPERATOR_KEY));
    expect(reused.status).toBe(422);
    expect(reused.body.error.code).toBe('IDEMPOTENCY_KEY_REUSED');
    await new Promise((r) => setTimeout(r, 2_500));
    // Past the TTL the key names a new request.
    const again = await api.post('/v1/merchants', { name: 'TTL shop B' }, idem('ttl-key', OPERATOR_KEY));
    expect(again.status).toBe(201);
    expect(again.headers.get('idempotent-replayed')).toBeNull();
    expect(again.body.id).not.toBe(first.body.id);

    const db = new pg.Client({ connectionString: shortLived.databaseUrl });
    await db.connect();
    try {
      const count = async (): Promise<number> =>
        (await db.query('SELECT count(*)::int AS n FROM idempotency_keys')).rows[0].n;
      expect(await count()).toBeGreaterThan(0);
      await new Promise((r) => setTimeout(r, 2_500));
      // The schedule runs hourly; an operator (here the test) can trigger it at once from the UI or the CLI.
      await shortLived.platform.temporal.schedule.getHandle(idempotencyPurgeScheduleId(shortLived.taskQueue)).trigger();
      await waitFor('the expired records to be purged', async () => (await count()) === 0);
    } finally {
      await db.end();
    }
  });
});
