import { describe, expect, it } from 'vitest';
import {
  SupplierAuthError,
  SupplierClient,
  SupplierRejection,
  SupplierTransientError,
  SupplierValidationFailed,
  type SupplierOrderInput,
} from '../../activities/supplier/client.js';
import { decimalToCents } from '../../activities/supplier/money.js';

// Answers real BigBuy is known to give but the simulator does not produce, replayed through `fetchImpl`
// so the client's parsing of each variant is pinned down.

interface Seen {
  url: string;
  method: string;
  headers: Headers;
  body: unknown;
}

function replay(status: number, body: string, headers: Record<string, string> = {}) {
  const seen: Seen[] = [];
  const fetchImpl: typeof fetch = async (input, init) => {
    seen.push({
      url: String(input),
      method: init?.method ?? 'GET',
      headers: new Headers(init?.headers),
      body: typeof init?.body === 'string' ? JSON.parse(init.body) : undefined,
    });
    return new Response(status === 204 || body === '' ? null : body, { status, headers });
  };
  return {
    client: new SupplierClient({
      baseUrl: 'https://api.sandbox.bigbuy.eu/',
      apiKey: 'k',
      timeoutMs: 1_000,
      fetchImpl,
      now: () => 1_700_000_000_000,
    }),
    seen,
  };
}

const input: SupplierOrderInput = {
  internalReference: 'ord-42',
  language: 'fr',
  carriers: ['gls', 'dhl'],
  shippingAddress: {
    firstName: 'Jean',
    lastName: 'Dupont',
    country: 'FR',
    postcode: '75001',
    town: 'Paris',
    address: '1 rue de Rivoli',
    phone: '+33 1 23 45 67 89',
    email: 'jean@example.com',
    companyName: 'Dupont SARL',
  },
  products: [{ reference: 'BB-1001', quantity: 2 }],
  cashOnDelivery: 29.9,
};

async function caught(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (err) {
    return err;
  }
  throw new Error('expected the call to fail');
}

describe('requests', () => {
  it('posts the BigBuy order body with Bearer auth to /rest/<path>.json', async () => {
    const { client, seen } = replay(
      200,
      '{"totalWithoutTaxesAndWithoutShippingCost":"16.90","totalWithoutTaxes":"25.80","total":"25.80"}',
    );
    await expect(client.checkOrder(input)).resolves.toEqual({
      products: 1690,
      shipping: 890,
      taxes: 0,
      total: 2580,
      currency: 'EUR',
    });
    expect(seen).toHaveLength(1);
    const [request] = seen;
    expect(request?.url).toBe('https://api.sandbox.bigbuy.eu/rest/order/check.json');
    expect(request?.method).toBe('POST');
    expect(request?.headers.get('authorization')).toBe('Bearer k');
    expect(request?.headers.get('content-type')).toBe('application/json');
    expect(request?.headers.get('accept')).toBe('application/json');
    expect(request?.body).toEqual({
      order: {
        internalReference: 'ord-42',
        language: 'fr',
        paymentMethod: 'moneybox',
        carriers: [{ name: 'gls' }, { name: 'dhl' }],
        shippingAddress: { ...input.shippingAddress },
        products: [{ reference: 'BB-1001', quantity: 2 }],
        cashOnDelivery: 29.9,
      },
    });
  });

  it('pages the catalogue with 1-based page and pageSize', async () => {
    const { client, seen } = replay(200, '[]');
    await expect(client.listCatalog()).resolves.toEqual([]);
    expect(seen.map((s) => new URL(s.url).pathname + new URL(s.url).search)).toEqual([
      '/rest/catalog/products.json?page=1&pageSize=100',
      '/rest/catalog/productsstock.json?page=1&pageSize=100',
      '/rest/catalog/productsinformation.json?isoCode=en&page=1&pageSize=100',
    ]);
  });
});

describe('answers BigBuy gives in the wild', () => {
  it('an absolute Location header', async () => {
    const { client } = replay(201, '', { Location: 'https://api.bigbuy.eu/rest/order/5310207.json' });
    await expect(client.createOrder(input)).resolves.toEqual({ supplierOrderId: '5310207', alreadyExisted: false });
  });

  it('ER008 delivered with a 200 status still yields the existing id', async () => {
    const { client } = replay(
      200,
      JSON.stringify({ code: 'ER008', message: JSON.stringify({ info: 'exists', data: { orderId: 5310207 } }) }),
    );
    await expect(client.createOrder(input)).resolves.toEqual({ supplierOrderId: '5310207', alreadyExisted: true });
  });

  it('a 404 error body with status 200 on a reference lookup means not found', async () => {
    const { client } = replay(200, '{"code":404,"message":"Order not found"}');
    await expect(client.findOrderByReference('ord-42')).resolves.toBeNull();
  });

  it('a refusal whose message is a plain sentence', async () => {
    const { client } = replay(409, '{"code":"ER003","message":"Not enough stock for BB-1001"}');
    const error = await caught(client.checkOrder(input));
    expect(error).toBeInstanceOf(SupplierRejection);
    expect(error).toMatchObject({ code: 'ER003', info: 'Not enough stock for BB-1001', data: null, httpStatus: 409 });
  });

  it('409 "Products error." without an ER code', async () => {
    const { client } = replay(409, '{"code":409,"message":"Products error."}');
    await expect(caught(client.createOrder(input))).resolves.toMatchObject({
      code: '409',
      info: 'Products error.',
      httpStatus: 409,
    });
  });

  it('ER005 money box too low keeps its data', async () => {
    const { client } = replay(
      409,
      JSON.stringify({
        code: 'ER005',
        message: JSON.stringify({ info: 'Money box too low', data: { moneyBoxAmount: 3.5, totalOrder: 25.8 } }),
      }),
    );
    await expect(caught(client.createOrder(input))).resolves.toMatchObject({
      code: 'ER005',
      data: { moneyBoxAmount: 3.5, totalOrder: 25.8 },
    });
  });

  it('a Symfony tree with [] for valid fields and a list for a collection', async () => {
    const tree = {
      code: 400,
      message: 'Validation Failed',
      errors: {
        errors: ['This form should not contain extra fields.'],
        children: {
          internalReference: [],
          shippingAddress: { children: { firstName: [], phone: { errors: ['This value is not valid.'] } } },
          products: {
            children: [
              { children: { reference: [] } },
              { children: { quantity: { errors: ['This value should be greater than 0.'] } } },
            ],
          },
        },
      },
    };
    const { client } = replay(400, JSON.stringify(tree));
    const error = await caught(client.createOrder(input));
    expect(error).toBeInstanceOf(SupplierValidationFailed);
    expect((error as SupplierValidationFailed).fields).toEqual([
      { path: '', messages: ['This form should not contain extra fields.'] },
      { path: 'shippingAddress.phone', messages: ['This value is not valid.'] },
      { path: 'products.1.quantity', messages: ['This value should be greater than 0.'] },
    ]);
  });

  it('a 400 without a tree is still a validation failure of what we sent', async () => {
    const { client } = replay(400, '{"code":400,"message":"Invalid JSON"}');
    const error = await caught(client.checkOrder(input));
    expect(error).toBeInstanceOf(SupplierValidationFailed);
    expect((error as SupplierValidationFailed).fields).toEqual([{ path: '', messages: ['Invalid JSON'] }]);
  });

  it('403 is an auth error', async () => {
    const { client } = replay(403, '{"code":403,"message":"Access denied"}');
    await expect(caught(client.getTracking('1'))).resolves.toBeInstanceOf(SupplierAuthError);
  });

  it('429 without X-Ratelimit-Reset falls back to Retry-After, then to one second', async () => {
    const withRetryAfter = replay(429, 'You exceeded the rate limit', { 'Retry-After': '3' });
    await expect(caught(withRetryAfter.client.checkOrder(input))).resolves.toMatchObject({
      kind: 'rate_limited',
      retryAfterMs: 3000,
    });
    const bare = replay(429, 'You exceeded the rate limit');
    await expect(caught(bare.client.checkOrder(input))).resolves.toMatchObject({
      kind: 'rate_limited',
      retryAfterMs: 1000,
    });
    const epoch = replay(429, 'You exceeded the rate limit', { 'X-Ratelimit-Reset': String(1_700_000_000 + 7) });
    await expect(caught(epoch.client.checkOrder(input))).resolves.toMatchObject({ retryAfterMs: 7000 });
  });

  it('a 2xx whose JSON has the wrong shape is bad_response', async () => {
    const { client } = replay(200, '{"totalWithoutTaxes":"n/a"}');
    const error = await caught(client.checkOrder(input));
    expect(error).toBeInstanceOf(SupplierTransientError);
    expect(error).toMatchObject({ kind: 'bad_response', httpStatus: 200 });
  });

  it('tracking statuses and carriers pass through; other orders in the answer are ignored', async () => {
    const { client } = replay(
      200,
      JSON.stringify([
        {
          id: '99',
          trackings: [
            {
              trackingNumber: 'X',
              statusDescription: 'Other',
              statusDate: '2025-01-01 10:00:00',
              carrier: { id: 1, name: 'GLS' },
            },
          ],
        },
        {
          id: '5310207',
          trackings: [
            {
              trackingNumber: '1Z999',
              statusDescription: 'In transit',
              statusDate: '2025-01-02 08:30:00',
              carrier: { id: '4', name: 'UPS' },
            },
          ],
        },
      ]),
    );
    await expect(client.getTracking('5310207')).resolves.toEqual([
      { number: '1Z999', carrier: 'UPS', url: null, status: 'In transit', at: '2025-01-02 08:30:00' },
    ]);
  });

  it('a thrown fetch is a network error', async () => {
    const client = new SupplierClient({
      baseUrl: 'https://api.bigbuy.eu',
      apiKey: 'k',
      timeoutMs: 1_000,
      fetchImpl: async () => {
        throw new TypeError('fetch failed', {
          cause: Object.assign(new Error('getaddrinfo ENOTFOUND'), { code: 'ENOTFOUND' }),
        });
      },
    });
    const error = await caught(client.checkOrder(input));
    expect(error).toMatchObject({ kind: 'network', retryable: true });
    expect((error as Error).message).toContain('ENOTFOUND');
  });
});

describe('decimalToCents', () => {
  it.each([
    [39.9, 3990],
    [17, 1700],
    ['17.00', 1700],
    [0.1 + 0.2, 30],
    [1.005, 101],
    [8.445, 845],
    [2.675, 268],
    [-2.345, -235],
    [0, 0],
    [1e-7, 0],
    ['0.5', 50],
    [123456.78, 12345678],
  ] as const)('%s → %i', (value, expected) => {
    expect(decimalToCents(value)).toBe(expected);
  });

  it.each(['', '.', 'abc', '1,50', Number.NaN, Number.POSITIVE_INFINITY])('rejects %s', (value) => {
    expect(() => decimalToCents(value)).toThrow(RangeError);
  });
});
