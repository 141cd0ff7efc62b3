import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createShopifySimulator, ShopifySimulatorAdmin } from '../../simulators/shopify/index.js';

// The simulator's Admin API and /_admin surface on the wire, with plain fetch so no client leniency hides a mistake.

const accessToken = 'shpat_wire_test';
let shop: { url: string; close(): Promise<void> };
let admin: ShopifySimulatorAdmin;

beforeAll(async () => {
  shop = await createShopifySimulator({ accessToken }).listen(0);
  admin = new ShopifySimulatorAdmin(shop.url);
});

afterAll(async () => {
  await shop.close();
});

beforeEach(async () => {
  await admin.reset();
});

async function call(
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = { 'X-Shopify-Access-Token': accessToken },
) {
  const res = await fetch(`${shop.url}${path}`, {
    method,
    headers: { ...headers, ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
    ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, json: text ? (JSON.parse(text) as any) : undefined };
}

const api = (path: string) => `/admin/api/2024-10${path}`;

describe('Admin API', () => {
  it('answers 401 with Shopify wording without the right token', async () => {
    const { order } = await admin.createOrder('paid', { send: false });
    for (const headers of [{}, { 'X-Shopify-Access-Token': 'nope' }] as Record<string, string>[]) {
      const res = await call('GET', api(`/orders/${order['id']}.json`), undefined, headers);
      expect(res).toMatchObject({
        status: 401,
        json: { errors: '[API] Invalid API key or access token (unrecognized login or wrong password)' },
      });
    }
  });

  it('derives one open fulfilment order from the line items', async () => {
    const { order } = await admin.createOrder('cod', { send: false });
    const res = await call('GET', api(`/orders/${order['id']}/fulfillment_orders.json`));
    expect(res.status).toBe(200);
    expect(res.json.fulfillment_orders).toHaveLength(1);
    const [fo] = res.json.fulfillment_orders;
    expect(fo).toMatchObject({
      order_id: order['id'],
      status: 'open',
      supported_actions: expect.arrayContaining(['create_fulfillment']),
    });
    const lineItems = order['line_items'] as { id: number; quantity: number }[];
    expect(fo.line_items.map((l: any) => [l.line_item_id, l.fulfillable_quantity])).toEqual(
      lineItems.map((l) => [l.id, l.quantity]),
    );
  });

  it('fulfils, then refuses a second fulfilment of the closed fulfilment order with 422', async () => {
    const { order } = await admin.createOrder('paid', { send: false });
    const fo = (await call('GET', api(`/orders/${order['id']}/fulfillment_orders.json`))).json.fulfillment_orders[0];
    const body = {
      fulfillment: {
        line_items_by_fulfillment_order: [{ fulfillment_order_id: fo.id }],
        tracking_info: { number: 'DHL1', company: 'DHL' },
      },
    };
    const first = await call('POST', api('/fulfillments.json'), body);
    expect(first.status).toBe(201);
    expect(first.json.fulfillment).toMatchObject({
      order_id: order['id'],
      status: 'success',
      tracking_number: 'DHL1',
      tracking_numbers: ['DHL1'],
      name: `${order['name']}.1`,
    });
    const second = await call('POST', api('/fulfillments.json'), body);
    expect(second).toMatchObject({
      status: 422,
      json: { errors: [`Fulfillment order ${fo.id} has an unfulfillable status= closed.`] },
    });
    const listed = await call('GET', api(`/orders/${order['id']}/fulfillments.json`));
    expect(listed.json.fulfillments).toHaveLength(1);
  });

  it('fulfils part of a line, leaving the fulfilment order in progress', async () => {
    const { order } = await admin.createOrder('cod', { send: false });
    const fo = (await call('GET', api(`/orders/${order['id']}/fulfillment_orders.json`))).json.fulfillment_orders[0];
    const line = fo.line_items.find((l: any) => l.quantity === 2);
    const partial = {
      fulfillment: {
        line_items_by_fulfillment_order: [
          { fulfillment_order_id: fo.id, fulfillment_order_line_items: [{ id: line.id, quantity: 1 }] },
        ],
      },
    };
    expect((await call('POST', api('/fulfillments.json'), partial)).status).toBe(201);
    const after = (await call('GET', api(`/orders/${order['id']}/fulfillment_orders.json`))).json.fulfillment_orders[0];
    expect(after.status).toBe('in_progress');
    const tooMany = {
      fulfillment: {
        line_items_by_fulfillment_order: [
          { fulfillment_order_id: fo.id, fulfillment_order_line_items: [{ id: line.id, quantity: 2 }] },
        ],
      },
    };
    expect((await call('POST', api('/fulfillments.json'), tooMany)).status).toBe(422);
    expect((await call('GET', api(`/orders/${order['id']}.json`))).json.order.fulfillment_status).toBe('partial');
  });

  it('opens a new fulfilment order for products added by an order edit', async () => {
    const { order } = await admin.createOrder('paid', { send: false });
    const fo = (await call('GET', api(`/orders/${order['id']}/fulfillment_orders.json`))).json.fulfillment_orders[0];
    await call('POST', api('/fulfillments.json'), {
      fulfillment: { line_items_by_fulfillment_order: [{ fulfillment_order_id: fo.id }] },
    });
    const edited = await admin.editOrder(order['id'] as number, {
      addLineItems: [{ sku: 'BB-1006', quantity: 2, title: 'Tappetino yoga', price: '24.90' }],
      send: false,
    });
    expect(edited.order['fulfillment_status']).toBe('partial');
    expect((edited.order['line_items'] as any[]).at(-1)).toMatchObject({
      sku: 'BB-1006',
      quantity: 2,
      fulfillable_quantity: 2,
    });
    const fos = (await call('GET', api(`/orders/${order['id']}/fulfillment_orders.json`))).json.fulfillment_orders;
    expect(fos.map((f: any) => f.status)).toEqual(['closed', 'open']);
    expect(fos[1].line_items).toEqual([
      expect.objectContaining({ quantity: 2, line_item_id: (edited.order['line_items'] as any[]).at(-1).id }),
    ]);
  });

  it('answers 400 to a fulfilment without fulfilment orders and 404 to an unknown one', async () => {
    expect((await call('POST', api('/fulfillments.json'), { fulfillment: {} })).status).toBe(400);
    expect((await call('POST', api('/fulfillments.json'), '{"fulfillment":')).status).toBe(400);
    const unknown = { fulfillment: { line_items_by_fulfillment_order: [{ fulfillment_order_id: 1 }] } };
    expect(await call('POST', api('/fulfillments.json'), unknown)).toMatchObject({
      status: 404,
      json: { errors: 'Not Found' },
    });
  });

  it('cancels once, then answers 422 "Order has already been cancelled"', async () => {
    const { order } = await admin.createOrder('paid', { send: false });
    const first = await call('POST', api(`/orders/${order['id']}/cancel.json`), { reason: 'customer', email: false });
    expect(first.status).toBe(200);
    expect(first.json.order).toMatchObject({
      id: order['id'],
      cancel_reason: 'customer',
      cancelled_at: expect.any(String),
    });
    const second = await call('POST', api(`/orders/${order['id']}/cancel.json`), { reason: 'customer', email: false });
    expect(second).toMatchObject({ status: 422, json: { error: 'Order has already been cancelled' } });
    expect(await admin.cancellations()).toHaveLength(1);
    const fos = (await call('GET', api(`/orders/${order['id']}/fulfillment_orders.json`))).json.fulfillment_orders;
    expect(fos[0].status).toBe('closed');
  });

  it('refuses an unknown cancel reason, unknown orders, versions and routes', async () => {
    const { order } = await admin.createOrder('paid', { send: false });
    expect((await call('POST', api(`/orders/${order['id']}/cancel.json`), { reason: 'bored' })).status).toBe(422);
    expect((await call('GET', api('/orders/999.json'))).status).toBe(404);
    expect((await call('GET', `/admin/api/latest/orders/${order['id']}.json`)).status).toBe(404);
    expect((await call('GET', api('/products.json'))).status).toBe(404);
  });

  it('serves queued faults in order, then answers normally', async () => {
    const { order } = await admin.createOrder('paid', { send: false });
    await admin.addFault({ route: 'any', kind: 'http_500', times: 2 });
    await admin.addFault({ route: 'any', kind: 'http_429' });
    const path = api(`/orders/${order['id']}.json`);
    expect((await call('GET', path)).status).toBe(500);
    expect((await call('GET', path)).status).toBe(500);
    const limited = await call('GET', path);
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('2.0');
    expect((await call('GET', path)).status).toBe(200);
  });

  it('applies a fulfillment fault to the fulfilment create only', async () => {
    const { order } = await admin.createOrder('paid', { send: false });
    await admin.addFault({ route: 'fulfillment', kind: 'http_500' });
    expect((await call('GET', api(`/orders/${order['id']}/fulfillment_orders.json`))).status).toBe(200);
    expect((await call('POST', api(`/orders/${order['id']}/cancel.json`), {})).status).toBe(200);
    expect(
      (
        await call('POST', api('/fulfillments.json'), {
          fulfillment: { line_items_by_fulfillment_order: [{ fulfillment_order_id: 1 }] },
        })
      ).status,
    ).toBe(500);
  });
});

describe('/_admin validation', () => {
  it.each([
    ['POST', '/_admin/orders', { fixture: 'gift' }],
    ['POST', '/_admin/orders', { fixture: 'paid', overrides: [] }],
    ['POST', '/_admin/orders', { fixture: 'paid', send: 'yes' }],
    ['POST', '/_admin/orders', { fixture: 'paid', extra: 1 }],
    ['POST', '/_admin/orders', { fixture: 'paid', overrides: { id: -5 } }],
    ['POST', '/_admin/orders', { fixture: 'paid', overrides: { line_items: 'none' } }],
    ['POST', '/_admin/orders', '{"fixture":'],
    ['PUT', '/_admin/config', { webhookUrl: 'ftp://example.com' }],
    ['PUT', '/_admin/config', { accessToken: '' }],
    ['POST', '/_admin/faults', { route: 'orders', kind: 'http_500' }],
    ['POST', '/_admin/faults', { route: 'any', kind: 'http_500', times: 0 }],
    ['POST', '/_admin/send', { topic: 'orders/create' }],
    ['POST', '/_admin/send', { topic: 'orders/create', payload: {}, signature: 'forged' }],
    ['POST', '/_admin/orders/1/cancel', { reason: 'bored' }],
    ['POST', '/_admin/orders/1/edit', { addLineItems: [] }],
    ['POST', '/_admin/orders/1/edit', { addLineItems: [{ sku: 'BB-1001', quantity: 0 }] }],
    ['POST', '/_admin/orders/1/edit', { addLineItems: [{ sku: 'BB-1001', quantity: 1, price: '12' }] }],
  ])('%s %s %j → 4xx', async (method, path, body) => {
    if (path.startsWith('/_admin/orders/1/')) await admin.createOrder('paid', { overrides: { id: 1 }, send: false });
    const res = await call(method, path, body, {});
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.status).toBeLessThan(500);
    expect(res.json).toHaveProperty('error');
  });

  it('answers 409 to an order id already in the shop and 404 to unknown orders', async () => {
    await admin.createOrder('paid', { overrides: { id: 42 }, send: false });
    expect(
      (await call('POST', '/_admin/orders', { fixture: 'cod', overrides: { id: 42 }, send: false }, {})).status,
    ).toBe(409);
    expect((await call('GET', '/_admin/orders/43', undefined, {})).status).toBe(404);
    expect((await call('POST', '/_admin/orders/43/pay', undefined, {})).status).toBe(404);
  });

  it('ignores prototype keys in overrides', async () => {
    const res = await call(
      'POST',
      '/_admin/orders',
      '{"fixture":"paid","send":false,"overrides":{"__proto__":{"polluted":true}}}',
      {},
    );
    expect(res.status).toBe(201);
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  });

  it('forgets everything on reset but keeps the configuration', async () => {
    await admin.configure({ webhookSecret: 'kept' });
    await admin.createOrder('paid', { overrides: { id: 7 }, send: false });
    await admin.reset();
    expect((await call('GET', '/_admin/orders', undefined, {})).json.orders).toEqual([]);
    expect((await call('GET', '/_admin/config', undefined, {})).json.config.webhookSecret).toBe('kept');
  });
});
