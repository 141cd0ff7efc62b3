import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createWooCommerceSimulator, WooCommerceSimulatorAdmin } from '../../simulators/woocommerce/index.js';

// The simulated shop's wire format and admin surface, checked with plain fetch so no client leniency hides a mistake.

const consumerKey = 'ck_sim';
const consumerSecret = 'cs_sim';
const auth = `Basic ${Buffer.from(`${consumerKey}:${consumerSecret}`).toString('base64')}`;

let shop: { url: string; close(): Promise<void> };
let admin: WooCommerceSimulatorAdmin;

beforeAll(async () => {
  shop = await createWooCommerceSimulator({ consumerKey, consumerSecret, shopUrl: 'https://tienda.example' }).listen(0);
  admin = new WooCommerceSimulatorAdmin(shop.url);
});

afterAll(async () => {
  await shop.close();
});

beforeEach(async () => {
  await admin.reset();
  await admin.configure({ webhookUrl: null });
});

async function call(
  method: string,
  path: string,
  init: { body?: unknown; raw?: string; headers?: Record<string, string> } = {},
) {
  const res = await fetch(`${shop.url}${path}`, {
    method,
    headers: { 'Content-Type': 'application/json', ...init.headers },
    ...(init.raw !== undefined
      ? { body: init.raw }
      : init.body === undefined
        ? {}
        : { body: JSON.stringify(init.body) }),
  });
  const text = await res.text();
  let json: any;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, text, json };
}

const rest = (method: string, path: string, body?: unknown) =>
  call(method, `/wp-json/wc/v3${path}`, { headers: { Authorization: auth }, ...(body === undefined ? {} : { body }) });

describe('REST API', () => {
  it('requires the consumer key and secret', async () => {
    const { order } = await admin.createOrder('paid', { send: false });
    const anonymous = await call('GET', `/wp-json/wc/v3/orders/${order['id']}`);
    expect(anonymous.status).toBe(401);
    expect(anonymous.json).toEqual({
      code: 'woocommerce_rest_cannot_view',
      message: expect.any(String),
      data: { status: 401 },
    });
    const wrong = await call('GET', `/wp-json/wc/v3/orders/${order['id']}`, {
      headers: { Authorization: `Basic ${Buffer.from(`${consumerKey}:nope`).toString('base64')}` },
    });
    expect(wrong.status).toBe(401);
  });

  it('returns the order as WooCommerce encodes it, links on the shop URL', async () => {
    const { order } = await admin.createOrder('bacs', { send: false });
    const res = await rest('GET', `/orders/${order['id']}`);
    expect(res.status).toBe(200);
    expect(res.json).toEqual(order);
    expect(res.text).toContain(`https:\\/\\/tienda.example\\/wp-json\\/wc\\/v3\\/orders\\/${order['id']}`);
    expect(res.text).toContain('Calle de Alcal\\u00e1 123');
  });

  it('answers unknown orders and routes like WordPress', async () => {
    expect((await rest('GET', '/orders/999999')).json).toEqual({
      code: 'woocommerce_rest_shop_order_invalid_id',
      message: 'Invalid ID.',
      data: { status: 404 },
    });
    const noRoute = await rest('GET', '/orders/abc');
    expect(noRoute.status).toBe(404);
    expect(noRoute.json.code).toBe('rest_no_route');
  });

  it('refuses an unknown status and bad JSON with 400', async () => {
    const { order } = await admin.createOrder('paid', { send: false });
    const badStatus = await rest('PUT', `/orders/${order['id']}`, { status: 'shipped' });
    expect(badStatus.status).toBe(400);
    expect(badStatus.json.code).toBe('rest_invalid_param');
    const badJson = await call('PUT', `/wp-json/wc/v3/orders/${order['id']}`, {
      raw: '{"status":',
      headers: { Authorization: auth },
    });
    expect(badJson.status).toBe(400);
    expect(badJson.json.code).toBe('rest_invalid_json');
    const noNote = await rest('POST', `/orders/${order['id']}/notes`, { customer_note: true });
    expect(noNote.status).toBe(400);
    expect(noNote.json.code).toBe('rest_missing_callback_param');
  });

  it('updates meta by key and lists notes newest first, filtered by type', async () => {
    const { order } = await admin.createOrder('paid', { send: false });
    await rest('PUT', `/orders/${order['id']}`, { meta_data: [{ key: '_tracking_number', value: 'A1' }] });
    const updated = await rest('PUT', `/orders/${order['id']}`, {
      meta_data: [{ key: '_tracking_number', value: 'B2' }],
    });
    const tracking = (updated.json.meta_data as { key: string; value: string }[]).filter(
      (m) => m.key === '_tracking_number',
    );
    expect(tracking).toEqual([expect.objectContaining({ value: 'B2' })]);

    const created = await rest('POST', `/orders/${order['id']}/notes`, { note: 'Shipped', customer_note: true });
    expect(created.status).toBe(201);
    expect(created.json).toMatchObject({ note: 'Shipped', customer_note: true, author: 'system' });
    const all = await rest('GET', `/orders/${order['id']}/notes`);
    expect(all.json[0].note).toBe('Shipped');
    expect(all.json.length).toBeGreaterThan(1);
    const customer = await rest('GET', `/orders/${order['id']}/notes?type=customer`);
    expect(customer.json.map((n: { note: string }) => n.note)).toEqual(['Shipped']);
  });
});

describe('admin', () => {
  it('creates orders from fixtures with fresh ids, deep-merging overrides', async () => {
    const a = await admin.createOrder('paid', { send: false });
    const b = await admin.createOrder('paid', { send: false });
    expect(a.order['id']).not.toBe(b.order['id']);
    expect(a.order['order_key']).not.toBe(b.order['order_key']);
    expect(a.delivery).toBeNull();

    const custom = await admin.createOrder('cod', {
      send: false,
      overrides: {
        id: 77001,
        shipping: { address_1: '' },
        line_items: [{ id: 1, name: 'Bottle', sku: 'BB-1001', quantity: 3 }],
      },
    });
    expect(custom.order).toMatchObject({
      id: 77001,
      number: '77001',
      payment_method: 'cod',
      status: 'processing',
      date_paid: null,
    });
    expect(custom.order['shipping']).toMatchObject({ first_name: 'Anna', address_1: '', city: 'Napoli' });
    expect(custom.order['line_items']).toEqual([{ id: 1, name: 'Bottle', sku: 'BB-1001', quantity: 3 }]);
    const next = await admin.createOrder('paid', { send: false });
    expect(next.order['id']).not.toBe(77001);
  });

  it('sets date_paid when an on-hold order moves to processing, not for cash on delivery', async () => {
    const { order } = await admin.createOrder('bacs', { send: false });
    expect(order['date_paid']).toBeNull();
    const paid = await admin.setStatus(order['id'] as number, 'processing', { send: false });
    expect(paid.order['date_paid']).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d$/);
    expect(paid.order['date_paid_gmt']).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d$/);

    const cod = await admin.createOrder('cod', { send: false });
    const held = await admin.setStatus(cod.order['id'] as number, 'on-hold', { send: false });
    const back = await admin.setStatus(held.order['id'] as number, 'processing', { send: false });
    expect(back.order['date_paid']).toBeNull();
    const delivered = await admin.setStatus(cod.order['id'] as number, 'completed', { send: false });
    expect(delivered.order['date_paid']).not.toBeNull();
    expect(delivered.order['date_completed']).not.toBeNull();
  });

  it('keeps admin status changes out of the completions and cancellations the platform made', async () => {
    const { order } = await admin.createOrder('paid', { send: false });
    await admin.setStatus(order['id'] as number, 'cancelled', { send: false });
    expect(await admin.cancellations()).toEqual([]);
    const { notes } = await admin.order(order['id'] as number);
    expect(notes.at(-1)!.note).toBe('Order status changed from Processing to Cancelled.');
  });

  it.each([
    ['POST', '/_admin/orders', { fixture: 'paypal' }],
    ['POST', '/_admin/orders', { fixture: 'paid', overrides: { id: -3 }, send: false }],
    ['POST', '/_admin/orders', { fixture: 'paid', overrides: 'nope' }],
    ['POST', '/_admin/orders', { fixture: 'paid', extra: 1 }],
    ['PUT', '/_admin/config', { webhookUrl: 'not a url' }],
    ['PUT', '/_admin/config', { webhookSecret: '' }],
    ['POST', '/_admin/faults', { route: 'update', kind: 'explode' }],
    ['POST', '/_admin/faults', { route: 'update', kind: 'slow', delayMs: -1 }],
    ['POST', '/_admin/send', { payload: {} }],
  ])('%s %s %o → 400', async (method, path, body) => {
    const res = await call(method, path, { body });
    expect(res.status).toBe(400);
    expect(res.json.issues.length).toBeGreaterThan(0);
  });

  it('answers bad JSON, unknown orders, duplicates and missing webhook URLs with 4xx', async () => {
    expect((await call('POST', '/_admin/orders', { raw: '{' })).status).toBe(400);
    expect((await call('GET', '/_admin/orders/123456')).status).toBe(404);
    expect((await call('POST', '/_admin/orders/abc/status', { body: { status: 'completed' } })).status).toBe(404);
    expect((await call('POST', '/_admin/deliveries/nope/redeliver')).status).toBe(404);
    await admin.createOrder('paid', { send: false, overrides: { id: 424242 } });
    expect(
      (await call('POST', '/_admin/orders', { body: { fixture: 'paid', send: false, overrides: { id: 424242 } } }))
        .status,
    ).toBe(409);
    expect((await call('POST', '/_admin/orders', { body: { fixture: 'paid' } })).status).toBe(409);
    expect((await call('POST', '/_admin/ping')).status).toBe(409);
    expect((await call('POST', '/_admin/send', { body: { topic: 'order.created', payload: {} } })).status).toBe(409);
    expect((await call('GET', '/_admin/nothing-here')).status).toBe(404);
  });

  it('reset forgets orders and faults but keeps the webhook settings', async () => {
    await admin.configure({ webhookSecret: 'kept' });
    await admin.createOrder('paid', { send: false });
    await admin.addFault({ route: 'any', kind: 'http_500', times: 5 });
    await admin.reset();
    expect((await call('GET', '/_admin/orders')).json.orders).toEqual([]);
    expect((await call('GET', '/_admin/faults')).json.faults).toEqual([]);
    expect((await admin.config()).secret).toBe('kept');
    expect((await admin.config()).shopUrl).toBe('https://tienda.example/');
  });
});
