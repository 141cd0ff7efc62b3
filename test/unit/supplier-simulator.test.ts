import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createSupplierSimulator, seededCatalog, SupplierSimulatorAdmin } from '../../simulators/supplier/index.js';

// The simulator's wire format, checked with plain fetch so the client's leniency cannot hide a mistake.

const apiKey = 'sim-key';
let server: { url: string; close(): Promise<void> };
let admin: SupplierSimulatorAdmin;
let sequence = 0;

beforeAll(async () => {
  server = await createSupplierSimulator({ apiKey }).listen(0);
  admin = new SupplierSimulatorAdmin(server.url);
});

afterAll(async () => {
  await server.close();
});

beforeEach(async () => {
  await admin.reset();
});

function body(overrides: Record<string, unknown> = {}, address: Record<string, unknown> = {}) {
  sequence += 1;
  return {
    order: {
      internalReference: `sim-${sequence}`,
      language: 'en',
      paymentMethod: 'moneybox',
      carriers: [{ name: 'gls' }],
      shippingAddress: {
        firstName: 'Marco',
        lastName: 'Rossi',
        country: 'IT',
        postcode: '20121',
        town: 'Milano',
        address: 'Via Montenapoleone 8',
        phone: '+39 02 1234567',
        email: 'marco@example.com',
        ...address,
      },
      products: [{ reference: 'BB-1004', quantity: 3 }],
      ...overrides,
    },
  };
}

async function call(
  method: string,
  path: string,
  payload?: unknown,
  init: { raw?: string; headers?: Record<string, string> } = {},
) {
  const res = await fetch(`${server.url}${path}`, {
    method,
    headers: { Authorization: `Bearer ${apiKey}`, 'Content-Type': 'application/json', ...init.headers },
    ...(init.raw !== undefined ? { body: init.raw } : payload === undefined ? {} : { body: JSON.stringify(payload) }),
  });
  const text = await res.text();
  const isJson = /application\/json/.test(res.headers.get('content-type') ?? '');
  return { status: res.status, headers: res.headers, text, json: isJson ? (JSON.parse(text) as unknown) : undefined };
}

describe('order endpoints on the wire', () => {
  it('check.json returns the three decimal totals', async () => {
    const res = await call('POST', '/rest/order/check.json', body());
    // 3 × 11.20 + GLS to Italy 11.90
    expect(res).toMatchObject({
      status: 200,
      json: { totalWithoutTaxesAndWithoutShippingCost: 33.6, totalWithoutTaxes: 45.5, total: 45.5 },
    });
  });

  it('create.json answers 201 with an empty body and the id in Location', async () => {
    const res = await call('POST', '/rest/order/create.json', body());
    expect(res.status).toBe(201);
    expect(res.text).toBe('');
    expect(res.headers.get('location')).toMatch(/^\/rest\/order\/\d+$/);
  });

  it('a repeated reference gets ER008 with the double-encoded existing id', async () => {
    const order = body();
    const first = await call('POST', '/rest/order/create.json', order);
    const id = first.headers.get('location')?.split('/').pop();
    const again = await call('POST', '/rest/order/create.json', order);
    expect(again.status).toBe(409);
    const payload = again.json as { code: string; message: string };
    expect(payload.code).toBe('ER008');
    expect(JSON.parse(payload.message)).toEqual({ info: 'Order already exists', data: { orderId: id } });
  });

  it('GET order/{id}.json and order/reference/{ref}.json return the stored order', async () => {
    const order = body();
    const created = await call('POST', '/rest/order/create.json', order);
    const id = Number(created.headers.get('location')?.split('/').pop());
    const byId = await call('GET', `/rest/order/${id}.json`);
    expect(byId.json).toMatchObject({
      id,
      internalReference: order.order.internalReference,
      status: 'processing',
      total: 45.5,
      shippingCost: 11.9,
      carrier: { name: 'GLS' },
      products: [{ reference: 'BB-1004', quantity: 3, price: 11.2 }],
    });
    const byReference = await call('GET', `/rest/order/reference/${order.order.internalReference}.json`);
    expect(byReference.json).toEqual(byId.json);
  });

  it('unknown orders are 404 in BigBuy shape', async () => {
    for (const path of ['/rest/order/123.json', '/rest/order/reference/nope.json', '/rest/tracking/order/123.json']) {
      expect(await call('GET', path)).toMatchObject({ status: 404, json: { code: 404, message: 'Order not found' } });
    }
  });

  it('the 70-character rule answers exactly the Symfony error tree', async () => {
    const res = await call('POST', '/rest/order/check.json', body({}, { address: 'x'.repeat(71) }));
    expect(res.status).toBe(400);
    expect(res.json).toEqual({
      code: 400,
      message: 'Validation Failed',
      errors: {
        children: {
          shippingAddress: {
            children: { address: { errors: ['This value is too long. It should have 70 characters or less.'] } },
          },
        },
      },
    });
  });

  it('missing required fields are reported as blank', async () => {
    const incomplete = body();
    const { shippingAddress, ...rest } = incomplete.order;
    const { town: _town, ...addressWithoutTown } = shippingAddress;
    const res = await call('POST', '/rest/order/check.json', {
      order: { ...rest, internalReference: undefined, shippingAddress: addressWithoutTown },
    });
    expect(res.status).toBe(400);
    expect(res.json).toMatchObject({
      errors: {
        children: {
          internalReference: { errors: ['This value should not be blank.'] },
          shippingAddress: { children: { town: { errors: ['This value should not be blank.'] } } },
        },
      },
    });
  });

  it('tracking lists the carrier after shipping', async () => {
    const created = await call('POST', '/rest/order/create.json', body());
    const id = created.headers.get('location')?.split('/').pop() ?? '';
    expect((await call('GET', `/rest/tracking/order/${id}.json`)).json).toEqual([{ id, trackings: [] }]);
    await admin.ship(id);
    const tracked = await call('GET', `/rest/tracking/order/${id}.json`);
    expect(tracked.json).toMatchObject([
      { id, trackings: [{ trackingNumber: expect.any(String), carrier: { id: '2', name: 'GLS' } }] },
    ]);
  });
});

describe('robustness', () => {
  it('requires the Bearer key', async () => {
    const missing = await fetch(`${server.url}/rest/catalog/products.json`);
    expect(missing.status).toBe(401);
    expect(await missing.json()).toMatchObject({ code: 401 });
    const wrong = await call('GET', '/rest/catalog/products.json', undefined, {
      headers: { Authorization: 'Bearer nope' },
    });
    expect(wrong.status).toBe(401);
  });

  it.each([
    ['POST', '/rest/order/check.json', '{"order":'],
    ['POST', '/rest/order/create.json', 'null'],
    ['POST', '/rest/order/create.json', '"just a string"'],
    ['POST', '/rest/order/create.json', '[1,2,3]'],
    ['POST', '/rest/order/check.json', '{"order":{"products":"BB-1001","carriers":{},"shippingAddress":[]}}'],
    ['POST', '/rest/order/check.json', '{"order":{"products":[{"reference":7,"quantity":"2"}]}}'],
    ['POST', '/_admin/faults', '{"route":"check"'],
    ['POST', '/_admin/faults', '{"route":"check","kind":"meteor"}'],
    ['POST', '/_admin/faults', '{"route":"check","kind":"timeout_after_create"}'],
    ['POST', '/_admin/faults', '[]'],
    ['PUT', '/_admin/products/BB-1001', '{"stock":-1}'],
    ['PUT', '/_admin/products/BB-1001', '{"stock":"many"}'],
    ['PUT', '/_admin/products/BB-1001', '{}'],
    ['PUT', '/_admin/products/BB-1001', '{bad json'],
    ['POST', '/_admin/orders/7000001/ship', '{}'],
    ['GET', '/rest/catalog/products.json?page=0&pageSize=5', undefined],
    ['GET', '/rest/catalog/products.json?pageSize=abc', undefined],
    ['GET', '/_admin/orders?internalReference=a&internalReference=b', undefined],
    ['DELETE', '/rest/order/7000001.json', undefined],
  ])('%s %s with %s → 4xx with a JSON error', async (method, path, raw) => {
    const res = await call(method, path, undefined, raw === undefined ? {} : { raw });
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.status).toBeLessThan(500);
    expect(res.json).toMatchObject({ code: res.status, message: expect.any(String) });
  });

  it('an order form with wrong types is a Validation Failed tree, not a crash', async () => {
    const res = await call('POST', '/rest/order/check.json', undefined, {
      raw: '{"order":{"products":[{"reference":7,"quantity":"2"}]}}',
    });
    expect(res.status).toBe(400);
    expect(res.json).toMatchObject({
      message: 'Validation Failed',
      errors: {
        children: {
          products: { children: { 0: { children: { reference: { errors: ['This value is not valid.'] } } } } },
        },
      },
    });
  });
});

describe('admin surface', () => {
  it('updates stock and price, and reset brings the seed back', async () => {
    await admin.setProduct('BB-1003', { stock: 1, price: 19.99 });
    const check = await call(
      'POST',
      '/rest/order/check.json',
      body({ products: [{ reference: 'BB-1003', quantity: 1 }] }),
    );
    expect(check.json).toMatchObject({ totalWithoutTaxesAndWithoutShippingCost: 19.99 });
    await call('POST', '/rest/order/create.json', body({ products: [{ reference: 'BB-1003', quantity: 1 }] }));
    expect((await admin.products()).find((p) => p.sku === 'BB-1003')?.stock).toBe(0);

    await admin.reset();
    expect(await admin.products()).toEqual(seededCatalog);
    expect(await admin.orders()).toEqual([]);
  });

  it('unknown products and orders are 404', async () => {
    expect((await call('PUT', '/_admin/products/BB-0000', { stock: 1 })).status).toBe(404);
    expect((await call('POST', '/_admin/orders/1/ship', {})).status).toBe(404);
  });

  it('faults can be listed and cleared; times counts down', async () => {
    await admin.addFault({ route: 'any', kind: 'http_500', times: 2 });
    expect((await call('GET', '/rest/catalog/products.json')).status).toBe(500);
    expect((await call('GET', '/_admin/faults')).json).toMatchObject({ faults: [{ kind: 'http_500', remaining: 1 }] });
    await admin.clearFaults();
    expect((await call('GET', '/rest/catalog/products.json')).status).toBe(200);
  });

  it('rate_limit answers plain text with X-Ratelimit-Reset in epoch seconds', async () => {
    await admin.addFault({ route: 'check', kind: 'rate_limit', resetInSeconds: 10 });
    const res = await call('POST', '/rest/order/check.json', body());
    expect(res.status).toBe(429);
    expect(res.text).toBe('You exceeded the rate limit');
    const reset = Number(res.headers.get('x-ratelimit-reset'));
    expect(reset - Date.now() / 1000).toBeGreaterThan(9);
    expect(reset - Date.now() / 1000).toBeLessThanOrEqual(11);
  });

  it('html_502 answers an HTML page', async () => {
    await admin.addFault({ route: 'tracking', kind: 'html_502' });
    const res = await call('GET', '/rest/tracking/order/1.json');
    expect(res.status).toBe(502);
    expect(res.headers.get('content-type')).toMatch(/text\/html/);
  });

  it('catalogue pages are 1-based and a page past the end is empty', async () => {
    const page3 = await call('GET', '/rest/catalog/productsstock.json?page=3&pageSize=5');
    expect((page3.json as { sku: string }[]).map((p) => p.sku)).toEqual(['BB-1011', 'BB-1012']);
    expect((await call('GET', '/rest/catalog/productsinformation.json?isoCode=es&page=4&pageSize=5')).json).toEqual([]);
    expect(((await call('GET', '/rest/catalog/products.json')).json as unknown[]).length).toBe(12);
  });
});

describe('options', () => {
  it('statePath keeps orders and stock across restarts', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'supplier-sim-'));
    const statePath = join(dir, 'state.json');
    try {
      const first = await createSupplierSimulator({ apiKey, statePath }).listen(0);
      const order = body();
      const created = await fetch(`${first.url}/rest/order/create.json`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${apiKey}`, 'Content-Type': 'application/json' },
        body: JSON.stringify(order),
      });
      const firstId = Number(created.headers.get('location')?.split('/').pop());
      await first.close();
      expect(JSON.parse(readFileSync(statePath, 'utf8'))).toMatchObject({
        orders: [{ internalReference: order.order.internalReference }],
      });

      const second = await createSupplierSimulator({ apiKey, statePath }).listen(0);
      try {
        const again = new SupplierSimulatorAdmin(second.url);
        expect(await again.orders(order.order.internalReference)).toHaveLength(1);
        expect((await again.products()).find((p) => p.sku === 'BB-1004')?.stock).toBe(240 - 3);
        const next = await fetch(`${second.url}/rest/order/create.json`, {
          method: 'POST',
          headers: { Authorization: `Bearer ${apiKey}`, 'Content-Type': 'application/json' },
          body: JSON.stringify(body()),
        });
        expect(Number(next.headers.get('location')?.split('/').pop())).toBe(firstId + 1);
      } finally {
        await second.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses to start on a corrupt state file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'supplier-sim-'));
    try {
      const statePath = join(dir, 'state.json');
      // A file cut short, as a crash during a hand edit would leave it.
      writeFileSync(statePath, '{"version":1,"orders":[');
      expect(() => createSupplierSimulator({ apiKey, statePath })).toThrow(/not readable JSON/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('shipAfterMs ships orders once they are old enough, by the injected clock', async () => {
    let now = Date.UTC(2025, 0, 6, 9, 0, 0);
    const sim = await createSupplierSimulator({ apiKey, shipAfterMs: 60_000, now: () => now }).listen(0);
    try {
      const headers = { Authorization: `Bearer ${apiKey}`, 'Content-Type': 'application/json' };
      const created = await fetch(`${sim.url}/rest/order/create.json`, {
        method: 'POST',
        headers,
        body: JSON.stringify(body()),
      });
      const id = created.headers.get('location')?.split('/').pop() ?? '';
      const tracking = async () =>
        (
          (await (await fetch(`${sim.url}/rest/tracking/order/${id}.json`, { headers })).json()) as [
            { trackings: unknown[] },
          ]
        )[0].trackings;
      now += 59_999;
      expect(await tracking()).toEqual([]);
      now += 1;
      expect(await tracking()).toMatchObject([{ statusDate: '2025-01-06T09:01:00.000Z', carrier: { name: 'GLS' } }]);
    } finally {
      await sim.close();
    }
  });
});
