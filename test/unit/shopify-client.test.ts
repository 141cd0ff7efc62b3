import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ChannelRejected, ChannelTransientError } from '../../activities/channels/errors.js';
import { ShopifyClient, type ShopifyTracking } from '../../channels/shopify/client.js';
import { createShopifySimulator, ShopifySimulatorAdmin } from '../../simulators/shopify/index.js';

// The production client against the simulator over HTTP: no mocks on either side.

const accessToken = 'shpat_client_test';
let shop: { url: string; close(): Promise<void> };
let admin: ShopifySimulatorAdmin;
let client: ShopifyClient;

const tracking: ShopifyTracking = {
  number: 'GLS7000001001',
  company: 'GLS',
  url: 'https://gls-group.com/track/GLS7000001001',
};

beforeAll(async () => {
  shop = await createShopifySimulator({ accessToken }).listen(0);
  admin = new ShopifySimulatorAdmin(shop.url);
  client = new ShopifyClient({ shopUrl: shop.url, accessToken, timeoutMs: 2000 });
});

afterAll(async () => {
  await shop.close();
});

beforeEach(async () => {
  await admin.reset();
});

async function newOrder(fixture: 'paid' | 'cod' | 'bank_deposit' = 'paid'): Promise<string> {
  const { order } = await admin.createOrder(fixture, { send: false });
  return String(order['id']);
}

async function failure(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (err) {
    return err;
  }
  throw new Error('expected the call to fail');
}

describe('fulfill', () => {
  it('creates one fulfilment carrying the tracking and closes the fulfilment orders', async () => {
    const orderId = await newOrder('cod');
    const result = await client.fulfill(orderId, tracking);
    expect(result.alreadyFulfilled).toBe(false);
    expect(await admin.fulfillments()).toEqual([
      {
        id: result.fulfillmentId,
        orderId,
        trackingNumber: 'GLS7000001001',
        trackingCompany: 'GLS',
        trackingUrl: 'https://gls-group.com/track/GLS7000001001',
        createdAt: expect.any(String),
      },
    ]);
    const { order, fulfillmentOrders } = await admin.order(orderId);
    expect(order['fulfillment_status']).toBe('fulfilled');
    expect(fulfillmentOrders.map((fo) => fo['status'])).toEqual(['closed']);
  });

  it('is idempotent: a second call finds the fulfilment by its tracking number', async () => {
    const orderId = await newOrder();
    const first = await client.fulfill(orderId, tracking);
    const second = await client.fulfill(orderId, { ...tracking, number: ' gls7000001001 ' });
    expect(second).toEqual({ fulfillmentId: first.fulfillmentId, alreadyFulfilled: true });
    expect(await admin.fulfillments()).toHaveLength(1);
  });

  it('finds its fulfilment by tracking number even when an order edit opened new work since', async () => {
    const orderId = await newOrder();
    const first = await client.fulfill(orderId, tracking);
    await admin.editOrder(orderId, { addLineItems: [{ sku: 'BB-1001', quantity: 1 }], send: false });
    expect(await client.fulfill(orderId, tracking)).toEqual({
      fulfillmentId: first.fulfillmentId,
      alreadyFulfilled: true,
    });
    expect(await admin.fulfillments()).toHaveLength(1);
    // The added product was not in the supplier's parcel: it stays to fulfil, under its own tracking later.
    const second = await client.fulfill(orderId, { ...tracking, number: 'GLS7000001002' });
    expect(second.alreadyFulfilled).toBe(false);
    expect((await admin.fulfillments()).map((f) => f.trackingNumber)).toEqual(['GLS7000001001', 'GLS7000001002']);
  });

  it('does not add a second fulfilment to an order fulfilled some other way', async () => {
    const orderId = await newOrder();
    const first = await client.fulfill(orderId, { number: 'MANUAL-1', company: 'Other', url: null });
    const second = await client.fulfill(orderId, tracking);
    expect(second).toEqual({ fulfillmentId: first.fulfillmentId, alreadyFulfilled: true });
    expect(await admin.fulfillments()).toHaveLength(1);
  });

  it('sends no tracking url when there is none', async () => {
    const orderId = await newOrder();
    await client.fulfill(orderId, { number: 'CORR123', company: 'Correos', url: null });
    expect((await admin.fulfillments())[0]).toMatchObject({ trackingNumber: 'CORR123', trackingUrl: null });
  });

  it('refuses an order cancelled before it shipped', async () => {
    const orderId = await newOrder();
    await client.cancel(orderId, 'customer');
    const err = await failure(client.fulfill(orderId, tracking));
    expect(err).toBeInstanceOf(ChannelRejected);
    expect((err as Error).message).toMatch(/nothing to fulfil now.*closed/);
    expect(await admin.fulfillments()).toHaveLength(0);
  });

  it('is rejected with 404 for an unknown order', async () => {
    const err = await failure(client.fulfill('123456789', tracking));
    expect(err).toBeInstanceOf(ChannelRejected);
    expect((err as ChannelRejected).status).toBe(404);
  });
});

describe('cancel', () => {
  it('cancels once; the second call is already cancelled', async () => {
    const orderId = await newOrder('bank_deposit');
    expect(await client.cancel(orderId, 'inventory')).toEqual({ alreadyCancelled: false });
    expect(await client.cancel(orderId, 'inventory')).toEqual({ alreadyCancelled: true });
    expect(await admin.cancellations()).toEqual([{ orderId, reason: 'inventory', at: expect.any(String) }]);
    expect((await admin.order(orderId)).order['cancel_reason']).toBe('inventory');
  });

  it('accepts the GraphQL id form', async () => {
    const orderId = await newOrder();
    expect(await client.cancel(`gid://shopify/Order/${orderId}`, 'staff')).toEqual({ alreadyCancelled: false });
  });

  it('is rejected when Shopify refuses for another reason (the order has shipped)', async () => {
    const orderId = await newOrder();
    await client.fulfill(orderId, tracking);
    const err = await failure(client.cancel(orderId, 'customer'));
    expect(err).toBeInstanceOf(ChannelRejected);
    expect((err as ChannelRejected).status).toBe(422);
    expect(await admin.cancellations()).toHaveLength(0);
  });
});

describe('failures', () => {
  it('a 500 is transient, and the retry then succeeds', async () => {
    const orderId = await newOrder();
    await admin.addFault({ route: 'fulfillment', kind: 'http_500' });
    const err = await failure(client.fulfill(orderId, tracking));
    expect(err).toBeInstanceOf(ChannelTransientError);
    expect((err as ChannelTransientError).status).toBe(500);
    expect(await admin.fulfillments()).toHaveLength(0);
    expect((await client.fulfill(orderId, tracking)).alreadyFulfilled).toBe(false);
  });

  it('a 429 is transient with retryAfterMs from Retry-After', async () => {
    const orderId = await newOrder();
    await admin.addFault({ route: 'cancel', kind: 'http_429', retryAfterSeconds: 3 });
    const err = await failure(client.cancel(orderId, 'other'));
    expect(err).toBeInstanceOf(ChannelTransientError);
    expect(err).toMatchObject({ status: 429, retryAfterMs: 3000 });
  });

  it('an answer lost after Shopify fulfilled is recovered by the retry', async () => {
    const orderId = await newOrder();
    await admin.addFault({ route: 'fulfillment', kind: 'slow', delayMs: 400 });
    const impatient = new ShopifyClient({ shopUrl: shop.url, accessToken, timeoutMs: 200 });
    expect(await failure(impatient.fulfill(orderId, tracking))).toBeInstanceOf(ChannelTransientError);
    // The simulator goes on and creates the fulfilment after the delay, as a slow Shopify would.
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(await client.fulfill(orderId, tracking)).toMatchObject({ alreadyFulfilled: true });
    expect(await admin.fulfillments()).toHaveLength(1);
  });

  it('two concurrent pushes of the same tracking make one fulfilment', async () => {
    const orderId = await newOrder();
    // The first create is held 300 ms; the second reads while it is held, then is held longer and meets Shopify's 422.
    await admin.addFault({ route: 'fulfillment', kind: 'slow', delayMs: 300 });
    await admin.addFault({ route: 'fulfillment', kind: 'slow', delayMs: 600 });
    const first = client.fulfill(orderId, tracking);
    await new Promise((resolve) => setTimeout(resolve, 100));
    const second = client.fulfill(orderId, tracking);
    const [a, b] = await Promise.all([first, second]);
    expect(a.alreadyFulfilled).toBe(false);
    expect(b).toEqual({ fulfillmentId: a.fulfillmentId, alreadyFulfilled: true });
    expect(await admin.fulfillments()).toHaveLength(1);
  });

  it('a slow answer past the timeout is transient', async () => {
    const orderId = await newOrder();
    await admin.addFault({ route: 'any', kind: 'slow', delayMs: 1000 });
    const impatient = new ShopifyClient({ shopUrl: shop.url, accessToken, timeoutMs: 200 });
    const err = await failure(impatient.cancel(orderId, 'other'));
    expect(err).toBeInstanceOf(ChannelTransientError);
    expect((err as Error).message).toMatch(/within 200 ms/);
  });

  it('an unreachable shop is transient', async () => {
    const offline = new ShopifyClient({ shopUrl: 'http://127.0.0.1:1', accessToken, timeoutMs: 1000 });
    const err = await failure(offline.cancel('1', 'other'));
    expect(err).toBeInstanceOf(ChannelTransientError);
    expect((err as ChannelTransientError).status).toBeNull();
  });

  it('a wrong token is rejected with 401', async () => {
    const orderId = await newOrder();
    const intruder = new ShopifyClient({ shopUrl: shop.url, accessToken: 'shpat_wrong', timeoutMs: 2000 });
    for (const call of [intruder.fulfill(orderId, tracking), intruder.cancel(orderId, 'other')]) {
      const err = await failure(call);
      expect(err).toBeInstanceOf(ChannelRejected);
      expect((err as ChannelRejected).status).toBe(401);
      expect((err as Error).message).toContain('Invalid API key or access token');
    }
    expect(await admin.cancellations()).toHaveLength(0);
  });

  it('a token changed in the shop settings takes effect', async () => {
    const orderId = await newOrder();
    await admin.configure({ accessToken: 'shpat_rotated' });
    try {
      expect(await failure(client.cancel(orderId, 'other'))).toBeInstanceOf(ChannelRejected);
      const rotated = new ShopifyClient({ shopUrl: shop.url, accessToken: 'shpat_rotated', timeoutMs: 2000 });
      expect(await rotated.cancel(orderId, 'other')).toEqual({ alreadyCancelled: false });
    } finally {
      await admin.configure({ accessToken });
    }
  });

  it('refuses an id that is not a Shopify order id without calling the shop', async () => {
    expect(await failure(client.cancel('order-12', 'other'))).toBeInstanceOf(ChannelRejected);
  });
});
