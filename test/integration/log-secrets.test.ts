import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { waitFor } from '../../dev/http-client.js';
import { shopSandboxes } from '../../simulators/shops.js';
import { BrowserSession } from '../support/browser-session.js';
import { createMerchant, financeKey, linkPayPal, orderInput, waitForStatus } from '../support/fixtures.js';
import { OPERATOR_KEY, PAYPAL_SECRET, SECRETS_KEY, SUPPLIER_KEY, startStack, type Stack } from '../support/stack.js';
import { connectShop } from '../support/webhooks.js';

/**
 * No secret in any log line: a full scenario runs with the log level at trace, every line the API and the worker
 * write is captured, and none may hold a key, a webhook secret, a shop token, the PayPal client secret or
 * SECRETS_KEY. The same lines show that every line about an order names it (orderId and workflowId).
 */
const lines: string[] = [];
const capture = {
  write(line: string): void {
    lines.push(line);
  },
};

let stack: Stack;
beforeAll(async () => {
  stack = await startStack({ env: { LOG_LEVEL: 'trace' }, logDestination: capture });
});
afterAll(async () => {
  await stack?.stop();
});

const WEBHOOK_SECRET = 'log-test-webhook-secret-5f2a';

describe('a full scenario at log level trace', () => {
  const secrets: Record<string, string> = {
    'operator key': OPERATOR_KEY,
    'webhook secret': WEBHOOK_SECRET,
    // Every credential of every sandbox shop (Shopify's access token, WooCommerce's consumer key and secret…).
    ...Object.fromEntries(
      shopSandboxes.flatMap((s) => Object.entries(s.credentials).map(([name, value]) => [`${s.type} ${name}`, value])),
    ),
    'PayPal client secret': PAYPAL_SECRET,
    'supplier API key': SUPPLIER_KEY,
    SECRETS_KEY,
  };
  const orderIds = new Set<string>();

  beforeAll(async () => {
    // Merchant created by the operator (its key is in the answer), with an idempotency key.
    const m = await createMerchant(stack, { topUp: 100_000 });
    secrets['merchant key'] = m.key;

    // An order paid from the wallet, then one through PayPal (wallet short).
    const walletOrder = await stack.api.post('/v1/orders', orderInput(), {
      key: m.key,
      headers: { 'idempotency-key': 'log-test-1' },
    });
    expect(walletOrder.status).toBe(201);
    orderIds.add(walletOrder.body.id);
    await waitForStatus(stack, m.key, walletOrder.body.id, 'SUBMITTED');

    const poor = await createMerchant(stack);
    secrets['second merchant key'] = poor.key;
    await linkPayPal(stack, poor);
    // The vault id is stored sealed and shown masked: it must not leak through a log either.
    const tokens = (await stack.paypal.get('/_admin/payment-tokens')).body.paymentTokens as { id: string }[];
    tokens.forEach((t, i) => (secrets[`PayPal vault id ${i + 1}`] = t.id));
    secrets['finance operator key'] = await financeKey(stack);
    const paypalOrder = await stack.api.post('/v1/orders', orderInput(), { key: poor.key });
    orderIds.add(paypalOrder.body.id);
    const viaPayPal = await waitForStatus(stack, poor.key, paypalOrder.body.id, 'SUBMITTED');
    expect(viaPayPal.charge.source).toBe('paypal');

    // A shop connected, and an order arriving from it by a signed webhook; tracking then goes back to the shop.
    for (const type of ['shopify', 'woocommerce'] as const) {
      const connection = await connectShop(stack, m.key, type, WEBHOOK_SECRET);
      const shop = stack.shops[type];
      if (!shop) throw new Error(`no ${type} simulator`);
      expect(
        (await shop.put('/_admin/config', { webhookUrl: connection.webhookUrl, webhookSecret: WEBHOOK_SECRET })).status,
      ).toBe(200);
      const created = await shop.post('/_admin/orders', { fixture: 'paid' });
      expect(created.body.delivery.status).toBe(200);
      const deliveries = await stack.api.get(`/v1/channels/${connection.id}/deliveries`, { key: m.key });
      const orderId: string = deliveries.body.items[0].orderId;
      orderIds.add(orderId);
      // Shipped: the tracking goes back to the shop with its API credentials.
      const submitted = await waitForStatus(stack, m.key, orderId, 'SUBMITTED');
      await stack.supplier.post(`/_admin/orders/${submitted.supplierOrderId}/ship`, {
        trackingNumber: `GLS-${type}`,
        carrier: 'gls',
      });
      await waitForStatus(stack, m.key, orderId, 'SHIPPED');
    }

    // An import.
    const report = readFileSync(
      path.join(inject('projectRoot'), 'test', 'fixtures', 'amazon-order-report-clean.txt'),
      'utf8',
    );
    const imported = await stack.api.request('POST', '/v1/orders/import', {
      key: m.key,
      raw: report,
      headers: { 'content-type': 'text/tab-separated-values' },
    });
    expect(imported.status).toBe(200);

    // A person: a set-up link completed with a password, a sign-in, the session cookie on requests, a sign-out.
    const invited = await stack.api.post(
      '/v1/users',
      { email: 'log-owner@shop.example', role: 'owner', merchantId: m.id },
      { key: OPERATOR_KEY },
    );
    expect(invited.status).toBe(201);
    secrets['set-up token'] = new URL(invited.body.setupLink).hash.replace(/^#token=/, '');
    secrets['password'] = 'log test password 7c1e';
    const person = new BrowserSession(stack.api);
    expect((await person.setUp(invited.body.setupLink, secrets.password)).status).toBe(201);
    secrets['session token (set-up)'] = person.cookie!;
    expect((await person.signIn('log-owner@shop.example', secrets.password)).status).toBe(201);
    secrets['session token (sign-in)'] = person.cookie!;
    expect((await person.get('/v1/wallet')).status).toBe(200);
    expect((await person.delete('/v1/sessions/current')).status).toBe(204);

    // A wrong key and a cancellation, for good measure.
    expect((await stack.api.get('/v1/wallet', { key: `${m.key}x` })).status).toBe(401);
    await waitFor('the log lines of the last activities', async () => lines.length > 0);
  });

  it('captured the lines of the API, the worker, the activities and the workflows', () => {
    const parsed = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(
      parsed.some((l) => l.component === 'api' && (l.req as { url?: string } | undefined)?.url === '/v1/merchants'),
    ).toBe(true);
    expect(parsed.some((l) => l.component === 'temporal' && l.sdkComponent === 'worker')).toBe(true);
    expect(parsed.some((l) => l.component === 'temporal' && l.activityType === 'submitOrder')).toBe(true);
    expect(parsed.some((l) => l.component === 'temporal' && l.activityType === 'notifyChannelShipped')).toBe(true);
    expect(lines.length).toBeGreaterThan(100);
  });

  it('holds none of the secrets used', () => {
    const all = lines.join('\n');
    const leaked = Object.entries(secrets).filter(([, value]) => all.includes(value));
    expect(leaked.map(([name]) => name)).toEqual([]);
    // The header is there, redacted: proof the check looked at request lines at all.
    expect(all).toContain('"authorization":"[redacted]"');
    expect(all).toContain('"cookie":"[redacted]"');
    const excerpt = lines.filter((l) => l.includes('/v1/merchants') || l.includes('x-shopify-hmac-sha256')).slice(0, 2);
    console.log(`log excerpt:\n${excerpt.join('\n')}`);
  });

  it('names the order (orderId and workflowId) on every line about one', () => {
    const parsed = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    const aboutAnOrder = parsed.filter((l) => {
      const url = (l.req as { url?: string } | undefined)?.url ?? '';
      return (
        /^\/v1\/orders\/ord_/.test(url) ||
        (typeof l.workflowId === 'string' && l.workflowId.startsWith('order-')) ||
        typeof l.orderId === 'string' ||
        /"workflowId":"order-/.test(JSON.stringify(l.jobs ?? null))
      );
    });
    expect(aboutAnOrder.length).toBeGreaterThan(20);
    const missing = aboutAnOrder.filter(
      (l) => typeof l.orderId !== 'string' || l.workflowId !== `order-${String(l.orderId)}`,
    );
    expect(missing.map((l) => JSON.stringify(l).slice(0, 300))).toEqual([]);
    for (const id of orderIds) {
      const mine = parsed.filter((l) => l.orderId === id);
      expect(
        mine.some((l) => l.component === 'api'),
        `${id}: a request line`,
      ).toBe(true);
      expect(
        mine.some((l) => typeof l.activityType === 'string'),
        `${id}: an activity line`,
      ).toBe(true);
      expect(
        mine.some((l) => l.msg === 'Got workflow activation'),
        `${id}: a workflow line`,
      ).toBe(true);
    }
  });
});
