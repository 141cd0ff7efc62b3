import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  SupplierAuthError,
  SupplierClient,
  SupplierError,
  SupplierRejection,
  SupplierTransientError,
  SupplierValidationFailed,
  type SupplierOrderInput,
} from '../../activities/supplier/client.js';
import { createSupplierSimulator, SupplierSimulatorAdmin } from '../../simulators/supplier/index.js';

// The real client against the real simulator, over HTTP on a random port: nothing is mocked.

const apiKey = 'test-supplier-key';
let server: { url: string; close(): Promise<void> };
let client: SupplierClient;
let impatient: SupplierClient;
let admin: SupplierSimulatorAdmin;
let sequence = 0;

beforeAll(async () => {
  server = await createSupplierSimulator({ apiKey }).listen(0);
  client = new SupplierClient({ baseUrl: server.url, apiKey, timeoutMs: 5_000 });
  impatient = new SupplierClient({ baseUrl: server.url, apiKey, timeoutMs: 300 });
  admin = new SupplierSimulatorAdmin(server.url);
});

afterAll(async () => {
  await server.close();
});

beforeEach(async () => {
  await admin.reset();
});

function order(
  overrides: Partial<SupplierOrderInput> = {},
  address: Partial<SupplierOrderInput['shippingAddress']> = {},
): SupplierOrderInput {
  sequence += 1;
  return {
    internalReference: `test-order-${sequence}`,
    language: 'es',
    carriers: ['dhl', 'GLS'],
    shippingAddress: {
      firstName: 'Lucía',
      lastName: 'Fernández',
      country: 'ES',
      postcode: '28013',
      town: 'Madrid',
      address: 'Calle del Arenal 12, 3º B',
      phone: '+34 612 345 678',
      email: 'lucia@example.com',
      ...address,
    },
    products: [
      { reference: 'BB-1002', quantity: 2 },
      { reference: 'BB-1001', quantity: 1 },
    ],
    ...overrides,
  };
}

async function caught(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (err) {
    return err;
  }
  throw new Error('expected the call to fail');
}

describe('quotes', () => {
  it('returns the totals in cents with the cheapest listed carrier', async () => {
    // 2 × 17.00 + 1 × 8.45 = 42.45; GLS 5.90 beats DHL 7.50 within Spain.
    await expect(client.checkOrder(order())).resolves.toEqual({
      products: 4245,
      shipping: 590,
      taxes: 0,
      total: 4835,
      currency: 'EUR',
    });
  });

  it('prices shipping by destination zone', async () => {
    const quote = await client.checkOrder(
      order({ carriers: ['ups', 'dhl'] }, { country: 'DE', postcode: '10115', town: 'Berlin' }),
    );
    expect(quote).toMatchObject({ products: 4245, shipping: 1250, total: 5495 });
  });

  it('reports taxes separately when the supplier charges VAT', async () => {
    const taxed = await createSupplierSimulator({ apiKey, vatRate: 0.21 }).listen(0);
    try {
      const quote = await new SupplierClient({ baseUrl: taxed.url, apiKey, timeoutMs: 5_000 }).checkOrder(
        order({ products: [{ reference: 'BB-1002', quantity: 2 }] }),
      );
      // (34.00 + 5.90) × 21 % = 8.379 → 8.38
      expect(quote).toEqual({ products: 3400, shipping: 590, taxes: 838, total: 4828, currency: 'EUR' });
    } finally {
      await taxed.close();
    }
  });

  it('does not create anything', async () => {
    await client.checkOrder(order());
    expect(await admin.orders()).toHaveLength(0);
  });
});

describe('order creation', () => {
  it('reads the new id from Location and finds the order by reference', async () => {
    const input = order();
    const created = await client.createOrder(input);
    expect(created.alreadyExisted).toBe(false);
    expect(created.supplierOrderId).toMatch(/^\d+$/);

    await expect(client.findOrderByReference(input.internalReference)).resolves.toEqual({
      supplierOrderId: created.supplierOrderId,
      status: 'processing',
    });
    const stock = (await admin.products()).find((p) => p.sku === 'BB-1002')?.stock;
    expect(stock).toBe(150 - 2);
  });

  it('is idempotent on internalReference: the second create returns the same id (ER008)', async () => {
    const input = order();
    const first = await client.createOrder(input);
    const second = await client.createOrder(input);
    expect(second).toEqual({ supplierOrderId: first.supplierOrderId, alreadyExisted: true });
    expect(await admin.orders(input.internalReference)).toHaveLength(1);
    expect((await admin.products()).find((p) => p.sku === 'BB-1002')?.stock).toBe(148);
  });

  it('answers null for a reference the supplier does not know', async () => {
    await expect(client.findOrderByReference('never-created / with spaces')).resolves.toBeNull();
  });

  it('finds references that need URL encoding', async () => {
    const input = order({ internalReference: `shop#1001/ä ${sequence}` });
    const { supplierOrderId } = await client.createOrder(input);
    await expect(client.findOrderByReference(input.internalReference)).resolves.toMatchObject({ supplierOrderId });
  });
});

describe('business refusals', () => {
  it('ER003 when stock is short, and succeeds once stock is back', async () => {
    const input = order({ products: [{ reference: 'BB-1005', quantity: 2 }] });
    const error = await caught(client.createOrder(input));
    expect(error).toBeInstanceOf(SupplierRejection);
    expect(error).toMatchObject({
      code: 'ER003',
      httpStatus: 409,
      retryable: false,
      data: { reference: 'BB-1005', requested: 2, available: 0 },
    });
    expect(await admin.orders(input.internalReference)).toHaveLength(0);

    await admin.setProduct('BB-1005', { stock: 5 });
    await expect(client.createOrder(input)).resolves.toMatchObject({ alreadyExisted: false });
    expect((await admin.products()).find((p) => p.sku === 'BB-1005')?.stock).toBe(3);
  });

  it('ER001 for an unknown SKU', async () => {
    const error = await caught(client.checkOrder(order({ products: [{ reference: 'BB-9999', quantity: 1 }] })));
    expect(error).toBeInstanceOf(SupplierRejection);
    expect(error).toMatchObject({ code: 'ER001', data: { reference: 'BB-9999' } });
    expect((error as SupplierRejection).info).toMatch(/not found/i);
  });

  it('ER004 with an example postcode', async () => {
    const error = await caught(client.createOrder(order({}, { postcode: '2801' })));
    expect(error).toBeInstanceOf(SupplierRejection);
    expect(error).toMatchObject({ code: 'ER004', data: { zipExample: '28001' } });
  });

  it('ER010 when no listed carrier serves the destination', async () => {
    await expect(caught(client.checkOrder(order({}, { country: 'US', postcode: '10001' })))).resolves.toMatchObject({
      code: 'ER010',
    });
    // Correos does not go to the United Kingdom, GLS does.
    const gb = { country: 'GB', postcode: 'SW1A 1AA', town: 'London' };
    await expect(caught(client.checkOrder(order({ carriers: ['correos'] }, gb)))).resolves.toMatchObject({
      code: 'ER010',
    });
    await expect(client.checkOrder(order({ carriers: ['correos', 'gls'] }, gb))).resolves.toMatchObject({
      shipping: 1990,
    });
  });

  it('ER011 for a payment method the supplier does not take', async () => {
    await expect(caught(client.checkOrder(order({ paymentMethod: 'bitcoin' })))).resolves.toMatchObject({
      code: 'ER011',
    });
  });

  it('ER007 below the minimum order', async () => {
    await admin.setProduct('BB-1006', { price: 0.45 });
    const error = await caught(client.checkOrder(order({ products: [{ reference: 'BB-1006', quantity: 2 }] })));
    expect(error).toMatchObject({ code: 'ER007', data: { totalAmount: 0.9 } });
  });

  it('an address over 70 characters fails validation on shippingAddress.address', async () => {
    const error = await caught(client.createOrder(order({}, { address: 'A'.repeat(71) })));
    expect(error).toBeInstanceOf(SupplierValidationFailed);
    expect((error as SupplierValidationFailed).fields).toEqual([
      { path: 'shippingAddress.address', messages: ['This value is too long. It should have 70 characters or less.'] },
    ]);
    await expect(client.checkOrder(order({}, { address: 'A'.repeat(70) }))).resolves.toMatchObject({ products: 4245 });
  });

  it('lists every invalid field', async () => {
    const error = await caught(
      client.checkOrder(
        order({ products: [{ reference: 'BB-1001', quantity: 0 }] }, { email: 'not-an-email', phone: '' }),
      ),
    );
    expect(error).toBeInstanceOf(SupplierValidationFailed);
    const paths = (error as SupplierValidationFailed).fields.map((f) => f.path).sort();
    expect(paths).toEqual(['products.0.quantity', 'shippingAddress.email', 'shippingAddress.phone']);
  });
});

describe('faults are classified', () => {
  it('http_500 → transient http_5xx, and the fault is consumed', async () => {
    await admin.addFault({ route: 'check', kind: 'http_500' });
    const error = await caught(client.checkOrder(order()));
    expect(error).toBeInstanceOf(SupplierTransientError);
    expect(error).toMatchObject({ kind: 'http_5xx', httpStatus: 500, retryable: true });
    await expect(client.checkOrder(order())).resolves.toMatchObject({ total: 4835 });
  });

  it('html_502 → transient http_5xx', async () => {
    await admin.addFault({ route: 'catalog', kind: 'html_502', times: 2 });
    await expect(caught(client.listCatalog())).resolves.toMatchObject({ kind: 'http_5xx', httpStatus: 502 });
    await expect(caught(client.listCatalog())).resolves.toMatchObject({ kind: 'http_5xx' });
    await expect(client.listCatalog()).resolves.toHaveLength(12);
  });

  it('rate_limit → rate_limited with retryAfterMs from X-Ratelimit-Reset', async () => {
    await admin.addFault({ route: 'check', kind: 'rate_limit', resetInSeconds: 5 });
    const error = await caught(client.checkOrder(order()));
    expect(error).toBeInstanceOf(SupplierTransientError);
    const { kind, retryAfterMs, httpStatus } = error as SupplierTransientError;
    expect({ kind, httpStatus }).toEqual({ kind: 'rate_limited', httpStatus: 429 });
    expect(retryAfterMs).toBeGreaterThanOrEqual(4_000);
    expect(retryAfterMs).toBeLessThanOrEqual(6_000);
  });

  it('rate_limit with an immediate reset still waits at least one second', async () => {
    await admin.addFault({ route: 'any', kind: 'rate_limit', resetInSeconds: 0 });
    await expect(caught(client.getTracking('7000001'))).resolves.toMatchObject({
      kind: 'rate_limited',
      retryAfterMs: 1000,
    });
  });

  it('error_body_200 → transient error_body_200, for JSON and HTML bodies', async () => {
    await admin.addFault({ route: 'check', kind: 'error_body_200' });
    await expect(caught(client.checkOrder(order()))).resolves.toMatchObject({
      kind: 'error_body_200',
      httpStatus: 200,
    });
    await admin.addFault({ route: 'reference', kind: 'error_body_200', variant: 'html' });
    await expect(caught(client.findOrderByReference('anything'))).resolves.toMatchObject({ kind: 'error_body_200' });
  });

  it('empty_200 on a reference lookup → null', async () => {
    const input = order();
    await client.createOrder(input);
    await admin.addFault({ route: 'reference', kind: 'empty_200' });
    await expect(client.findOrderByReference(input.internalReference)).resolves.toBeNull();
    await expect(client.findOrderByReference(input.internalReference)).resolves.not.toBeNull();
  });

  it('empty_200 where a body is required → bad_response', async () => {
    await admin.addFault({ route: 'check', kind: 'empty_200' });
    await expect(caught(client.checkOrder(order()))).resolves.toMatchObject({ kind: 'bad_response' });
    await admin.addFault({ route: 'create', kind: 'empty_200' });
    await expect(caught(client.createOrder(order()))).resolves.toMatchObject({ kind: 'bad_response' });
  });

  it('slow beyond the client timeout → transient timeout', async () => {
    await admin.addFault({ route: 'check', kind: 'slow', delayMs: 1_000 });
    const started = Date.now();
    const error = await caught(impatient.checkOrder(order()));
    expect(error).toBeInstanceOf(SupplierTransientError);
    expect(error).toMatchObject({ kind: 'timeout' });
    expect(Date.now() - started).toBeLessThan(900);
  });

  it('slow within the timeout answers normally', async () => {
    await admin.addFault({ route: 'check', kind: 'slow', delayMs: 50 });
    await expect(client.checkOrder(order())).resolves.toMatchObject({ total: 4835 });
  });

  it('timeout_after_create: the client times out, the order exists, and a retry recovers its id', async () => {
    const input = order();
    await admin.addFault({ route: 'create', kind: 'timeout_after_create', delayMs: 5_000 });
    const error = await caught(impatient.createOrder(input));
    expect(error).toBeInstanceOf(SupplierTransientError);
    expect(error).toMatchObject({ kind: 'timeout' });

    const stored = await admin.orders(input.internalReference);
    expect(stored).toHaveLength(1);
    await expect(client.createOrder(input)).resolves.toEqual({ supplierOrderId: stored[0]?.id, alreadyExisted: true });
  });

  it('counts the calls that arrive', async () => {
    await admin.addFault({ route: 'create', kind: 'http_500' });
    await caught(client.createOrder(order()));
    await client.createOrder(order());
    await client.checkOrder(order());
    expect(await admin.requests()).toEqual({ check: 1, create: 2, reference: 0, order: 0, tracking: 0, catalog: 0 });
  });
});

describe('tracking', () => {
  it('is empty until the order ships, then carries number, carrier and URL', async () => {
    const { supplierOrderId } = await client.createOrder(order());
    await expect(client.getTracking(supplierOrderId)).resolves.toEqual([]);

    await admin.ship(supplierOrderId, { trackingNumber: 'JD014600003828', carrier: 'dhl' });
    const trackings = await client.getTracking(supplierOrderId);
    expect(trackings).toHaveLength(1);
    expect(trackings[0]).toMatchObject({ number: 'JD014600003828', carrier: 'DHL', status: 'Shipped' });
    expect(trackings[0]?.url).toContain('JD014600003828');
    expect(Number.isNaN(Date.parse(trackings[0]?.at ?? ''))).toBe(false);
    await expect(
      client.findOrderByReference((await admin.orders())[0]?.internalReference ?? ''),
    ).resolves.toMatchObject({ status: 'shipped' });
  });
});

describe('catalogue', () => {
  it('merges products, stock and names, with prices in cents', async () => {
    const catalog = await client.listCatalog();
    expect(catalog).toHaveLength(12);
    expect(new Set(catalog.map((c) => c.sku)).size).toBe(12);
    expect(catalog.find((c) => c.sku === 'BB-1002')).toEqual({
      sku: 'BB-1002',
      name: 'Wireless earbuds with charging case',
      price: 1700,
      currency: 'EUR',
      stock: 150,
    });
    expect(catalog.find((c) => c.sku === 'BB-1001')?.price).toBe(845);
    expect(catalog.find((c) => c.sku === 'BB-1005')?.stock).toBe(0);
  });

  it('follows pages', async () => {
    const paged = new SupplierClient({ baseUrl: server.url, apiKey, timeoutMs: 5_000, catalogPageSize: 5 });
    expect((await paged.listCatalog()).map((c) => c.sku)).toEqual((await client.listCatalog()).map((c) => c.sku));
    // 12 items in pages of 5 → 3 pages for each of the three listings, plus one page each for the default client.
    expect((await admin.requests()).catalog).toBe(9 + 3);
  });
});

describe('transport and configuration errors', () => {
  it('a wrong API key is a SupplierAuthError, not retryable', async () => {
    const wrong = new SupplierClient({ baseUrl: server.url, apiKey: 'not-the-key', timeoutMs: 5_000 });
    const error = await caught(wrong.checkOrder(order()));
    expect(error).toBeInstanceOf(SupplierAuthError);
    expect(error).toBeInstanceOf(SupplierError);
    expect(error).toMatchObject({ httpStatus: 401, retryable: false, name: 'SupplierAuthError' });
  });

  it('a refused connection is a transient network error', async () => {
    const gone = await createSupplierSimulator({ apiKey }).listen(0);
    await gone.close();
    const error = await caught(
      new SupplierClient({ baseUrl: gone.url, apiKey, timeoutMs: 2_000 }).findOrderByReference('x'),
    );
    expect(error).toBeInstanceOf(SupplierTransientError);
    expect(error).toMatchObject({ kind: 'network' });
  });

  it('the simulator answers malformed JSON with a 400 in BigBuy shape', async () => {
    const res = await fetch(`${server.url}/rest/order/create.json`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${apiKey}`, 'Content-Type': 'application/json' },
      body: '{"order": {"internalReference": ',
    });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ code: 400, message: expect.stringMatching(/JSON/) });
    expect(await admin.orders()).toHaveLength(0);
  });
});
