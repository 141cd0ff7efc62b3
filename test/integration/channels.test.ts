import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { salesChannels } from '../../channels/registry.js';
import { shopSandboxes } from '../../simulators/shops.js';
import { createMerchant, events, getOrder, supplierOrders, wallet, waitForStatus } from '../support/fixtures.js';
import { waitFor, type HttpClient } from '../../dev/http-client.js';
import { startStack, type Stack } from '../support/stack.js';
import { placeWhileStockVanishes } from '../../dev/supplier-stock.js';
import { expectRegistryTable } from '../support/registry-table.js';

/** Shop connectors end to end: the shop simulators send signed webhooks to the real API and receive calls back. */
let stack: Stack;
let shopify: HttpClient;
let woocommerce: HttpClient;
beforeAll(async () => {
  stack = await startStack({ env: { WEBHOOK_SECRET_GRACE: '3s' } });
  shopify = sandbox('shopify').shop;
  woocommerce = sandbox('woocommerce').shop;
});
afterAll(async () => {
  await stack?.stop();
});

/** A shop simulator of the stack and the credentials it accepts. */
function sandbox(type: 'shopify' | 'woocommerce'): { shop: HttpClient; credentials: Readonly<Record<string, string>> } {
  const shop = stack.shops[type];
  const credentials = shopSandboxes.find((s) => s.type === type)?.credentials;
  if (!shop || !credentials) throw new Error(`no ${type} simulator in the stack`);
  return { shop, credentials };
}

const SHOPIFY_SECRET = 'shopify-webhook-secret-1';
const WOO_SECRET = 'woo-webhook-secret-1';

/** Connects a shop for the merchant and points the shop's webhooks at the URL the platform hands out. */
async function connect(
  m: { key: string },
  type: 'shopify' | 'woocommerce',
): Promise<{ id: string; webhookUrl: string }> {
  const { shop, credentials } = sandbox(type);
  const secret = type === 'shopify' ? SHOPIFY_SECRET : WOO_SECRET;
  const res = await stack.api.post(
    '/v1/channels',
    { type, shopUrl: shop.baseUrl, webhookSecret: secret, ...credentials },
    { key: m.key },
  );
  expect(res.status).toBe(201);
  const put = await shop.put('/_admin/config', { webhookUrl: res.body.webhookUrl, webhookSecret: secret });
  expect(put.status).toBe(200);
  return res.body;
}

async function shopOrder(
  shop: HttpClient,
  fixture: string,
  overrides?: Record<string, unknown>,
): Promise<{ order: any; delivery: any }> {
  const res = await shop.post('/_admin/orders', { fixture, ...(overrides ? { overrides } : {}) });
  expect(res.status).toBe(201);
  return res.body;
}

async function platformOrder(m: { key: string }, channel: string, externalId: string): Promise<any> {
  return waitFor(`the ${channel} order ${externalId}`, async () => {
    const list = await stack.api.get(`/v1/orders?channel=${channel}&limit=200`, { key: m.key });
    return list.body.items.find((o: any) => o.externalId === externalId) ?? false;
  });
}

async function countRows(sql: string, params: unknown[]): Promise<number> {
  const client = new pg.Client({ connectionString: stack.databaseUrl });
  await client.connect();
  try {
    return Number((await client.query(sql, params)).rows[0].n);
  } finally {
    await client.end();
  }
}

describe('Shopify', () => {
  let m: { id: string; key: string };
  let connection: { id: string; webhookUrl: string };
  beforeAll(async () => {
    m = await createMerchant(stack, { topUp: 50_000 });
    connection = await connect(m, 'shopify');
  });

  it('keeps the credentials secret: the connection shows the webhook URL, never the tokens', async () => {
    expect(connection.webhookUrl).toMatch(new RegExp(`/webhooks/shopify/${connection.id}$`));
    const listed = await stack.api.get('/v1/channels', { key: m.key });
    expect(JSON.stringify(listed.body)).not.toContain(SHOPIFY_SECRET);
    expect(JSON.stringify(listed.body)).not.toContain(sandbox('shopify').credentials.accessToken);
    const other = await createMerchant(stack);
    expect((await stack.api.get(`/v1/channels/${connection.id}`, { key: other.key })).status).toBe(404);
    const stored = await countRows(
      'SELECT count(*) AS n FROM channel_connections WHERE id = $1 AND credentials_enc NOT LIKE $2 AND webhook_secret_enc NOT LIKE $3',
      [connection.id, `%${sandbox('shopify').credentials.accessToken}%`, `%${SHOPIFY_SECRET}%`],
    );
    expect(stored).toBe(1);
  });

  it('a signed paid order reaches SUBMITTED with no manual step; three deliveries and a second delivery id make one order', async () => {
    const { order: shop, delivery } = await shopOrder(shopify, 'paid');
    expect(delivery.status).toBe(200);
    const created = await platformOrder(m, 'shopify', String(shop.id));
    const submitted = await waitForStatus(stack, m.key, created.id, 'SUBMITTED');

    for (let i = 0; i < 2; i++) {
      const again = await shopify.post(`/_admin/deliveries/${delivery.id}/redeliver`);
      expect(again.body.delivery.status).toBe(200);
    }
    const fresh = await shopify.post('/_admin/send', { topic: 'orders/create', payload: shop });
    expect(fresh.body.delivery.status).toBe(200);
    expect(fresh.body.delivery.id).not.toBe(delivery.id);

    const list = (await stack.api.get('/v1/orders?channel=shopify&limit=200', { key: m.key })).body.items.filter(
      (o: any) => o.externalId === String(shop.id),
    );
    expect(list).toHaveLength(1);
    expect(await supplierOrders(stack, submitted.id)).toHaveLength(1);
    const ledger = (await stack.api.get('/v1/wallet/transactions?limit=200', { key: m.key })).body.items.filter(
      (t: any) => t.orderId === submitted.id,
    );
    expect(ledger.filter((t: any) => t.kind === 'hold')).toHaveLength(1);
    const deliveries = (await stack.api.get(`/v1/channels/${connection.id}/deliveries`, { key: m.key })).body.items;
    expect(
      deliveries
        .filter((d: any) => d.externalId === String(shop.id))
        .map((d: any) => d.outcome)
        .sort(),
    ).toEqual(['created', 'ignored']);
  });

  it('a bad or missing signature → 401, nothing in Postgres, no workflow', async () => {
    const payload = { ...(await shopify.get('/_admin/orders')).body.orders[0], id: 990000111 };
    for (const signature of ['wrong', 'missing']) {
      const res = await shopify.post('/_admin/send', { topic: 'orders/create', payload, signature });
      expect(res.body.delivery.status).toBe(401);
    }
    expect(await countRows('SELECT count(*) AS n FROM orders WHERE external_id = $1', ['990000111'])).toBe(0);
    expect(await countRows('SELECT count(*) AS n FROM webhook_deliveries WHERE external_id = $1', ['990000111'])).toBe(
      0,
    );
    const orderId = (await stack.api.get('/v1/orders?channel=shopify&limit=200', { key: m.key })).body.items.find(
      (o: any) => o.externalId === '990000111',
    );
    expect(orderId).toBeUndefined();
    const found: string[] = [];
    for await (const wf of stack.platform.temporal.workflow.list({ query: `ExternalOrderId="990000111"` }))
      found.push(wf.workflowId);
    expect(found).toEqual([]);
  });

  it('bank deposit: AWAITING_PAYMENT until orders/paid, then SUBMITTED', async () => {
    const { order: shop } = await shopOrder(shopify, 'bank_deposit');
    const waiting = await platformOrder(m, 'shopify', String(shop.id));
    await waitForStatus(stack, m.key, waiting.id, 'AWAITING_PAYMENT');
    const paid = await shopify.post(`/_admin/orders/${shop.id}/pay`);
    expect(paid.body.delivery.status).toBe(200);
    await waitForStatus(stack, m.key, waiting.id, 'SUBMITTED');
    expect((await events(stack, m.key, waiting.id)).find((e) => e.type === 'payment.accepted')?.by).toContain(
      'shopify',
    );
  });

  it('COD: AWAITING_SHIPPING_METHOD → synchronize → SUBMITTED as cash on delivery', async () => {
    const { order: shop } = await shopOrder(shopify, 'cod');
    const o = await platformOrder(m, 'shopify', String(shop.id));
    await waitForStatus(stack, m.key, o.id, 'AWAITING_SHIPPING_METHOD');
    await stack.api.post(`/v1/orders/${o.id}/synchronize`, { shippingMethod: 'correos' }, { key: m.key });
    await waitForStatus(stack, m.key, o.id, 'SUBMITTED');
    const [atSupplier] = await supplierOrders(stack, o.id);
    expect(atSupplier.cashOnDelivery).toBe(Number(shop.total_price));
  });

  it('shipping → the shop receives the tracking exactly once, as a fulfillment', async () => {
    const { order: shop } = await shopOrder(shopify, 'paid');
    const o = await platformOrder(m, 'shopify', String(shop.id));
    const submitted = await waitForStatus(stack, m.key, o.id, 'SUBMITTED');
    await stack.supplier.post(`/_admin/orders/${submitted.supplierOrderId}/ship`, {
      trackingNumber: 'GLS-777',
      carrier: 'gls',
    });
    await waitForStatus(stack, m.key, o.id, 'SHIPPED');
    await waitFor('the tracking sent to the shop', async () =>
      (await events(stack, m.key, o.id)).some((e) => e.type === 'channel.tracking_sent'),
    );
    const fulfillments = (await shopify.get('/_admin/fulfillments')).body.fulfillments.filter(
      (f: any) => String(f.orderId) === String(shop.id),
    );
    expect(fulfillments).toHaveLength(1);
    expect(fulfillments[0]).toMatchObject({ trackingNumber: 'GLS-777' });
  });

  it('cancel on the platform → the shop order is cancelled and the answer says so', async () => {
    const { order: shop } = await shopOrder(shopify, 'bank_deposit');
    const o = await platformOrder(m, 'shopify', String(shop.id));
    await waitForStatus(stack, m.key, o.id, 'AWAITING_PAYMENT');
    const res = await stack.api.post(`/v1/orders/${o.id}/cancel`, {}, { key: m.key });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'CANCELLED', channelCancelled: true });
    const cancellations = (await shopify.get('/_admin/cancellations')).body.cancellations.filter(
      (c: any) => String(c.orderId) === String(shop.id),
    );
    expect(cancellations).toHaveLength(1);
  });

  it('a cancellation sent by the shop while the order is pending review → CANCELLED, charge returned', async () => {
    const before = await wallet(stack, m.key);
    const { order: shop } = await placeWhileStockVanishes(stack.supplier, 'BB-1008', () =>
      shopOrder(shopify, 'paid', {
        line_items: [
          { id: 1, sku: 'BB-1008', quantity: 1, title: 'Lunch box', price: '12.00', requires_shipping: true },
        ],
      }),
    );
    const o = await platformOrder(m, 'shopify', String(shop.id));
    const parked = await waitForStatus(stack, m.key, o.id, 'PENDING_REVIEW');
    expect(parked.reviewReasons.map((r: any) => r.code)).toEqual(['OUT_OF_STOCK']);

    const cancelled = await shopify.post(`/_admin/orders/${shop.id}/cancel`);
    expect(cancelled.body.delivery.status).toBe(200);
    await waitForStatus(stack, m.key, o.id, 'CANCELLED');
    await waitFor('the hold to be released', async () => (await wallet(stack, m.key)).reserved === 0);
    expect((await wallet(stack, m.key)).balance).toBe(before.balance);
    const ledger = (await stack.api.get('/v1/wallet/transactions?limit=200', { key: m.key })).body.items.filter(
      (t: any) => t.orderId === o.id,
    );
    expect(ledger.map((t: any) => t.kind).sort()).toEqual(['hold', 'release']);
    // The shop cancelled it: the platform does not cancel it back.
    const back = (await shopify.get('/_admin/cancellations')).body.cancellations.filter(
      (c: any) => String(c.orderId) === String(shop.id),
    );
    expect(back).toHaveLength(0);
    expect(
      (await events(stack, m.key, o.id)).find((e) => e.type === 'status.changed' && e.details.to === 'CANCELLED')?.by,
    ).toContain('shopify');
    await stack.supplier.put('/_admin/products/BB-1008', { stock: 40 });
  });

  it('a cancellation from the shop after submission is recorded for the operator, the order stays SUBMITTED', async () => {
    const { order: shop } = await shopOrder(shopify, 'paid');
    const o = await platformOrder(m, 'shopify', String(shop.id));
    await waitForStatus(stack, m.key, o.id, 'SUBMITTED');
    await shopify.post(`/_admin/orders/${shop.id}/cancel`);
    const refused = await waitFor(
      'the refusal in the timeline',
      async () => (await events(stack, m.key, o.id)).find((e) => e.type === 'signal.refused') ?? false,
    );
    expect(refused.by).toContain('shopify');
    expect(refused.details.reason).toContain('SUBMITTED');
    expect((await getOrder(stack, m.key, o.id)).status).toBe('SUBMITTED');
  });

  it('an unmappable payload is kept for the operator with the reason, and makes no order', async () => {
    const res = await shopOrder(shopify, 'paid', {
      id: 880000222,
      line_items: [{ id: 7, sku: null, quantity: 1, title: 'Mystery box', price: '9.00', requires_shipping: true }],
    });
    expect(res.delivery.status).toBe(200);
    const kept = (await stack.api.get(`/v1/channels/${connection.id}/deliveries?outcome=unmapped`, { key: m.key })).body
      .items;
    const entry = kept.find((d: any) => d.externalId === '880000222');
    expect(entry.reason).toMatch(/sku/i);
    expect(entry.payload.id).toBe(880000222);
    expect(await countRows('SELECT count(*) AS n FROM orders WHERE external_id = $1', ['880000222'])).toBe(0);
  });

  it('after a secret rotation the old secret works during the grace period only', async () => {
    const rotated = await stack.api.put(
      `/v1/channels/${connection.id}/webhook-secret`,
      { webhookSecret: 'shopify-webhook-secret-2' },
      { key: m.key },
    );
    expect(rotated.status).toBe(200);
    expect(rotated.body.secretRotatedUntil).not.toBeNull();
    // The shop still signs with the old secret for a while.
    const old = await shopOrder(shopify, 'paid');
    expect(old.delivery.status).toBe(200);
    await shopify.put('/_admin/config', { webhookSecret: 'shopify-webhook-secret-2' });
    expect((await shopOrder(shopify, 'paid')).delivery.status).toBe(200);
    await shopify.put('/_admin/config', { webhookSecret: SHOPIFY_SECRET });
    await new Promise((r) => setTimeout(r, 3_500));
    const late = await shopOrder(shopify, 'paid');
    expect(late.delivery.status).toBe(401);
    await shopify.put('/_admin/config', { webhookSecret: 'shopify-webhook-secret-2' });
  });
});

describe('WooCommerce', () => {
  let m: { id: string; key: string };
  let connection: { id: string; webhookUrl: string };
  beforeAll(async () => {
    m = await createMerchant(stack, { topUp: 50_000 });
    connection = await connect(m, 'woocommerce');
  });

  it('answers the ping WooCommerce sends when the webhook is created', async () => {
    const ping = await woocommerce.post('/_admin/ping');
    expect(ping.status).toBe(200);
  });

  it('a bacs order → AWAITING_PAYMENT; its order.updated to processing → SUBMITTED', async () => {
    const { order: shop, delivery } = await shopOrder(woocommerce, 'bacs');
    expect(delivery.status).toBe(200);
    const o = await platformOrder(m, 'woocommerce', String(shop.id));
    await waitForStatus(stack, m.key, o.id, 'AWAITING_PAYMENT');
    const processing = await woocommerce.post(`/_admin/orders/${shop.id}/status`, { status: 'processing' });
    expect(processing.body.delivery.status).toBe(200);
    await waitForStatus(stack, m.key, o.id, 'SUBMITTED');
    expect(await supplierOrders(stack, o.id)).toHaveLength(1);
  });

  it('a COD order → AWAITING_SHIPPING_METHOD → synchronize → SUBMITTED', async () => {
    const { order: shop } = await shopOrder(woocommerce, 'cod');
    const o = await platformOrder(m, 'woocommerce', String(shop.id));
    await waitForStatus(stack, m.key, o.id, 'AWAITING_SHIPPING_METHOD');
    await stack.api.post(`/v1/orders/${o.id}/synchronize`, { shippingMethod: 'gls' }, { key: m.key });
    await waitForStatus(stack, m.key, o.id, 'SUBMITTED');
    expect((await supplierOrders(stack, o.id))[0].cashOnDelivery).toBe(Number(shop.total));
  });

  it('shipping → the order is completed on the shop with the tracking, exactly once', async () => {
    const { order: shop } = await shopOrder(woocommerce, 'paid');
    const o = await platformOrder(m, 'woocommerce', String(shop.id));
    const submitted = await waitForStatus(stack, m.key, o.id, 'SUBMITTED');
    await stack.supplier.post(`/_admin/orders/${submitted.supplierOrderId}/ship`, {
      trackingNumber: 'DHL-555',
      carrier: 'dhl',
    });
    await waitForStatus(stack, m.key, o.id, 'SHIPPED');
    await waitFor('the tracking sent to the shop', async () =>
      (await events(stack, m.key, o.id)).some((e) => e.type === 'channel.tracking_sent'),
    );
    const completions = (await woocommerce.get('/_admin/completions')).body.completions.filter(
      (c: any) => String(c.orderId) === String(shop.id),
    );
    expect(completions).toHaveLength(1);
    expect(completions[0].trackingNumber).toBe('DHL-555');
    const notes = (await woocommerce.get(`/_admin/orders/${shop.id}`)).body.notes.filter((n: any) =>
      String(n.note).includes('DHL-555'),
    );
    expect(notes).toHaveLength(1);
  });

  it('cancel on the platform → the WooCommerce order is cancelled, and the echo does not disturb the order', async () => {
    const { order: shop } = await shopOrder(woocommerce, 'bacs');
    const o = await platformOrder(m, 'woocommerce', String(shop.id));
    await waitForStatus(stack, m.key, o.id, 'AWAITING_PAYMENT');
    const res = await stack.api.post(`/v1/orders/${o.id}/cancel`, {}, { key: m.key });
    expect(res.body).toMatchObject({ status: 'CANCELLED', channelCancelled: true });
    const cancellations = (await woocommerce.get('/_admin/cancellations')).body.cancellations.filter(
      (c: any) => String(c.orderId) === String(shop.id),
    );
    expect(cancellations).toHaveLength(1);
    await new Promise((r) => setTimeout(r, 500));
    expect((await events(stack, m.key, o.id)).filter((e) => e.type === 'signal.refused')).toHaveLength(0);
  });

  it('a wrong signature → 401 and nothing stored', async () => {
    const payload = (await woocommerce.get('/_admin/orders')).body.orders[0];
    const res = await woocommerce.post('/_admin/send', {
      topic: 'order.created',
      payload: { ...payload, id: 770000333 },
      signature: 'wrong',
    });
    expect(res.body.delivery.status).toBe(401);
    expect(await countRows('SELECT count(*) AS n FROM orders WHERE external_id = $1', ['770000333'])).toBe(0);
    const found: string[] = [];
    for await (const wf of stack.platform.temporal.workflow.list({ query: `ExternalOrderId="770000333"` }))
      found.push(wf.workflowId);
    expect(found).toEqual([]);
  });

  it('a deleted connection refuses further webhooks', async () => {
    const other = await createMerchant(stack);
    const c = await connect(other, 'woocommerce');
    expect((await stack.api.delete(`/v1/channels/${c.id}`, { key: other.key })).status).toBe(204);
    const res = await shopOrder(woocommerce, 'paid');
    expect(res.delivery.status).toBe(404);
    await woocommerce.put('/_admin/config', { webhookUrl: connection.webhookUrl, webhookSecret: WOO_SECRET });
  });
});

describe('the registered sales channels', () => {
  it('are the only types the database and the API accept for a connection', async () => {
    const m = await createMerchant(stack);
    await expectRegistryTable({
      databaseUrl: stack.databaseUrl,
      select: 'SELECT type AS key, label FROM channel_types',
      registered: salesChannels.map(({ type, label }) => ({ key: type, label })),
      foreignRow: `INSERT INTO channel_connections (id, merchant_id, type, shop_url, webhook_secret_enc, credentials_enc) VALUES ('chc_x', $1, 'not-a-channel', 'https://x', 'x', 'x')`,
      merchantId: m.id,
    });
    const res = await stack.api.post(
      '/v1/channels',
      { type: 'not-a-channel', shopUrl: 'https://shop.example', webhookSecret: 'secret-123', apiKey: 'key-12345' },
      { key: m.key },
    );
    expect(res.status).toBe(422);
  });

  it('are listed for the console: label, kind, how each shop signs and names its webhooks, its credential fields', async () => {
    const m = await createMerchant(stack);
    const res = await stack.api.get('/v1/sales-channels', { key: m.key });
    expect(res.status).toBe(200);
    for (const channel of salesChannels)
      expect(res.body.items).toContainEqual({
        type: channel.type,
        label: channel.label,
        kind: 'shop',
        webhook: {
          signatureHeader: channel.webhook.signatureHeader,
          topicHeader: channel.webhook.topicHeader,
          deliveryHeader: channel.webhook.deliveryHeader,
          topics: [...channel.webhook.topics],
        },
        credentials: Object.keys(channel.credentials.shape).map((name) => ({ name, label: expect.any(String) })),
      });
    // The labels the console's connect form shows: the field's own words ("consumerSecret" → "Consumer secret").
    for (const field of res.body.items.flatMap((c: any) => c.credentials))
      expect(field.label.replace(/ /g, '').toLowerCase(), field.label).toBe(field.name.toLowerCase());
    expect(res.body.items.filter((c: any) => c.kind !== 'shop').map((c: any) => c.type)).toEqual([
      'amazon',
      'ebay',
      'manual',
    ]);
  });
});
