import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { servicesCalledBy } from '../../app/config.js';
import { spawnLogged } from '../../dev/child-process.js';
import { HttpClient, waitFor } from '../../dev/http-client.js';
import { freeTopologyPorts, startProductionTopology, type RunningTopology } from '../../dev/production-topology.js';
import { projectRoot } from '../../dev/temporal-server.js';
import { PayPalSimulatorAdmin } from '../../simulators/paypal/admin-client.js';
import { shopSandboxes } from '../../simulators/shops.js';
import { readForm, submitForm } from '../support/html-form.js';
import { describeScan, scanDatabaseForSecrets, type ScanReport } from '../support/secrets-scan.js';

/**
 * The production topology (dev/production-topology.ts: two APIs and two workers from dist/, the simulators, the
 * Temporal server on PostgreSQL) as start:production and compose run it: a merchant links PayPal through PayPal's
 * approval page and is sent back to the platform, tops up by PayPal, sees the wallet credited, unlinks — and every
 * process got a non-empty address for each partner service it calls. Then a full scenario through the APIs, and
 * every table and column of the three PostgreSQL databases (orders, and Temporal's own) read for its secrets.
 */
const say = (line: string): void => void process.stderr.write(`[paypal] ${line}\n`);
const operatorKey = `op_${randomBytes(16).toString('hex')}`;
const secretsKey = randomBytes(32).toString('base64');
let scratch: string;
let topology: RunningTopology;
let api1: HttpClient;
let api2: HttpClient;

beforeAll(async () => {
  scratch = mkdtempSync(path.join(os.tmpdir(), 'paypal-prod-'));
  chmodSync(scratch, 0o755);
  topology = await startProductionTopology({
    dataDir: scratch,
    ports: await freeTopologyPorts(),
    operatorKey,
    secretsKey,
    logLevel: 'info',
    numHistoryShards: 4,
    appEnv: { TRACKING_POLL_INTERVAL: '1h', FUNDS_RETRY_SCHEDULE: '1h' },
    say,
  });
  for (const line of topology.describe()) say(line);
  api1 = new HttpClient(topology.apis[0]!.url);
  api2 = new HttpClient(topology.apis[1]!.url);
});

afterAll(async () => {
  await topology?.stop();
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

/** The `partner services` line each API and worker logged at start (app/platform.ts), per process. */
function servicesLogged(): { name: string; role: 'api' | 'worker'; services: Record<string, unknown> }[] {
  return [...topology.apis, ...topology.workers].map(({ process: p }) => {
    const lines = existsSync(p.logFile) ? readFileSync(p.logFile, 'utf8').split('\n') : [];
    const logged = lines
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as { msg?: string; services?: Record<string, unknown> })
      .find((l) => l.msg === 'partner services');
    if (!logged?.services)
      throw new Error(`${p.name} logged no partner services line:\n${lines.slice(-20).join('\n')}`);
    return { name: p.name, role: p.name.startsWith('api') ? 'api' : 'worker', services: logged.services };
  });
}

describe('PayPal on the production topology', () => {
  it('every API and worker got a non-empty address for each partner service it calls', () => {
    for (const { process: p } of [...topology.apis, ...topology.workers]) {
      for (const variable of ['SUPPLIER_BASE_URL', 'PAYPAL_BASE_URL'])
        expect(p.opts.env[variable], `${p.name} ${variable}`).toMatch(/^https?:\/\/.+/);
    }
    const logged = servicesLogged();
    for (const { name, role, services } of logged) {
      say(`${name}: ${JSON.stringify(services)}`);
      for (const service of servicesCalledBy[role])
        expect(services[service], `${name} ${service}`).toMatch(/^https?:\/\/.+/);
      for (const [service, url] of Object.entries(services)) expect(url, `${name} ${service}`).toBeTruthy();
    }
    expect(logged.filter((l) => l.role === 'api').every((l) => l.services.paypal === topology.simulators.paypal)).toBe(
      true,
    );
  });

  it('an API given an empty PAYPAL_BASE_URL refuses to start, naming the setting', async () => {
    const child = spawnLogged(process.execPath, [path.join(projectRoot, 'dist/app/api-main.js')], {
      cwd: projectRoot,
      env: {
        PATH: process.env.PATH ?? '',
        ...topology.apis[0]!.process.opts.env,
        PAYPAL_BASE_URL: '',
        PORT: '0',
        METRICS_PORT: '0',
      },
    });
    await waitFor('the API to exit', async () => child.exited(), { timeoutMs: 30_000 });
    expect(child.child.exitCode).toBe(1);
    expect(child.tail()).toContain('PAYPAL_BASE_URL is required');
  });

  it('links PayPal through the approval page, tops up by PayPal, sees the wallet credited, and unlinks', async () => {
    const created = await api1.post('/v1/merchants', { name: 'PayPal in production' }, { key: operatorKey });
    expect(created.status).toBe(201);
    const m = { id: created.body.id as string, key: created.body.apiKey as string };

    // The merchant starts linking on one API…
    const started = await api1.post('/v1/settings/paypal/link', {}, { key: m.key });
    expect(started.status, started.text).toBe(201);
    expect(started.body.approveUrl.startsWith(topology.simulators.paypal)).toBe(true);
    // …approves on PayPal's page, and PayPal sends the browser back to the platform (PUBLIC_BASE_URL).
    const form = readForm(await (await fetch(started.body.approveUrl)).text());
    const approved = await submitForm(started.body.approveUrl, form, 'approve', { payer_email: 'prod@example.com' });
    expect(approved.status).toBe(303);
    const back = approved.headers.get('location') ?? '';
    expect(back.startsWith(`${topology.apis[0]!.url}/v1/settings/paypal/link/return?`)).toBe(true);
    const page = await fetch(back);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('p•••@example.com');
    const settings = (await api2.get('/v1/settings', { key: m.key })).body.paypal;
    expect(settings).toMatchObject({ enabled: true, linked: true, account: { payerEmail: 'p•••@example.com' } });

    // A top-up by PayPal through the other API: PayPal captures, the wallet is credited.
    const topUp = await api2.post(
      '/v1/wallet/top-ups',
      { method: 'paypal', amount: 25_00, currency: 'EUR' },
      {
        key: m.key,
      },
    );
    expect(topUp.status, topUp.text).toBe(201);
    const done = await waitFor('the PayPal top-up', async () => {
      const t = (await api1.get(`/v1/wallet/top-ups/${topUp.body.id}`, { key: m.key })).body;
      return t.status !== 'PENDING' ? t : false;
    });
    expect(done.status).toBe('COMPLETED');
    expect((await api1.get('/v1/wallet', { key: m.key })).body).toMatchObject({ balance: 25_00, available: 25_00 });
    const captures = await new PayPalSimulatorAdmin(topology.simulators.paypal).captures();
    expect(captures.filter((c) => c.invoiceId === `top-up-${topUp.body.id}`)).toHaveLength(1);

    // Unlinking deletes the payment token at PayPal; a PayPal top-up is then refused.
    const unlinked = await api2.delete('/v1/settings/paypal/link', { key: m.key });
    expect(unlinked.status, unlinked.text).toBe(200);
    expect(unlinked.body.paypal).toMatchObject({ linked: false, enabled: false });
    const tokens = await new PayPalSimulatorAdmin(topology.simulators.paypal).paymentTokens();
    expect(tokens.find((t) => t.payerEmail === 'prod@example.com')?.status).toBe('DELETED');
    const refused = await api1.post(
      '/v1/wallet/top-ups',
      { method: 'paypal', amount: 25_00, currency: 'EUR' },
      {
        key: m.key,
      },
    );
    expect(refused.status).toBe(409);
    expect(refused.body.error.code).toBe('PAYPAL_NOT_LINKED');
  });
});

describe('secrets at rest on the production topology', () => {
  it(
    'a full scenario leaves no secret in clear in any table or column of the orders, temporal and temporal_visibility databases',
    { timeout: 600_000 },
    async () => {
      const idem = (key: string, apiKey: string) => ({ key: apiKey, headers: { 'idempotency-key': key } });
      const secrets: Record<string, string> = {
        'root operator key (OPERATOR_API_KEY)': operatorKey,
        SECRETS_KEY: secretsKey,
        PAYPAL_CLIENT_SECRET: topology.apis[0]!.process.opts.env.PAYPAL_CLIENT_SECRET!,
        SUPPLIER_API_KEY: topology.workers[0]!.process.opts.env.SUPPLIER_API_KEY!,
      };
      const merchant = await api1.post('/v1/merchants', { name: 'Scan' }, idem('prod-scan-merchant', operatorKey));
      const m = { id: merchant.body.id as string, key: merchant.body.apiKey as string };
      secrets['merchant key'] = m.key;
      const finance = (
        await api2.post('/v1/operator-keys', { name: 'Prod Finance' }, idem('prod-scan-op', operatorKey))
      ).body.apiKey as string;
      secrets['named operator key'] = finance;
      secrets['second merchant key'] = (
        await api1.post('/v1/api-keys', { label: 'second' }, idem('prod-scan-key', m.key))
      ).body.apiKey;
      secrets['issued merchant key'] = (
        await api2.post(`/v1/merchants/${m.id}/api-keys`, { label: 'issued' }, idem('prod-scan-issued', finance))
      ).body.apiKey;

      for (const sandbox of shopSandboxes) {
        const webhookSecret = `whsec-${sandbox.type}-${randomBytes(12).toString('hex')}`;
        secrets[`${sandbox.type} webhook secret`] = webhookSecret;
        for (const [name, value] of Object.entries(sandbox.credentials)) secrets[`${sandbox.type} ${name}`] = value;
        const c = await api1.post(
          '/v1/channels',
          {
            type: sandbox.type,
            shopUrl: topology.simulators.shops[sandbox.type],
            webhookSecret,
            ...sandbox.credentials,
          },
          idem(`prod-scan-${sandbox.type}`, m.key),
        );
        expect(c.status, c.text).toBe(201);
        // The shop's own order, delivered by the shop simulator, signed with the secret.
        const shop = new HttpClient(topology.simulators.shops[sandbox.type]!);
        await sandbox.configureWebhooks(shop.baseUrl, { url: c.body.webhookUrl, secret: webhookSecret });
        expect((await shop.post('/_admin/orders', { fixture: 'paid' })).status).toBeLessThan(300);
      }

      // PayPal linked (its vault id), charged by an order the wallet cannot pay, and by a top-up.
      const link = (await api2.post('/v1/settings/paypal/link', {}, { key: m.key })).body;
      const approval = await new PayPalSimulatorAdmin(topology.simulators.paypal).approveSetupToken(link.setupTokenId, {
        payerEmail: 'scan@example.com',
      });
      expect((await fetch(approval.redirectUrl, { headers: { accept: 'application/json' } })).status).toBe(200);
      const vaultId = (await new PayPalSimulatorAdmin(topology.simulators.paypal).paymentTokens()).find(
        (t) => t.payerEmail === 'scan@example.com' && t.status === 'ACTIVE',
      )?.id;
      expect(vaultId).toBeTruthy();
      secrets['PayPal vault id'] = vaultId!;
      const order = (
        await api1.post(
          '/v1/orders',
          {
            channel: 'amazon',
            externalId: `scan-${randomBytes(4).toString('hex')}`,
            payment: { method: 'prepaid', amountPaid: 5990, currency: 'EUR' },
            customer: { name: 'Maria Rossi', email: 'maria@example.com', phone: '+39 333 1234567' },
            shippingAddress: { line1: 'Via Roma 1', city: 'Milano', postcode: '20121', country: 'IT' },
            items: [{ sku: 'BB-1001', quantity: 1 }],
          },
          idem('prod-scan-order', m.key),
        )
      ).body;
      const submitted = await waitFor('the order charged to PayPal', async () => {
        const o = (await api2.get(`/v1/orders/${order.id}`, { key: m.key })).body;
        return o.status === 'SUBMITTED' ? o : false;
      });
      expect(submitted.charge.source).toBe('paypal');
      const topUp = (
        await api1.post(
          '/v1/wallet/top-ups',
          { method: 'paypal', amount: 50_00, currency: 'EUR' },
          idem('prod-scan-top-up', m.key),
        )
      ).body;
      await waitFor('the top-up', async () => {
        const t = (await api2.get(`/v1/wallet/top-ups/${topUp.id}`, { key: m.key })).body;
        return t.status === 'COMPLETED' ? t : false;
      });

      const base = new URL(topology.postgres.url);
      const reports: ScanReport[] = [];
      for (const database of ['orders', 'temporal', 'temporal_visibility']) {
        const url = new URL(base);
        url.pathname = `/${database}`;
        reports.push(await scanDatabaseForSecrets(url.toString(), secrets));
      }
      console.log(`secrets looked for: ${Object.keys(secrets).join('; ')}`);
      for (const report of reports) console.log(describeScan(report));
      const found = reports.flatMap((r) => r.found);
      // Temporal keeps the workflows' inputs, results and signals in history_node, their search attributes in
      // executions_visibility: both read, with rows.
      const tables = reports.flatMap((r) => r.read.map((t) => ({ ...t, name: `${r.read[0]?.database}.${t.table}` })));
      for (const name of [
        'orders.idempotency_keys',
        'temporal.history_node',
        'temporal_visibility.executions_visibility',
      ])
        expect(tables.find((t) => t.name === name)?.rows, name).toBeGreaterThan(0);
      expect(found).toEqual([]);

      // The scan does see inside Temporal's blobs: the order's external id (no secret) is found where it is kept.
      const temporalDb = new URL(base);
      temporalDb.pathname = '/temporal';
      const control = await scanDatabaseForSecrets(temporalDb.toString(), { 'an external order id': order.externalId });
      expect(control.found.map((f) => `${f.table}.${f.column}`)).toContain('history_node.data');
    },
  );
});
