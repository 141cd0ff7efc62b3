import type { AddressInfo } from 'node:net';
import express from 'express';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { isWooCommercePing, mapWooCommerceOrderWebhook, woocommerce } from '../../channels/woocommerce/index.js';
import { createWooCommerceSimulator, WooCommerceSimulatorAdmin } from '../../simulators/woocommerce/index.js';

// Webhooks out of the simulated shop, received by a real HTTP server that keeps the raw bytes, as the platform does.

const secret = 'wh-secret-4f1c9a';
const credentials = { consumerKey: 'ck_test', consumerSecret: 'cs_test' };

interface Received {
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

let received: Received[] = [];
let answerStatus = 200;
let receiver: { url: string; close(): Promise<void> };
let shop: { url: string; close(): Promise<void> };
let admin: WooCommerceSimulatorAdmin;

beforeAll(async () => {
  const app = express();
  app.post('/hook', express.raw({ type: () => true }), (req, res) => {
    received.push({ headers: req.headers, body: Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0) });
    res.status(answerStatus).json({ received: true });
  });
  receiver = await new Promise((resolve) => {
    const server = app.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      resolve({ url: `http://127.0.0.1:${port}`, close: () => new Promise((done) => server.close(() => done())) });
    });
  });
  shop = await createWooCommerceSimulator({
    ...credentials,
    webhookUrl: `${receiver.url}/hook`,
    webhookSecret: secret,
  }).listen(0);
  admin = new WooCommerceSimulatorAdmin(shop.url);
});

afterAll(async () => {
  await shop.close();
  await receiver.close();
});

beforeEach(async () => {
  await admin.reset();
  await admin.configure({ webhookUrl: `${receiver.url}/hook`, webhookSecret: secret });
  received = [];
  answerStatus = 200;
});

function only(): Received {
  expect(received).toHaveLength(1);
  return received[0]!;
}

function header(r: Received, name: string): string | undefined {
  const value = r.headers[name.toLowerCase()];
  return Array.isArray(value) ? value.join(',') : value;
}

describe('order webhooks', () => {
  it('sends order.created with the WooCommerce headers and a signature over the exact bytes', async () => {
    const { order, delivery } = await admin.createOrder('paid');
    const hit = only();
    expect(header(hit, 'content-type')).toBe('application/json');
    expect(header(hit, 'x-wc-webhook-source')).toBe('https://demo-shop.example/');
    expect(header(hit, 'x-wc-webhook-topic')).toBe('order.created');
    expect(header(hit, 'x-wc-webhook-resource')).toBe('order');
    expect(header(hit, 'x-wc-webhook-event')).toBe('created');
    expect(header(hit, 'x-wc-webhook-id')).toBe('12');
    expect(header(hit, 'x-wc-webhook-delivery-id')).toMatch(/^[0-9a-f]{32}$/);
    expect(header(hit, 'user-agent')).toMatch(/^WooCommerce\/[\d.]+ Hookshot \(WordPress\/[\d.]+\)$/);
    expect(delivery).toEqual({
      id: header(hit, 'x-wc-webhook-delivery-id'),
      attempt: 1,
      topic: 'order.created',
      status: 200,
      error: null,
    });

    const signature = header(hit, 'x-wc-webhook-signature');
    expect(woocommerce.webhook.verify(hit.body, signature, [secret])).toBe(true);
    expect(woocommerce.webhook.verify(hit.body, signature, ['another-secret'])).toBe(false);

    // PHP's encoding (escaped slashes and non-ASCII): re-serialising the parsed body would break the signature.
    const text = hit.body.toString('utf8');
    expect(text).toContain('https:\\/\\/demo-shop.example\\/wp-json\\/wc\\/v3\\/orders\\/');
    expect(text).toContain('\\u20ac');
    const reserialised = Buffer.from(JSON.stringify(JSON.parse(text)));
    expect(woocommerce.webhook.verify(reserialised, signature, [secret])).toBe(false);

    const payload = JSON.parse(text);
    expect(payload).toEqual(order);
    const event = mapWooCommerceOrderWebhook(header(hit, 'x-wc-webhook-topic')!, payload);
    expect(event).toMatchObject({ kind: 'order', externalId: String(order['id']), paid: true, cancelled: false });
  });

  it('gives every order a fresh id and every delivery a fresh delivery id', async () => {
    const first = await admin.createOrder('cod');
    const second = await admin.createOrder('cod');
    expect(first.order['id']).not.toBe(second.order['id']);
    expect(first.delivery!.id).not.toBe(second.delivery!.id);
    expect(received.map((r) => JSON.parse(r.body.toString()).id)).toEqual([first.order['id'], second.order['id']]);
  });

  it('sends order.updated when a bank transfer arrives, and the order then maps as paid', async () => {
    const { order } = await admin.createOrder('bacs');
    expect(mapWooCommerceOrderWebhook('order.created', JSON.parse(received[0]!.body.toString()))).toMatchObject({
      kind: 'order',
      paid: false,
    });

    const { delivery } = await admin.setStatus(order['id'] as number, 'processing');
    expect(received).toHaveLength(2);
    const hit = received[1]!;
    expect(header(hit, 'x-wc-webhook-topic')).toBe('order.updated');
    expect(header(hit, 'x-wc-webhook-event')).toBe('updated');
    expect(header(hit, 'x-wc-webhook-delivery-id')).toBe(delivery!.id);
    expect(woocommerce.webhook.verify(hit.body, header(hit, 'x-wc-webhook-signature'), [secret])).toBe(true);
    const payload = JSON.parse(hit.body.toString());
    expect(payload.status).toBe('processing');
    expect(payload.date_paid).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d$/);
    expect(mapWooCommerceOrderWebhook('order.updated', payload)).toMatchObject({
      kind: 'order',
      paid: true,
      cancelled: false,
    });
  });

  it('sends order.updated when the merchant cancels on the shop', async () => {
    const { order } = await admin.createOrder('paid');
    await admin.setStatus(order['id'] as number, 'cancelled');
    const payload = JSON.parse(received[1]!.body.toString());
    expect(mapWooCommerceOrderWebhook('order.updated', payload)).toMatchObject({ kind: 'order', cancelled: true });
  });

  it('redelivers with the same delivery id, identical bytes and the same signature', async () => {
    const { delivery } = await admin.createOrder('paid');
    const again = await admin.redeliver(delivery!.id);
    expect(again).toEqual({ id: delivery!.id, attempt: 2, topic: 'order.created', status: 200, error: null });
    expect(received).toHaveLength(2);
    const [first, second] = received as [Received, Received];
    expect(second.body.equals(first.body)).toBe(true);
    for (const name of [
      'x-wc-webhook-delivery-id',
      'x-wc-webhook-signature',
      'x-wc-webhook-topic',
      'x-wc-webhook-id',
    ]) {
      expect(header(second, name)).toBe(header(first, name));
    }
    const log = await admin.deliveries();
    expect(log.map((d) => [d.id, d.attempt])).toEqual([
      [delivery!.id, 1],
      [delivery!.id, 2],
    ]);
    expect(log[1]!.body).toBe(first.body.toString('utf8'));
  });

  it('records the receiver answer, including failures and an unreachable receiver', async () => {
    answerStatus = 500;
    const { delivery } = await admin.createOrder('paid');
    expect(delivery).toMatchObject({ status: 500, error: null });

    await admin.configure({ webhookUrl: 'http://127.0.0.1:9/nowhere' });
    const unreachable = await admin.createOrder('paid');
    expect(unreachable.delivery).toMatchObject({ status: null });
    expect(unreachable.delivery!.error).toBeTruthy();
  });

  it('announces changes made through the REST API with a background order.updated', async () => {
    const { order } = await admin.createOrder('paid', { send: false });
    const res = await fetch(`${shop.url}/wp-json/wc/v3/orders/${order['id']}`, {
      method: 'PUT',
      headers: {
        Authorization: `Basic ${Buffer.from(`${credentials.consumerKey}:${credentials.consumerSecret}`).toString('base64')}`,
        'Content-Type': 'application/json',
      },
      body: JSON.stringify({ status: 'cancelled' }),
    });
    expect(res.status).toBe(200);
    await expect.poll(() => received.length).toBe(1);
    expect(header(received[0]!, 'x-wc-webhook-topic')).toBe('order.updated');
    expect(JSON.parse(received[0]!.body.toString()).status).toBe('cancelled');
  });
});

describe('hand-made deliveries', () => {
  it('sends any payload with a valid, wrong or missing signature and a chosen delivery id', async () => {
    const payload = { id: 991, status: 'processing' };
    const valid = await admin.send({ topic: 'order.updated', payload, deliveryId: 'dup-1' });
    await admin.send({ topic: 'order.updated', payload, signature: 'wrong' });
    await admin.send({ topic: 'order.updated', payload, signature: 'missing' });
    expect(valid).toMatchObject({ id: 'dup-1', status: 200 });
    const [ok, wrong, missing] = received as [Received, Received, Received];
    expect(header(ok, 'x-wc-webhook-delivery-id')).toBe('dup-1');
    expect(woocommerce.webhook.verify(ok.body, header(ok, 'x-wc-webhook-signature'), [secret])).toBe(true);
    expect(header(wrong, 'x-wc-webhook-signature')).toMatch(/^[A-Za-z0-9+/]{43}=$/);
    expect(woocommerce.webhook.verify(wrong.body, header(wrong, 'x-wc-webhook-signature'), [secret])).toBe(false);
    expect(header(missing, 'x-wc-webhook-signature')).toBeUndefined();
    expect(woocommerce.webhook.verify(missing.body, header(missing, 'x-wc-webhook-signature'), [secret])).toBe(false);
  });

  it('splits other topics into resource and event', async () => {
    await admin.send({ topic: 'product.deleted', payload: { id: 612 } });
    expect(header(only(), 'x-wc-webhook-resource')).toBe('product');
    expect(header(only(), 'x-wc-webhook-event')).toBe('deleted');
    expect(mapWooCommerceOrderWebhook('product.deleted', JSON.parse(only().body.toString())).kind).toBe('ignored');
  });

  it('pings like WooCommerce: a bare form body, no signature, recognised by isWooCommercePing', async () => {
    const delivery = await admin.ping();
    expect(delivery).toMatchObject({ topic: 'ping', status: 200 });
    const hit = only();
    expect(hit.body.toString()).toBe('webhook_id=12');
    expect(header(hit, 'content-type')).toBe('application/x-www-form-urlencoded');
    expect(header(hit, 'x-wc-webhook-signature')).toBeUndefined();
    expect(isWooCommercePing(hit.body, header(hit, 'content-type'))).toBe(true);
  });

  it('uses the secret set through the admin config', async () => {
    await admin.configure({ webhookSecret: 'rotated-secret' });
    await admin.createOrder('cod');
    const hit = only();
    expect(woocommerce.webhook.verify(hit.body, header(hit, 'x-wc-webhook-signature'), ['rotated-secret'])).toBe(true);
    expect(woocommerce.webhook.verify(hit.body, header(hit, 'x-wc-webhook-signature'), [secret])).toBe(false);
  });
});
