import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { mapShopifyOrderWebhook, shopify } from '../../channels/shopify/index.js';
import { createShopifySimulator, ShopifySimulatorAdmin } from '../../simulators/shopify/index.js';

// The shop's webhooks as a platform endpoint receives them: raw bytes and headers over a real socket.

const secret = 'whsec-test-3f1c9a';

interface Received {
  headers: IncomingHttpHeaders;
  body: Buffer;
}

let received: Received[] = [];
let answerStatus = 200;
let receiver: { url: string; close(): Promise<void> };
let shop: { url: string; close(): Promise<void> };
let admin: ShopifySimulatorAdmin;

async function startReceiver(): Promise<{ url: string; close(): Promise<void> }> {
  const app = express();
  app.post('/webhooks/shopify/chc_test', express.raw({ type: () => true, limit: '1mb' }), (req, res) => {
    received.push({ headers: req.headers, body: Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0) });
    res.status(answerStatus).end();
  });
  const server = createServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/webhooks/shopify/chc_test`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

function only(): Received {
  expect(received).toHaveLength(1);
  return received[0]!;
}

beforeAll(async () => {
  receiver = await startReceiver();
  shop = await createShopifySimulator({
    accessToken: 'shpat_test',
    webhookUrl: receiver.url,
    webhookSecret: secret,
  }).listen(0);
  admin = new ShopifySimulatorAdmin(shop.url);
});

afterAll(async () => {
  await shop.close();
  await receiver.close();
});

beforeEach(async () => {
  await admin.reset();
  await admin.configure({ webhookUrl: receiver.url, webhookSecret: secret });
  received = [];
  answerStatus = 200;
});

describe('orders/create delivery', () => {
  it('carries every Shopify header and a body signed with the webhook secret', async () => {
    const { order, delivery } = await admin.createOrder('paid');
    const got = only();
    expect(delivery).toMatchObject({ topic: 'orders/create', status: 200 });
    expect(got.headers).toMatchObject({
      'content-type': 'application/json',
      'x-shopify-topic': 'orders/create',
      'x-shopify-shop-domain': 'demo-shop.myshopify.com',
      'x-shopify-webhook-id': delivery!.id,
      'x-shopify-api-version': '2024-10',
    });
    expect(got.headers['x-shopify-webhook-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(got.headers['x-shopify-event-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(Number.isNaN(Date.parse(String(got.headers['x-shopify-triggered-at'])))).toBe(false);

    const signature = got.headers['x-shopify-hmac-sha256'] as string;
    expect(shopify.webhook.verify(got.body, signature, [secret])).toBe(true);
    expect(shopify.webhook.verify(got.body, signature, ['another-secret'])).toBe(false);
    expect(JSON.parse(got.body.toString('utf8'))).toEqual(order);
  });

  it('gives each order a fresh id and number, and the body maps to a platform order', async () => {
    const first = await admin.createOrder('cod');
    const second = await admin.createOrder('cod');
    expect(first.order['id']).not.toBe(second.order['id']);
    expect(first.order['name']).not.toBe(second.order['name']);
    const event = mapShopifyOrderWebhook('orders/create', JSON.parse(received[1]!.body.toString('utf8')));
    expect(event).toMatchObject({
      kind: 'order',
      externalId: String(second.order['id']),
      order: { payment: { method: 'cod' } },
    });
  });

  it('records the platform answer, whatever it is', async () => {
    answerStatus = 401;
    const { delivery } = await admin.createOrder('paid');
    expect(delivery?.status).toBe(401);
    const [recorded] = await admin.deliveries();
    expect(recorded).toMatchObject({ id: delivery!.id, topic: 'orders/create', status: 401 });
    expect(recorded!.body).toBe(received[0]!.body.toString('utf8'));
  });

  it('creates the order silently with send: false', async () => {
    const { order, delivery } = await admin.createOrder('paid', { send: false });
    expect(delivery).toBeNull();
    expect(received).toHaveLength(0);
    expect((await admin.order(order['id'] as number)).order['id']).toBe(order['id']);
  });

  it('deep-merges overrides into the fixture', async () => {
    const { order } = await admin.createOrder('paid', {
      overrides: {
        id: 777,
        shipping_address: { city: 'Bergamo', zip: '24121' },
        line_items: [{ id: 1, sku: 'BB-1003', quantity: 2, title: 'Lampada' }],
      },
    });
    const sent = JSON.parse(received[0]!.body.toString('utf8'));
    expect(sent).toEqual(order);
    expect(sent).toMatchObject({
      id: 777,
      admin_graphql_api_id: 'gid://shopify/Order/777',
      shipping_address: { city: 'Bergamo', zip: '24121', address1: 'Corso Buenos Aires 45' },
    });
    expect(sent.line_items).toEqual([{ id: 1, sku: 'BB-1003', quantity: 2, title: 'Lampada' }]);
  });
});

describe('redelivery (at least once)', () => {
  it('sends the same id, headers and byte-identical body again', async () => {
    const { delivery } = await admin.createOrder('bank_deposit');
    const again = await admin.redeliver(delivery!.id);
    expect(again).toMatchObject({ id: delivery!.id, status: 200 });
    expect(received).toHaveLength(2);
    const [first, second] = received as [Received, Received];
    expect(second.headers['x-shopify-webhook-id']).toBe(first.headers['x-shopify-webhook-id']);
    expect(second.headers['x-shopify-hmac-sha256']).toBe(first.headers['x-shopify-hmac-sha256']);
    expect(second.headers['x-shopify-event-id']).toBe(first.headers['x-shopify-event-id']);
    expect(second.body.equals(first.body)).toBe(true);
    const [recorded] = await admin.deliveries();
    expect(recorded?.attempts).toHaveLength(2);
  });

  it('answers 404 for an unknown delivery', async () => {
    const res = await fetch(`${shop.url}/_admin/deliveries/nope/redeliver`, { method: 'POST' });
    expect(res.status).toBe(404);
  });
});

describe('pay and cancel in the shop', () => {
  it('sends orders/paid with financial_status paid', async () => {
    const { order } = await admin.createOrder('bank_deposit');
    const paid = await admin.pay(order['id'] as number);
    expect(paid.delivery).toMatchObject({ topic: 'orders/paid', status: 200 });
    const got = received[1]!;
    expect(got.headers['x-shopify-topic']).toBe('orders/paid');
    expect(shopify.webhook.verify(got.body, got.headers['x-shopify-hmac-sha256'] as string, [secret])).toBe(true);
    const event = mapShopifyOrderWebhook('orders/paid', JSON.parse(got.body.toString('utf8')));
    expect(event).toMatchObject({ kind: 'order', paid: true, cancelled: false });
  });

  it('sends orders/cancelled with cancelled_at set', async () => {
    const { order } = await admin.createOrder('cod');
    const cancelled = await admin.cancel(order['id'] as number, 'customer');
    expect(cancelled.order['cancelled_at']).toEqual(expect.any(String));
    expect(received[1]!.headers['x-shopify-topic']).toBe('orders/cancelled');
    const event = mapShopifyOrderWebhook('orders/cancelled', JSON.parse(received[1]!.body.toString('utf8')));
    expect(event).toMatchObject({ kind: 'order', cancelled: true });
  });

  it('sends orders/updated after an order edit, with the added product mapped', async () => {
    const { order } = await admin.createOrder('paid');
    const edited = await admin.editOrder(order['id'] as number, {
      addLineItems: [{ sku: 'BB-1008', quantity: 1, title: 'Presa smart', price: '29.99' }],
    });
    expect(edited.delivery).toMatchObject({ topic: 'orders/updated', status: 200 });
    const event = mapShopifyOrderWebhook('orders/updated', JSON.parse(received[1]!.body.toString('utf8')));
    expect(event).toMatchObject({
      kind: 'order',
      order: {
        items: [
          { sku: 'BB-1009', quantity: 1 },
          { sku: 'BB-1008', quantity: 1 },
        ],
      },
    });
  });

  it('refuses paying a cancelled order and cancelling twice with 409', async () => {
    const { order } = await admin.createOrder('bank_deposit', { send: false });
    await admin.cancel(order['id'] as number);
    const pay = await fetch(`${shop.url}/_admin/orders/${order['id']}/pay`, { method: 'POST' });
    const cancel = await fetch(`${shop.url}/_admin/orders/${order['id']}/cancel`, { method: 'POST' });
    expect([pay.status, cancel.status]).toEqual([409, 409]);
  });
});

describe('raw deliveries for signature tests', () => {
  const payload = { id: 1, line_items: [] };

  it('signs validly by default and uses the given delivery id', async () => {
    const delivery = await admin.send({ topic: 'orders/updated', payload, deliveryId: 'dup-1' });
    expect(delivery).toMatchObject({ id: 'dup-1', status: 200 });
    const got = only();
    expect(got.headers['x-shopify-webhook-id']).toBe('dup-1');
    expect(got.body.toString('utf8')).toBe(JSON.stringify(payload));
    expect(shopify.webhook.verify(got.body, got.headers['x-shopify-hmac-sha256'] as string, [secret])).toBe(true);
  });

  it('sends a well-formed but wrong signature', async () => {
    await admin.send({ topic: 'orders/create', payload, signature: 'wrong' });
    const signature = only().headers['x-shopify-hmac-sha256'] as string;
    expect(signature).toMatch(/^[A-Za-z0-9+/]{43}=$/);
    expect(shopify.webhook.verify(only().body, signature, [secret])).toBe(false);
  });

  it('leaves the signature header out', async () => {
    await admin.send({ topic: 'orders/create', payload, signature: 'missing' });
    expect(only().headers['x-shopify-hmac-sha256']).toBeUndefined();
  });

  it('records an error instead of sending when no webhook URL is configured', async () => {
    await admin.configure({ webhookUrl: null });
    const delivery = await admin.send({ topic: 'orders/create', payload });
    expect(delivery.status).toBeNull();
    expect(delivery.error).toMatch(/webhook URL/);
    expect(received).toHaveLength(0);
  });

  it('reports an endpoint that cannot be reached', async () => {
    await admin.configure({ webhookUrl: 'http://127.0.0.1:1/unreachable' });
    const delivery = await admin.send({ topic: 'orders/create', payload });
    expect(delivery.status).toBeNull();
    expect(delivery.error).toBeTruthy();
  });
});
