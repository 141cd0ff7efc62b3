import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createPayPalSimulator } from '../../simulators/paypal/index.js';
import { linkPayPal } from '../../simulators/paypal/link-paypal.js';

// The simulator's wire protocol as a PayPal client sees it: raw HTTP only.

const clientId = 'sim-client';
const clientSecret = 'sim-secret';
let server: { url: string; close(): Promise<void> };
let token: string;
/** A PayPal account saved through the vault before each test: orders may only charge such an account. */
let vaultId: string;

beforeAll(async () => {
  server = await createPayPalSimulator({ clientId, clientSecret }).listen(0);
});

afterAll(async () => {
  await server.close();
});

beforeEach(async () => {
  await fetch(`${server.url}/_admin/reset`, { method: 'POST' });
  vaultId = (await linkPayPal(server.url, { clientId, clientSecret })).vaultId;
  await fetch(`${server.url}/_admin/requests`, { method: 'DELETE' });
  token = ((await tokenRequest().then((r) => r.json())) as { access_token: string }).access_token;
});

function tokenRequest(secret = clientSecret, body = 'grant_type=client_credentials') {
  return fetch(`${server.url}/v1/oauth2/token`, {
    method: 'POST',
    headers: {
      authorization: `Basic ${Buffer.from(`${clientId}:${secret}`).toString('base64')}`,
      'content-type': 'application/x-www-form-urlencoded',
    },
    body,
  });
}

interface Call {
  body?: unknown;
  raw?: string;
  requestId?: string;
  headers?: Record<string, string>;
  auth?: string | null;
}

async function call(
  method: string,
  path: string,
  opts: Call = {},
): Promise<{ status: number; body: any; headers: Headers }> {
  const auth = opts.auth === undefined ? `Bearer ${token}` : opts.auth;
  const res = await fetch(`${server.url}${path}`, {
    method,
    headers: {
      ...(auth ? { authorization: auth } : {}),
      ...(opts.body !== undefined || opts.raw !== undefined ? { 'content-type': 'application/json' } : {}),
      ...(opts.requestId ? { 'PayPal-Request-Id': opts.requestId } : {}),
      ...opts.headers,
    },
    ...(opts.raw !== undefined
      ? { body: opts.raw }
      : opts.body !== undefined
        ? { body: JSON.stringify(opts.body) }
        : {}),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined, headers: res.headers };
}

function orderBody(
  overrides: { invoice_id?: string; value?: string; currency_code?: string; vault_id?: string; intent?: string } = {},
) {
  return {
    intent: overrides.intent ?? 'CAPTURE',
    purchase_units: [
      {
        reference_id: 'default',
        invoice_id: overrides.invoice_id ?? 'ord_1',
        amount: { currency_code: overrides.currency_code ?? 'EUR', value: overrides.value ?? '39.90' },
      },
    ],
    payment_source: { paypal: { vault_id: overrides.vault_id ?? vaultId } },
  };
}

async function capturedOrder(invoiceId = 'ord_1'): Promise<{ orderId: string; captureId: string }> {
  const created = await call('POST', '/v2/checkout/orders', { body: orderBody({ invoice_id: invoiceId }) });
  const captured = await call('POST', `/v2/checkout/orders/${created.body.id}/capture`, { body: {} });
  expect(captured.status).toBe(201);
  return { orderId: created.body.id, captureId: captured.body.purchase_units[0].payments.captures[0].id };
}

const paypalError = (name: string) => expect.objectContaining({ name, debug_id: expect.stringMatching(/^[0-9a-f]+$/) });

describe('POST /v1/oauth2/token', () => {
  it('issues a Bearer token in the OAuth2 shape', async () => {
    const res = await tokenRequest();
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      access_token: expect.any(String),
      token_type: 'Bearer',
      app_id: expect.stringMatching(/^APP-/),
      expires_in: 32_400,
      nonce: expect.any(String),
      scope: expect.stringContaining('https://uri.paypal.com/services/payments/refund'),
    });
  });

  it('answers wrong credentials with 401 invalid_client', async () => {
    const res = await tokenRequest('nope');
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({ error: 'invalid_client', error_description: 'Client Authentication failed' });
  });

  it('answers a missing grant type with 400 unsupported_grant_type', async () => {
    const res = await tokenRequest(clientSecret, '');
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: 'unsupported_grant_type' });
  });
});

describe('authentication of the v2 APIs', () => {
  it.each([
    ['no Authorization header', null],
    ['an unknown token', 'Bearer A21AAnotatoken'],
    ['Basic credentials', `Basic ${Buffer.from(`${clientId}:${clientSecret}`).toString('base64')}`],
  ])('refuses %s with 401 AUTHENTICATION_FAILURE', async (_label, auth) => {
    const res = await call('POST', '/v2/checkout/orders', { auth, body: orderBody() });
    expect(res.status).toBe(401);
    expect(res.body).toEqual(paypalError('AUTHENTICATION_FAILURE'));
    expect(res.body.links).toEqual([expect.objectContaining({ rel: 'information_link' })]);
    expect((await call('GET', '/_admin/orders')).body.orders).toEqual([]);
  });

  it('refuses a token after /_admin/tokens/revoke', async () => {
    await call('POST', '/_admin/tokens/revoke');
    expect((await call('GET', '/v2/checkout/orders/ANY')).status).toBe(401);
  });
});

describe('POST /v2/checkout/orders', () => {
  it('creates an APPROVED order for a vaulted PayPal account', async () => {
    const res = await call('POST', '/v2/checkout/orders', { body: orderBody({ value: '39.9' }) });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      id: expect.stringMatching(/^[0-9A-Z]{17}$/),
      intent: 'CAPTURE',
      status: 'APPROVED',
      payment_source: {
        paypal: { email_address: 'buyer-1@example.com', attributes: { vault: { id: vaultId, status: 'VAULTED' } } },
      },
      purchase_units: [{ invoice_id: 'ord_1', amount: { currency_code: 'EUR', value: '39.90' } }],
      links: expect.arrayContaining([expect.objectContaining({ rel: 'capture', method: 'POST' })]),
    });
    expect((await call('GET', `/v2/checkout/orders/${res.body.id}`)).body).toMatchObject({
      id: res.body.id,
      status: 'APPROVED',
    });
  });

  it('replays the first answer for a repeated PayPal-Request-Id and creates nothing more', async () => {
    const first = await call('POST', '/v2/checkout/orders', { body: orderBody(), requestId: 'rid-create-1' });
    const again = await call('POST', '/v2/checkout/orders', { body: orderBody(), requestId: 'rid-create-1' });
    expect(again.status).toBe(201);
    expect(again.body).toEqual(first.body);
    expect((await call('GET', '/_admin/orders')).body.orders).toHaveLength(1);

    const other = await call('POST', '/v2/checkout/orders', { body: orderBody(), requestId: 'rid-create-2' });
    expect(other.body.id).not.toBe(first.body.id);
  });

  it('answers Prefer: return=minimal with id, status and links only', async () => {
    const res = await call('POST', '/v2/checkout/orders', { body: orderBody(), headers: { prefer: 'return=minimal' } });
    expect(Object.keys(res.body).sort()).toEqual(['id', 'links', 'status']);
  });

  it.each([
    [
      'a value that is not a number',
      orderBody({ value: 'abc' }),
      '/purchase_units/0/amount/value',
      'INVALID_PARAMETER_SYNTAX',
    ],
    ['a negative value', orderBody({ value: '-1.00' }), '/purchase_units/0/amount/value', 'INVALID_PARAMETER_SYNTAX'],
    ['a zero value', orderBody({ value: '0.00' }), '/purchase_units/0/amount/value', 'INVALID_PARAMETER_VALUE'],
    [
      'decimals on a zero-decimal currency',
      orderBody({ value: '10.5', currency_code: 'JPY' }),
      '/purchase_units/0/amount/value',
      'DECIMAL_PRECISION',
    ],
    ['an unknown intent', orderBody({ intent: 'SELL' }), '/intent', 'INVALID_PARAMETER_VALUE'],
    [
      'a missing amount',
      { ...orderBody(), purchase_units: [{ invoice_id: 'x' }] },
      '/purchase_units/0/amount',
      'MISSING_REQUIRED_PARAMETER',
    ],
    ['no purchase units', { ...orderBody(), purchase_units: [] }, '/purchase_units', 'INVALID_ARRAY_MIN_ITEMS'],
    [
      'a missing vault id',
      { ...orderBody(), payment_source: { paypal: {} } },
      '/payment_source/paypal/vault_id',
      'MISSING_REQUIRED_PARAMETER',
    ],
    ['a body that is an array', [1, 2], '/', 'INVALID_PARAMETER_SYNTAX'],
  ])('answers %s with 400 INVALID_REQUEST naming the field', async (_label, body, field, issue) => {
    const res = await call('POST', '/v2/checkout/orders', { body });
    expect(res.status).toBe(400);
    expect(res.body).toEqual(paypalError('INVALID_REQUEST'));
    expect(res.body.details).toContainEqual(
      expect.objectContaining({ field, issue, location: 'body', description: expect.any(String) }),
    );
    expect((await call('GET', '/_admin/orders')).body.orders).toEqual([]);
  });

  it('answers malformed JSON with 400 INVALID_REQUEST, not a 500', async () => {
    const res = await call('POST', '/v2/checkout/orders', { raw: '{"intent": "CAPTURE", ' });
    expect(res.status).toBe(400);
    expect(res.body).toEqual(paypalError('INVALID_REQUEST'));
    expect(res.body.details).toEqual([expect.objectContaining({ issue: 'MALFORMED_REQUEST_JSON' })]);
    expect(res.headers.get('paypal-debug-id')).toBe(res.body.debug_id);
  });

  it('answers an over-long PayPal-Request-Id with 400', async () => {
    const res = await call('POST', '/v2/checkout/orders', { body: orderBody(), requestId: 'x'.repeat(109) });
    expect(res.status).toBe(400);
    expect(res.body.details).toEqual([expect.objectContaining({ field: 'PayPal-Request-Id', location: 'header' })]);
  });

  it('refuses an invoice_id already paid with 422 DUPLICATE_INVOICE_ID', async () => {
    await capturedOrder('ord_dup');
    const res = await call('POST', '/v2/checkout/orders', { body: orderBody({ invoice_id: 'ord_dup' }) });
    expect(res.status).toBe(422);
    expect(res.body).toEqual(paypalError('UNPROCESSABLE_ENTITY'));
    expect(res.body.details).toEqual([
      expect.objectContaining({ issue: 'DUPLICATE_INVOICE_ID', description: expect.any(String) }),
    ]);
  });
});

describe('POST /v2/checkout/orders/{id}/capture', () => {
  it('captures the order once, as COMPLETED with a final capture', async () => {
    const created = await call('POST', '/v2/checkout/orders', { body: orderBody() });
    const res = await call('POST', `/v2/checkout/orders/${created.body.id}/capture`, { requestId: 'rid-cap-1' });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      id: created.body.id,
      status: 'COMPLETED',
      purchase_units: [
        {
          payments: {
            captures: [
              {
                id: expect.any(String),
                status: 'COMPLETED',
                amount: { currency_code: 'EUR', value: '39.90' },
                invoice_id: 'ord_1',
                final_capture: true,
              },
            ],
          },
        },
      ],
    });

    const replay = await call('POST', `/v2/checkout/orders/${created.body.id}/capture`, {
      requestId: 'rid-cap-1',
      body: {},
    });
    expect(replay.status).toBe(201);
    expect(replay.body).toEqual(res.body);

    const second = await call('POST', `/v2/checkout/orders/${created.body.id}/capture`, {
      requestId: 'rid-cap-2',
      body: {},
    });
    expect(second.status).toBe(422);
    expect(second.body.details).toEqual([expect.objectContaining({ issue: 'ORDER_ALREADY_CAPTURED' })]);
    expect((await call('GET', '/_admin/captures')).body.captures).toHaveLength(1);

    const order = await call('GET', `/v2/checkout/orders/${created.body.id}`);
    expect(order.body.purchase_units[0].payments.captures[0].id).toBe(
      res.body.purchase_units[0].payments.captures[0].id,
    );
  });

  it('declines a vault id from the declined set with 422 INSTRUMENT_DECLINED and captures nothing', async () => {
    await call('PUT', '/_admin/declined-vault-ids', { body: { vaultIds: [vaultId] }, auth: null });
    for (const declined of [vaultId, 'declined-anything']) {
      const created = await call('POST', '/v2/checkout/orders', {
        body: orderBody({ vault_id: declined, invoice_id: declined }),
      });
      const res = await call('POST', `/v2/checkout/orders/${created.body.id}/capture`, { body: {} });
      expect(res.status).toBe(422);
      expect(res.body).toEqual(paypalError('UNPROCESSABLE_ENTITY'));
      expect(res.body.details).toEqual([
        expect.objectContaining({ issue: 'INSTRUMENT_DECLINED', description: expect.any(String) }),
      ]);
    }
    expect((await call('GET', '/_admin/captures')).body.captures).toEqual([]);
  });

  it('lets only the first of two orders with one invoice_id be captured', async () => {
    const a = await call('POST', '/v2/checkout/orders', { body: orderBody({ invoice_id: 'ord_twice' }) });
    const b = await call('POST', '/v2/checkout/orders', { body: orderBody({ invoice_id: 'ord_twice' }) });
    expect((await call('POST', `/v2/checkout/orders/${a.body.id}/capture`)).status).toBe(201);
    const res = await call('POST', `/v2/checkout/orders/${b.body.id}/capture`);
    expect(res.status).toBe(422);
    expect(res.body.details).toEqual([expect.objectContaining({ issue: 'DUPLICATE_INVOICE_ID' })]);
  });

  it('answers an unknown order with 404 RESOURCE_NOT_FOUND', async () => {
    for (const res of [
      await call('POST', '/v2/checkout/orders/NOPE/capture', { body: {} }),
      await call('GET', '/v2/checkout/orders/NOPE'),
    ]) {
      expect(res.status).toBe(404);
      expect(res.body).toEqual(paypalError('RESOURCE_NOT_FOUND'));
      expect(res.body.details).toEqual([
        expect.objectContaining({ issue: 'INVALID_RESOURCE_ID', location: 'path', value: 'NOPE' }),
      ]);
    }
  });

  it('answers a capture body that is not an object with 400', async () => {
    const created = await call('POST', '/v2/checkout/orders', { body: orderBody() });
    const res = await call('POST', `/v2/checkout/orders/${created.body.id}/capture`, { raw: '"capture"' });
    expect(res.status).toBe(400);
    expect(res.body.name).toBe('INVALID_REQUEST');
  });
});

describe('POST /v2/payments/captures/{id}/refund', () => {
  it('refunds the rest of the capture when no amount is given, then refuses more', async () => {
    const { captureId } = await capturedOrder();
    const partial = await call('POST', `/v2/payments/captures/${captureId}/refund`, {
      body: { amount: { currency_code: 'EUR', value: '9.90' } },
    });
    expect(partial.status).toBe(201);
    expect(partial.body).toMatchObject({
      id: expect.any(String),
      status: 'COMPLETED',
      amount: { currency_code: 'EUR', value: '9.90' },
    });

    const rest = await call('POST', `/v2/payments/captures/${captureId}/refund`, { requestId: 'rid-ref-1' });
    expect(rest.body.amount).toEqual({ currency_code: 'EUR', value: '30.00' });
    expect((await call('POST', `/v2/payments/captures/${captureId}/refund`, { requestId: 'rid-ref-1' })).body).toEqual(
      rest.body,
    );

    const more = await call('POST', `/v2/payments/captures/${captureId}/refund`, {
      body: { amount: { currency_code: 'EUR', value: '0.01' } },
    });
    expect(more.status).toBe(422);
    expect(more.body.details).toEqual([expect.objectContaining({ issue: 'CAPTURE_FULLY_REFUNDED' })]);

    expect((await call('GET', '/_admin/refunds')).body.refunds.map((r: { amount: string }) => r.amount)).toEqual([
      '9.90',
      '30.00',
    ]);
    expect((await call('GET', '/_admin/captures')).body.captures).toEqual([
      expect.objectContaining({ refunded: '39.90', status: 'REFUNDED' }),
    ]);
  });

  it('refuses a refund above what is left with 422 REFUND_AMOUNT_EXCEEDED', async () => {
    const { captureId } = await capturedOrder();
    const res = await call('POST', `/v2/payments/captures/${captureId}/refund`, {
      body: { amount: { currency_code: 'EUR', value: '39.91' } },
    });
    expect(res.status).toBe(422);
    expect(res.body).toEqual(paypalError('UNPROCESSABLE_ENTITY'));
    expect(res.body.details).toEqual([expect.objectContaining({ issue: 'REFUND_AMOUNT_EXCEEDED' })]);
    expect((await call('GET', '/_admin/refunds')).body.refunds).toEqual([]);
  });

  it('refuses a refund in another currency', async () => {
    const { captureId } = await capturedOrder();
    const res = await call('POST', `/v2/payments/captures/${captureId}/refund`, {
      body: { amount: { currency_code: 'USD', value: '1.00' } },
    });
    expect(res.status).toBe(422);
    expect(res.body.details).toEqual([expect.objectContaining({ issue: 'REFUND_CAPTURE_CURRENCY_MISMATCH' })]);
  });

  it('answers an unknown capture with 404', async () => {
    const res = await call('POST', '/v2/payments/captures/NOPE/refund', { body: {} });
    expect(res.status).toBe(404);
    expect(res.body.details).toEqual([expect.objectContaining({ field: 'capture_id', issue: 'INVALID_RESOURCE_ID' })]);
  });
});

describe('admin surface and faults', () => {
  it('counts requests per route, and reset clears everything', async () => {
    const { captureId } = await capturedOrder();
    await call('POST', `/v2/payments/captures/${captureId}/refund`, { body: {} });
    const none = {
      token: 0,
      create: 0,
      capture: 0,
      refund: 0,
      get: 0,
      'setup-token': 0,
      'setup-token-get': 0,
      'payment-token': 0,
      'payment-token-get': 0,
      'payment-token-delete': 0,
    };
    expect((await call('GET', '/_admin/requests')).body.counts).toEqual({
      ...none,
      token: 1,
      create: 1,
      capture: 1,
      refund: 1,
    });

    await call('POST', '/_admin/reset');
    expect((await call('GET', '/_admin/requests')).body.counts).toEqual(none);
    expect((await call('GET', '/_admin/payment-tokens')).body.paymentTokens).toEqual([]);
    expect((await call('GET', '/_admin/captures')).body.captures).toEqual([]);
    expect((await call('GET', '/_admin/refunds')).body.refunds).toEqual([]);
    expect((await call('GET', '/v2/checkout/orders/ANY')).status).toBe(401);
  });

  it('consumes a queued fault per matching request, in order', async () => {
    await call('POST', '/_admin/faults', { body: { route: 'create', kind: 'http_503', times: 2 } });
    await call('POST', '/_admin/faults', { body: { route: 'any', kind: 'http_500' } });
    expect((await call('GET', '/_admin/faults')).body.faults).toHaveLength(2);

    const statuses: number[] = [];
    for (let i = 0; i < 3; i += 1)
      statuses.push((await call('POST', '/v2/checkout/orders', { body: orderBody({ invoice_id: `f${i}` }) })).status);
    statuses.push((await call('POST', '/v2/checkout/orders', { body: orderBody({ invoice_id: 'f3' }) })).status);
    expect(statuses).toEqual([503, 503, 500, 201]);
    expect((await call('GET', '/_admin/faults')).body.faults).toEqual([]);
    expect((await call('GET', '/_admin/orders')).body.orders).toHaveLength(1);
  });

  it('answers a 5xx fault in the PayPal error shape', async () => {
    await call('POST', '/_admin/faults', { body: { route: 'get', kind: 'http_500' } });
    const res = await call('GET', '/v2/checkout/orders/ANY');
    expect(res.status).toBe(500);
    expect(res.body).toEqual(paypalError('INTERNAL_SERVER_ERROR'));
  });

  it.each([
    ['PUT', '/_admin/declined-vault-ids', '{"vaultIds": "vault-1"}'],
    ['PUT', '/_admin/declined-vault-ids', '{"vaultIds": ["v"], "issue": "not an issue"}'],
    ['POST', '/_admin/faults', '{"route": "everywhere", "kind": "http_500"}'],
    ['POST', '/_admin/faults', '{"route": "any", "kind": "http_500", "times": 0}'],
    ['POST', '/_admin/faults', '{"route": "any", '],
    ['POST', '/_admin/faults', 'null'],
  ])('answers %s %s with bad input %s with 400', async (method, path, raw) => {
    const res = await call(method, path, { raw, auth: null });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ error: 'invalid_request' });
    expect((await call('GET', '/_admin/faults')).body.faults).toEqual([]);
  });

  it('answers unknown paths with 404, never 500', async () => {
    expect((await call('GET', '/_admin/nothing')).status).toBe(404);
    const res = await call('POST', '/v1/payments/payment', { body: {} });
    expect(res.status).toBe(404);
    expect(res.body.name).toBe('RESOURCE_NOT_FOUND');
  });
});
