import type { AddressInfo } from 'node:net';
import express from 'express';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ChannelRejected, ChannelTransientError } from '../../activities/channels/errors.js';
import { WooCommerceClient, type WooTracking } from '../../channels/woocommerce/client.js';
import {
  createWooCommerceSimulator,
  WooCommerceSimulatorAdmin,
  type FixtureName,
} from '../../simulators/woocommerce/index.js';

// The real client against the real simulator over HTTP on a random port: nothing is mocked.

const consumerKey = 'ck_4b1e0f7a2c9d';
const consumerSecret = 'cs_9e2d7c1b5a3f';
const tracking: WooTracking = {
  number: 'GLS7781230045',
  company: 'GLS',
  url: 'https://gls-group.com/track/GLS7781230045',
};

let shop: { url: string; close(): Promise<void> };
let admin: WooCommerceSimulatorAdmin;
let client: WooCommerceClient;

beforeAll(async () => {
  shop = await createWooCommerceSimulator({ consumerKey, consumerSecret }).listen(0);
  admin = new WooCommerceSimulatorAdmin(shop.url);
  client = new WooCommerceClient({ shopUrl: shop.url, consumerKey, consumerSecret, timeoutMs: 5_000 });
});

afterAll(async () => {
  await shop.close();
});

beforeEach(async () => {
  await admin.reset();
});

async function newOrder(fixture: FixtureName = 'paid'): Promise<string> {
  const { order } = await admin.createOrder(fixture, { send: false });
  return String(order['id']);
}

async function customerNotes(orderId: string) {
  return (await admin.order(orderId)).notes.filter((n) => n.customer_note);
}

async function caught(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (err) {
    return err;
  }
  throw new Error('expected the call to fail');
}

describe('complete', () => {
  it('marks the order completed with the tracking meta and exactly one customer note', async () => {
    const id = await newOrder();
    await expect(client.complete(id, tracking)).resolves.toEqual({ alreadyCompleted: false });

    const completions = await admin.completions();
    expect(completions).toHaveLength(1);
    expect(completions[0]).toMatchObject({
      orderId: id,
      trackingNumber: 'GLS7781230045',
      trackingProvider: 'GLS',
      trackingUrl: 'https://gls-group.com/track/GLS7781230045',
    });
    const { order } = await admin.order(id);
    expect(order['status']).toBe('completed');
    expect(order['date_completed']).toBeTruthy();
    const notes = await customerNotes(id);
    expect(notes).toHaveLength(1);
    expect(notes[0]!.note).toContain('GLS7781230045');
    expect(notes[0]!.note).toContain('GLS');
    expect(notes[0]!.note).toContain('https://gls-group.com/track/GLS7781230045');
  });

  it('is idempotent: a second call adds no note and reports alreadyCompleted', async () => {
    const id = await newOrder();
    await client.complete(id, tracking);
    await expect(client.complete(id, tracking)).resolves.toEqual({ alreadyCompleted: true });
    expect(await customerNotes(id)).toHaveLength(1);
    expect(await admin.completions()).toHaveLength(1);
  });

  it('finishes on retry when the note failed after the status change', async () => {
    const id = await newOrder('cod');
    await admin.addFault({ route: 'notes', kind: 'http_500' });
    const error = await caught(client.complete(id, tracking));
    expect(error).toBeInstanceOf(ChannelTransientError);
    expect((await admin.order(id)).order['status']).toBe('completed');
    expect(await customerNotes(id)).toHaveLength(0);

    await expect(client.complete(id, tracking)).resolves.toEqual({ alreadyCompleted: true });
    expect(await customerNotes(id)).toHaveLength(1);
    expect(await admin.completions()).toHaveLength(1);
  });

  it('adds the tracking to an order the merchant had completed by hand', async () => {
    const id = await newOrder();
    await admin.setStatus(id, 'completed', { send: false });
    await expect(client.complete(id, { ...tracking, url: null })).resolves.toEqual({ alreadyCompleted: true });
    const { order } = await admin.order(id);
    const meta = order['meta_data'] as { key: string; value: unknown }[];
    expect(meta.find((m) => m.key === '_tracking_number')?.value).toBe('GLS7781230045');
    expect(meta.find((m) => m.key === '_tracking_url')?.value).toBe('');
    const notes = await customerNotes(id);
    expect(notes).toHaveLength(1);
    expect(notes[0]!.note).not.toContain('http');
  });

  it('refuses to complete an order cancelled on the shop', async () => {
    const id = await newOrder();
    await admin.setStatus(id, 'cancelled', { send: false });
    const error = await caught(client.complete(id, tracking));
    expect(error).toBeInstanceOf(ChannelRejected);
    expect((error as ChannelRejected).message).toContain('cancelled');
    expect(await admin.completions()).toHaveLength(0);
  });
});

describe('cancel', () => {
  it('cancels once; a second call reports alreadyCancelled', async () => {
    const id = await newOrder('bacs');
    await expect(client.cancel(id)).resolves.toEqual({ alreadyCancelled: false });
    await expect(client.cancel(id)).resolves.toEqual({ alreadyCancelled: true });
    const cancellations = await admin.cancellations();
    expect(cancellations).toHaveLength(1);
    expect(cancellations[0]!.orderId).toBe(id);
    expect((await admin.order(id)).order['status']).toBe('cancelled');
  });

  it('leaves refunded orders alone and refuses to cancel a completed one', async () => {
    const refunded = await newOrder();
    await admin.setStatus(refunded, 'refunded', { send: false });
    await expect(client.cancel(refunded)).resolves.toEqual({ alreadyCancelled: true });
    expect((await admin.order(refunded)).order['status']).toBe('refunded');

    const completed = await newOrder();
    await admin.setStatus(completed, 'completed', { send: false });
    expect(await caught(client.cancel(completed))).toBeInstanceOf(ChannelRejected);
    expect(await admin.cancellations()).toHaveLength(0);
  });
});

describe('failures', () => {
  it('a 500 is transient', async () => {
    const id = await newOrder();
    await admin.addFault({ route: 'update', kind: 'http_500' });
    const error = await caught(client.cancel(id));
    expect(error).toBeInstanceOf(ChannelTransientError);
    expect((error as ChannelTransientError).status).toBe(500);
    expect((error as ChannelTransientError).message).toContain('internal_server_error');
    await expect(client.cancel(id)).resolves.toEqual({ alreadyCancelled: false });
  });

  it('a 429 is transient with the Retry-After delay', async () => {
    const id = await newOrder();
    await admin.addFault({ route: 'any', kind: 'http_429', retryAfterSeconds: 7 });
    const error = await caught(client.complete(id, tracking));
    expect(error).toBeInstanceOf(ChannelTransientError);
    expect(error).toMatchObject({ status: 429, retryAfterMs: 7000 });
  });

  it('bad credentials are rejected with 401', async () => {
    const id = await newOrder();
    const wrong = new WooCommerceClient({
      shopUrl: shop.url,
      consumerKey,
      consumerSecret: 'cs_wrong',
      timeoutMs: 5_000,
    });
    const error = await caught(wrong.complete(id, tracking));
    expect(error).toBeInstanceOf(ChannelRejected);
    expect(error).not.toBeInstanceOf(ChannelTransientError);
    expect((error as ChannelRejected).status).toBe(401);
    expect((error as ChannelRejected).message).toContain('woocommerce_rest_cannot_view');
    expect(await admin.completions()).toHaveLength(0);
  });

  it('an unknown order is rejected with 404', async () => {
    const error = await caught(client.cancel('987654'));
    expect(error).toBeInstanceOf(ChannelRejected);
    expect(error).toMatchObject({ status: 404 });
    expect((error as Error).message).toContain('woocommerce_rest_shop_order_invalid_id');
  });

  it('a slow shop times out as transient', async () => {
    const id = await newOrder();
    const impatient = new WooCommerceClient({ shopUrl: `${shop.url}/`, consumerKey, consumerSecret, timeoutMs: 200 });
    await admin.addFault({ route: 'read', kind: 'slow', delayMs: 1500 });
    const error = await caught(impatient.cancel(id));
    expect(error).toBeInstanceOf(ChannelTransientError);
    expect(error).toMatchObject({ status: null });
    expect((error as Error).message).toMatch(/within 200 ms/);
  });

  it('an unreachable shop is transient', async () => {
    const offline = new WooCommerceClient({
      shopUrl: 'http://127.0.0.1:9',
      consumerKey,
      consumerSecret,
      timeoutMs: 2_000,
    });
    const error = await caught(offline.cancel('5001'));
    expect(error).toBeInstanceOf(ChannelTransientError);
    expect(error).toMatchObject({ status: null, retryAfterMs: null });
  });
});

describe('WordPress quirks', () => {
  let quirky: { url: string; close(): Promise<void> };
  const order = { id: 42, status: 'processing', meta_data: [] };

  beforeAll(async () => {
    const app = express();
    app.get('/moved/wp-json/wc/v3/orders/:id', (_req, res) =>
      res.redirect(301, 'https://shop.example/wp-json/wc/v3/orders/42'),
    );
    app.get('/maintenance/wp-json/wc/v3/orders/:id', (_req, res) =>
      res.status(200).type('html').send('<h1>Briefly unavailable for scheduled maintenance.</h1>'),
    );
    app.get('/noisy/wp-json/wc/v3/orders/:id', (_req, res) =>
      res
        .status(200)
        .type('json')
        .send(
          `\n<b>Deprecated</b>: Creation of dynamic property in /wp-content/plugins/x.php on line 12<br />\n${JSON.stringify(order)}`,
        ),
    );
    app.put('/noisy/wp-json/wc/v3/orders/:id', (_req, res) =>
      res
        .status(200)
        .type('json')
        .send(`\uFEFF${JSON.stringify({ ...order, status: 'cancelled' })}`),
    );
    app.put('/vetoed/wp-json/wc/v3/orders/:id', (_req, res) => res.json(order));
    app.get('/vetoed/wp-json/wc/v3/orders/:id', (_req, res) => res.json(order));
    quirky = await new Promise((resolve) => {
      const server = app.listen(0, '127.0.0.1', () => {
        const { port } = server.address() as AddressInfo;
        resolve({ url: `http://127.0.0.1:${port}`, close: () => new Promise((done) => server.close(() => done())) });
      });
    });
  });

  afterAll(async () => {
    await quirky.close();
  });

  const at = (path: string) =>
    new WooCommerceClient({ shopUrl: `${quirky.url}${path}`, consumerKey, consumerSecret, timeoutMs: 2_000 });

  it('reports a redirect instead of following it without credentials', async () => {
    const error = await caught(at('/moved').cancel('42'));
    expect(error).toBeInstanceOf(ChannelRejected);
    expect(error).toMatchObject({ status: 301 });
    expect((error as Error).message).toContain('https://shop.example/');
  });

  it('treats a 200 HTML page as transient', async () => {
    const error = await caught(at('/maintenance').cancel('42'));
    expect(error).toBeInstanceOf(ChannelTransientError);
    expect((error as Error).message).toContain('maintenance');
  });

  it('reads JSON behind PHP notices and a BOM', async () => {
    await expect(at('/noisy').cancel('42')).resolves.toEqual({ alreadyCancelled: false });
  });

  it('refuses to report success when the shop kept another status', async () => {
    const error = await caught(at('/vetoed').cancel('42'));
    expect(error).toBeInstanceOf(ChannelRejected);
    expect((error as Error).message).toContain('processing');
  });
});
