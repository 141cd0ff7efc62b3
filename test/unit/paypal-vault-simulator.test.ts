import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { PayPalSimulatorAdmin } from '../../simulators/paypal/admin-client.js';
import { createPayPalSimulator } from '../../simulators/paypal/index.js';
import { readForm, submitForm } from '../support/html-form.js';

// Payment Method Tokens v3 and the payer's approval page as a PayPal client and a browser see them: raw HTTP only.

const clientId = 'vault-client';
const clientSecret = 'vault-secret';
const returnUrl = 'https://shop.example/paypal/return?merchant=m_1';
const cancelUrl = 'https://shop.example/paypal/cancel';
let server: { url: string; close(): Promise<void> };
let admin: PayPalSimulatorAdmin;
let token: string;
let sequence = 0;

beforeAll(async () => {
  server = await createPayPalSimulator({ clientId, clientSecret }).listen(0);
  admin = new PayPalSimulatorAdmin(server.url);
});

afterAll(async () => {
  await server.close();
});

beforeEach(async () => {
  await admin.reset();
  const res = await fetch(`${server.url}/v1/oauth2/token`, {
    method: 'POST',
    headers: {
      authorization: `Basic ${Buffer.from(`${clientId}:${clientSecret}`).toString('base64')}`,
      'content-type': 'application/x-www-form-urlencoded',
    },
    body: 'grant_type=client_credentials',
  });
  token = ((await res.json()) as { access_token: string }).access_token;
});

async function call(
  method: string,
  path: string,
  opts: { body?: unknown; requestId?: string | null; auth?: string | null } = {},
) {
  const auth = opts.auth === undefined ? `Bearer ${token}` : opts.auth;
  // Vault POSTs need a PayPal-Request-Id: a fresh one unless the test names one (or none, with null).
  const requestId = opts.requestId === undefined && method === 'POST' ? `rid-${++sequence}` : opts.requestId;
  const res = await fetch(`${server.url}${path}`, {
    method,
    headers: {
      ...(auth ? { authorization: auth } : {}),
      ...(opts.body !== undefined ? { 'content-type': 'application/json' } : {}),
      ...(requestId ? { 'PayPal-Request-Id': requestId } : {}),
    },
    ...(opts.body !== undefined ? { body: JSON.stringify(opts.body) } : {}),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined, headers: res.headers };
}

function setupTokenBody(paypal: Record<string, unknown> = {}, context: Record<string, unknown> = {}) {
  return {
    payment_source: {
      paypal: {
        usage_type: 'MERCHANT',
        description: 'Pays for dropshipping orders when the wallet is short',
        experience_context: { brand_name: 'Drop & Ship', return_url: returnUrl, cancel_url: cancelUrl, ...context },
        ...paypal,
      },
    },
  };
}

async function createSetupToken(paypal: Record<string, unknown> = {}): Promise<{ id: string; approveHref: string }> {
  const res = await call('POST', '/v3/vault/setup-tokens', { body: setupTokenBody(paypal) });
  expect(res.status).toBe(201);
  return { id: res.body.id, approveHref: res.body.links.find((l: { rel: string }) => l.rel === 'approve').href };
}

function exchange(setupTokenId: string, requestId?: string) {
  return call('POST', '/v3/vault/payment-tokens', {
    body: { payment_source: { token: { id: setupTokenId, type: 'SETUP_TOKEN' } } },
    ...(requestId ? { requestId } : {}),
  });
}

async function savedPayPal(approval: { payerEmail?: string; declineWith?: string } = {}): Promise<string> {
  const setup = await createSetupToken({ permit_multiple_payment_tokens: true });
  await admin.approveSetupToken(setup.id, approval);
  const saved = await exchange(setup.id);
  expect(saved.status).toBe(201);
  return saved.body.id;
}

function orderBody(vaultId: string, invoiceId = `inv-${++sequence}`) {
  return {
    intent: 'CAPTURE',
    purchase_units: [{ invoice_id: invoiceId, amount: { currency_code: 'EUR', value: '25.00' } }],
    payment_source: { paypal: { vault_id: vaultId } },
  };
}

const paypalError = (name: string) =>
  expect.objectContaining({ name, message: expect.any(String), debug_id: expect.stringMatching(/^[0-9a-f]+$/) });

describe('POST /v3/vault/setup-tokens', () => {
  it('creates a setup token waiting for the payer, with an approve link on the simulator', async () => {
    const res = await call('POST', '/v3/vault/setup-tokens', { body: setupTokenBody() });
    expect(res.status).toBe(201);
    const id: string = res.body.id;
    expect(res.body).toEqual({
      id: expect.stringMatching(/^[0-9A-Z]{17}$/),
      customer: { id: expect.stringMatching(/^[0-9a-zA-Z]+$/) },
      status: 'PAYER_ACTION_REQUIRED',
      payment_source: {
        paypal: {
          description: 'Pays for dropshipping orders when the wallet is short',
          usage_type: 'MERCHANT',
          customer_type: 'CONSUMER',
          permit_multiple_payment_tokens: false,
        },
      },
      links: [
        { href: `${server.url}/v3/vault/setup-tokens/${id}`, rel: 'self', method: 'GET', encType: 'application/json' },
        {
          href: `${server.url}/agreements/approve?approval_session_id=${id}`,
          rel: 'approve',
          method: 'GET',
          encType: 'application/json',
        },
      ],
    });
    const read = await call('GET', `/v3/vault/setup-tokens/${id}`);
    expect(read.status).toBe(200);
    expect(read.body).toEqual(res.body);
  });

  it('replays the first answer with 200 for a repeated PayPal-Request-Id, and creates nothing more', async () => {
    const first = await call('POST', '/v3/vault/setup-tokens', { body: setupTokenBody(), requestId: 'link:m_1:1' });
    const again = await call('POST', '/v3/vault/setup-tokens', { body: setupTokenBody(), requestId: 'link:m_1:1' });
    expect([first.status, again.status]).toEqual([201, 200]);
    expect(again.body).toEqual(first.body);
    expect(await admin.setupTokens()).toHaveLength(1);

    const other = await call('POST', '/v3/vault/setup-tokens', { body: setupTokenBody(), requestId: 'link:m_1:2' });
    expect(other.body.id).not.toBe(first.body.id);
  });

  it('requires a PayPal-Request-Id and a Bearer token', async () => {
    const noId = await call('POST', '/v3/vault/setup-tokens', { body: setupTokenBody(), requestId: null });
    expect(noId.status).toBe(400);
    expect(noId.body.details).toEqual([
      expect.objectContaining({ field: 'PayPal-Request-Id', location: 'header', issue: 'MISSING_REQUIRED_PARAMETER' }),
    ]);
    const noAuth = await call('POST', '/v3/vault/setup-tokens', { body: setupTokenBody(), auth: null });
    expect(noAuth.status).toBe(401);
    expect(noAuth.body).toEqual(paypalError('AUTHENTICATION_FAILURE'));
    expect(await admin.setupTokens()).toEqual([]);
  });

  it.each([
    [
      'no return_url',
      setupTokenBody({}, { return_url: undefined }),
      '/payment_source/paypal/experience_context/return_url',
      'MISSING_REQUIRED_PARAMETER',
    ],
    [
      'a relative cancel_url',
      setupTokenBody({}, { cancel_url: '/paypal/cancel' }),
      '/payment_source/paypal/experience_context/cancel_url',
      'INVALID_PARAMETER_SYNTAX',
    ],
    [
      'an unknown usage_type',
      setupTokenBody({ usage_type: 'SOMETIMES' }),
      '/payment_source/paypal/usage_type',
      'INVALID_PARAMETER_VALUE',
    ],
    [
      'markup in the description',
      setupTokenBody({ description: '<b>pay</b>' }),
      '/payment_source/paypal/description',
      'INVALID_PARAMETER_SYNTAX',
    ],
    [
      'a card instead of PayPal',
      { payment_source: { card: { number: '4111111111111111' } } },
      '/payment_source/paypal',
      'MISSING_REQUIRED_PARAMETER',
    ],
  ])('answers %s with 400 INVALID_REQUEST naming the field', async (_label, body, field, issue) => {
    const res = await call('POST', '/v3/vault/setup-tokens', { body });
    expect(res.status).toBe(400);
    expect(res.body).toEqual(paypalError('INVALID_REQUEST'));
    expect(res.body.details).toContainEqual(expect.objectContaining({ field, issue, location: 'body' }));
    expect(await admin.setupTokens()).toEqual([]);
  });

  it('answers an unknown setup token with 404 RESOURCE_NOT_FOUND', async () => {
    const res = await call('GET', '/v3/vault/setup-tokens/5C991763VB2781612');
    expect(res.status).toBe(404);
    expect(res.body.details).toEqual([
      expect.objectContaining({ issue: 'INVALID_RESOURCE_ID', location: 'path', value: '5C991763VB2781612' }),
    ]);
  });
});

describe('the approval page', () => {
  it('shows the merchant and its description, a prefilled payer e-mail and two buttons', async () => {
    const setup = await createSetupToken();
    const page = await fetch(setup.approveHref);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    const html = await page.text();
    expect(html).toContain('Drop &amp; Ship would like to save your PayPal account');
    expect(html).toContain('Pays for dropshipping orders when the wallet is short');
    const form = readForm(html);
    expect(form.method).toBe('post');
    expect(form.fields).toEqual({ approval_session_id: setup.id, payer_email: 'buyer-1@example.com' });
    expect(form.buttons.map((b) => b.value)).toEqual(['approve', 'cancel']);
  });

  it('Approve redirects 303 to return_url with approval_token_id and approval_session_id, keeping its own query', async () => {
    const setup = await createSetupToken();
    const form = readForm(await (await fetch(setup.approveHref)).text());
    const res = await submitForm(setup.approveHref, form, 'approve', { payer_email: 'maria.rossi@example.com' });

    expect(res.status).toBe(303);
    const back = new URL(res.headers.get('location') ?? '');
    expect(`${back.origin}${back.pathname}`).toBe('https://shop.example/paypal/return');
    expect(Object.fromEntries(back.searchParams)).toEqual({
      merchant: 'm_1',
      approval_token_id: setup.id,
      approval_session_id: setup.id,
    });

    const read = await call('GET', `/v3/vault/setup-tokens/${setup.id}`);
    expect(read.body).toMatchObject({
      status: 'APPROVED',
      payment_source: {
        paypal: {
          email_address: 'maria.rossi@example.com',
          payer_id: expect.stringMatching(/^[2-9A-HJ-NP-Z]{13}$/),
          name: { given_name: 'Maria', surname: 'Rossi' },
        },
      },
    });
    expect(read.body.links.map((l: { rel: string }) => l.rel)).toEqual(['self', 'confirm']);
    expect((await fetch(setup.approveHref)).status).toBe(409);
  });

  it('Cancel redirects 303 to cancel_url with the same parameters and leaves the token waiting for the payer', async () => {
    const setup = await createSetupToken();
    const form = readForm(await (await fetch(setup.approveHref)).text());
    const res = await submitForm(setup.approveHref, form, 'cancel');

    expect(res.status).toBe(303);
    const back = new URL(res.headers.get('location') ?? '');
    expect(`${back.origin}${back.pathname}`).toBe(cancelUrl);
    expect(Object.fromEntries(back.searchParams)).toEqual({
      approval_token_id: setup.id,
      approval_session_id: setup.id,
    });
    expect((await call('GET', `/v3/vault/setup-tokens/${setup.id}`)).body.status).toBe('PAYER_ACTION_REQUIRED');
    expect(await admin.setupTokens()).toEqual([
      expect.objectContaining({ id: setup.id, cancellations: 1, payerEmail: null }),
    ]);

    // PayPal keeps no cancelled state: the payer may come back through the same link and approve after all.
    const again = await submitForm(
      setup.approveHref,
      readForm(await (await fetch(setup.approveHref)).text()),
      'approve',
    );
    expect(again.status).toBe(303);
    expect((await call('GET', `/v3/vault/setup-tokens/${setup.id}`)).body.status).toBe('APPROVED');
  });

  it('answers an unknown link with 404 and a bad e-mail with the page again, approving nothing', async () => {
    expect((await fetch(`${server.url}/agreements/approve?approval_session_id=NOSUCHTOKEN0000`)).status).toBe(404);

    const setup = await createSetupToken();
    const res = await submitForm(
      setup.approveHref,
      readForm(await (await fetch(setup.approveHref)).text()),
      'approve',
      { payer_email: 'not an e-mail' },
    );
    expect(res.status).toBe(400);
    const html = await res.text();
    expect(html).toContain('Enter the e-mail address of a PayPal account.');
    expect(readForm(html).fields['payer_email']).toBe('not an e-mail');
    expect((await call('GET', `/v3/vault/setup-tokens/${setup.id}`)).body.status).toBe('PAYER_ACTION_REQUIRED');
  });
});

describe('POST /v3/vault/payment-tokens', () => {
  it('exchanges an approved setup token for a payment token carrying the payer, and marks the setup token VAULTED', async () => {
    const setup = await createSetupToken();
    await admin.approveSetupToken(setup.id, { payerEmail: 'shop.owner@example.com' });
    const res = await exchange(setup.id);

    expect(res.status).toBe(201);
    const id: string = res.body.id;
    expect(res.body).toEqual({
      id: expect.stringMatching(/^[0-9a-zA-Z_-]{1,36}$/),
      customer: { id: (await call('GET', `/v3/vault/setup-tokens/${setup.id}`)).body.customer.id },
      payment_source: {
        paypal: {
          description: 'Pays for dropshipping orders when the wallet is short',
          usage_type: 'MERCHANT',
          customer_type: 'CONSUMER',
          email_address: 'shop.owner@example.com',
          payer_id: expect.stringMatching(/^[2-9A-HJ-NP-Z]{13}$/),
          account_id: expect.stringMatching(/^[2-9A-HJ-NP-Z]{13}$/),
          name: { given_name: 'Shop', surname: 'Owner' },
        },
      },
      links: [
        {
          href: `${server.url}/v3/vault/payment-tokens/${id}`,
          rel: 'self',
          method: 'GET',
          encType: 'application/json',
        },
        {
          href: `${server.url}/v3/vault/payment-tokens/${id}`,
          rel: 'delete',
          method: 'DELETE',
          encType: 'application/json',
        },
      ],
    });
    expect((await call('GET', `/v3/vault/payment-tokens/${id}`)).body).toEqual(res.body);
    const setupNow = await call('GET', `/v3/vault/setup-tokens/${setup.id}`);
    expect(setupNow.body.status).toBe('VAULTED');
    expect(setupNow.body.links.map((l: { rel: string }) => l.rel)).toEqual(['self']);
    expect(await admin.paymentTokens()).toEqual([
      expect.objectContaining({ id, status: 'ACTIVE', setupTokenId: setup.id, payerEmail: 'shop.owner@example.com' }),
    ]);
  });

  it('refuses a setup token the payer has not approved with 422 PAYER_ACTION_REQUIRED', async () => {
    const setup = await createSetupToken();
    const res = await exchange(setup.id);
    expect(res.status).toBe(422);
    expect(res.body).toEqual(paypalError('UNPROCESSABLE_ENTITY'));
    expect(res.body.details).toEqual([
      expect.objectContaining({
        issue: 'PAYER_ACTION_REQUIRED',
        field: '/payment_source/token/id',
        description: expect.any(String),
      }),
    ]);
    expect(await admin.paymentTokens()).toEqual([]);
  });

  it('replays the exchange for its own request id, and refuses it under another with 422 SETUP_TOKEN_ALREADY_TOKENIZED', async () => {
    const setup = await createSetupToken();
    await admin.approveSetupToken(setup.id);
    const first = await exchange(setup.id, 'save:m_1:1');
    const replay = await exchange(setup.id, 'save:m_1:1');
    expect([first.status, replay.status]).toEqual([201, 200]);
    expect(replay.body).toEqual(first.body);

    const other = await exchange(setup.id, 'save:m_1:2');
    expect(other.status).toBe(422);
    expect(other.body.details).toEqual([expect.objectContaining({ issue: 'SETUP_TOKEN_ALREADY_TOKENIZED' })]);
    expect(await admin.paymentTokens()).toHaveLength(1);
  });

  it('answers an unknown setup token with 404 INVALID_RESOURCE_ID naming the body field', async () => {
    const res = await exchange('5C991763VB2781612');
    expect(res.status).toBe(404);
    expect(res.body).toEqual(paypalError('RESOURCE_NOT_FOUND'));
    expect(res.body.details).toEqual([
      expect.objectContaining({ issue: 'INVALID_RESOURCE_ID', field: '/payment_source/token/id', location: 'body' }),
    ]);
  });

  it('gives a payer who links again their live token, unless multiple tokens are permitted', async () => {
    const link = async (permit: boolean) => {
      const setup = await createSetupToken({ permit_multiple_payment_tokens: permit });
      await admin.approveSetupToken(setup.id, { payerEmail: 'same.payer@example.com' });
      return (await exchange(setup.id)).body.id as string;
    };
    const first = await link(false);
    expect(await link(false)).toBe(first);
    expect(await link(true)).not.toBe(first);
    expect(await admin.paymentTokens()).toHaveLength(2);
  });
});

describe('payment tokens in use', () => {
  it('deletes a token: 204, then 404 for reads and deletes, orders refused, and /_admin shows it deleted', async () => {
    const vaultId = await savedPayPal();
    expect((await call('POST', '/v2/checkout/orders', { body: orderBody(vaultId) })).status).toBe(201);

    const deleted = await call('DELETE', `/v3/vault/payment-tokens/${vaultId}`);
    expect(deleted.status).toBe(204);
    expect(deleted.body).toBeUndefined();
    for (const res of [
      await call('GET', `/v3/vault/payment-tokens/${vaultId}`),
      await call('DELETE', `/v3/vault/payment-tokens/${vaultId}`),
    ]) {
      expect(res.status).toBe(404);
      expect(res.body).toEqual(paypalError('RESOURCE_NOT_FOUND'));
    }
    const order = await call('POST', '/v2/checkout/orders', { body: orderBody(vaultId) });
    expect(order.status).toBe(404);
    expect(order.body).toEqual(paypalError('RESOURCE_NOT_FOUND'));
    expect(order.body.details).toEqual([
      expect.objectContaining({
        issue: 'INVALID_RESOURCE_ID',
        field: '/payment_source/paypal/vault_id',
        location: 'body',
        value: vaultId,
      }),
    ]);
    expect(await admin.paymentTokens()).toEqual([
      expect.objectContaining({ id: vaultId, status: 'DELETED', deleteTime: expect.any(String) }),
    ]);
  });

  it('still captures an order created before its token was deleted, so a charge retried after a lost answer finishes', async () => {
    const vaultId = await savedPayPal();
    const created = await call('POST', '/v2/checkout/orders', { body: orderBody(vaultId) });
    expect((await call('DELETE', `/v3/vault/payment-tokens/${vaultId}`)).status).toBe(204);
    const captured = await call('POST', `/v2/checkout/orders/${created.body.id}/capture`, { body: {} });
    expect(captured.status).toBe(201);
    expect((await admin.captures()).map((c) => c.vaultId)).toEqual([vaultId]);
  });

  it('refuses an order on a vault id it never issued', async () => {
    const res = await call('POST', '/v2/checkout/orders', { body: orderBody('vault-typed-by-hand') });
    expect(res.status).toBe(404);
    expect(res.body.details).toEqual([
      expect.objectContaining({ issue: 'INVALID_RESOURCE_ID', field: '/payment_source/paypal/vault_id' }),
    ]);
    expect((await call('GET', '/_admin/orders', { auth: null })).body.orders).toEqual([]);
  });

  it('declines captures on a token approved with declineWith, and captures on another token of the same payer', async () => {
    const declining = await savedPayPal({ payerEmail: 'payer@example.com', declineWith: 'PAYER_CANNOT_PAY' });
    const paying = await savedPayPal({ payerEmail: 'payer@example.com' });
    const capture = async (vaultId: string) => {
      const created = await call('POST', '/v2/checkout/orders', { body: orderBody(vaultId) });
      return call('POST', `/v2/checkout/orders/${created.body.id}/capture`, { body: {} });
    };

    const refused = await capture(declining);
    expect(refused.status).toBe(422);
    expect(refused.body.details).toEqual([expect.objectContaining({ issue: 'PAYER_CANNOT_PAY' })]);
    expect((await capture(paying)).status).toBe(201);
    expect((await admin.captures()).map((c) => c.vaultId)).toEqual([paying]);
    expect(await admin.paymentTokens()).toEqual([
      expect.objectContaining({ id: declining, declineWith: 'PAYER_CANNOT_PAY' }),
      expect.objectContaining({ id: paying, declineWith: null }),
    ]);
  });
});

describe('vault faults and admin controls', () => {
  it('applies a fault queued for a vault route to that route only', async () => {
    await admin.addFault({ route: 'payment-token', kind: 'http_429' });
    const vaultId = await savedPayPal().catch((err: Error) => err.message);
    expect(vaultId).toContain('429');
    await admin.addFault({ route: 'setup-token', kind: 'http_503' });
    expect((await call('POST', '/v2/checkout/orders', { body: orderBody('declined-x') })).status).toBe(201);
    const refused = await call('POST', '/v3/vault/setup-tokens', { body: setupTokenBody() });
    expect(refused.status).toBe(503);
    expect(refused.headers.get('retry-after')).toBe('1');
    expect((await call('POST', '/v3/vault/setup-tokens', { body: setupTokenBody() })).status).toBe(201);
    expect(await admin.requests()).toMatchObject({ 'setup-token': 3, 'payment-token': 1, create: 1 });
  });

  it('approves, re-approves and cancels through /_admin with the redirect the browser would follow', async () => {
    const setup = await createSetupToken();
    const approved = await admin.approveSetupToken(setup.id, { payerEmail: 'ops@example.com' });
    expect(approved.setupToken).toMatchObject({ status: 'APPROVED', payerEmail: 'ops@example.com' });
    expect(approved.redirectUrl).toBe(`${returnUrl}&approval_token_id=${setup.id}&approval_session_id=${setup.id}`);
    // A second approval changes nothing (a double submit), and an approved request can no longer be cancelled.
    expect((await admin.approveSetupToken(setup.id, { payerEmail: 'other@example.com' })).setupToken.payerEmail).toBe(
      'ops@example.com',
    );
    await expect(admin.cancelSetupToken(setup.id)).rejects.toThrow(/HTTP 409/);
    await expect(admin.approveSetupToken('NOSUCHTOKEN0000')).rejects.toThrow(/HTTP 404/);
    await expect(admin.approveSetupToken(setup.id, { declineWith: 'declined please' })).rejects.toThrow(/HTTP 400/);
  });
});
