import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  PayPalClient,
  PayPalConfigError,
  PayPalDeclined,
  PayPalTransientError,
  type PayPalChargeInput,
  type PayPalClientOptions,
} from '../../activities/paypal/client.js';
import { createPayPalSimulator } from '../../simulators/paypal/index.js';
import { linkPayPal } from '../../simulators/paypal/link-paypal.js';

// The real simulator over real HTTP, driven by the production client: nothing is mocked.

const credentials = { clientId: 'platform-app', clientSecret: 'platform-secret' };
const tokenLifetimeMs = 32_400_000;

/** Lets a test move the simulator's clock, e.g. to expire the tokens it issued. */
let simulatorClockOffset = 0;
let server: { url: string; close(): Promise<void> };
/** The merchant's saved PayPal account, linked through the vault before each test. */
let linkedVaultId: string;

beforeAll(async () => {
  const simulator = createPayPalSimulator({
    ...credentials,
    now: () => Date.now() + simulatorClockOffset,
  });
  server = await simulator.listen(0);
});

afterAll(async () => {
  await server.close();
});

beforeEach(async () => {
  simulatorClockOffset = 0;
  await admin('POST', '/reset');
  linkedVaultId = (await linkPayPal(server.url, credentials)).vaultId;
  // Counts start after linking, so they show what the client under test asked for.
  await admin('DELETE', '/requests');
});

async function admin<T = unknown>(method: string, path: string, body?: unknown): Promise<T> {
  const res = await fetch(`${server.url}/_admin${path}`, {
    method,
    ...(body === undefined ? {} : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
  });
  expect(res.status, `${method} /_admin${path}`).toBeLessThan(300);
  return (res.status === 204 ? undefined : await res.json()) as T;
}

interface AdminCapture {
  id: string;
  orderId: string;
  invoiceId: string | null;
  vaultId: string;
  amount: string;
  currency: string;
  refunded: string;
  status: string;
}
const captures = async () => (await admin<{ captures: AdminCapture[] }>('GET', '/captures')).captures;
const refunds = async () =>
  (await admin<{ refunds: { id: string; captureId: string; amount: string; currency: string }[] }>('GET', '/refunds'))
    .refunds;
const counts = async () =>
  (await admin<{ counts: Record<'token' | 'create' | 'capture' | 'refund' | 'get', number> }>('GET', '/requests'))
    .counts;
const fault = (f: { route: string; kind: string; times?: number; delayMs?: number }) => admin('POST', '/faults', f);

function client(overrides: Partial<PayPalClientOptions> = {}): PayPalClient {
  return new PayPalClient({ baseUrl: server.url, ...credentials, timeoutMs: 5_000, ...overrides });
}

let sequence = 0;
function chargeInput(overrides: Partial<PayPalChargeInput> = {}): PayPalChargeInput {
  sequence += 1;
  return {
    requestKey: `order:ord_${sequence}:paypal:1`,
    invoiceId: `ord_${sequence}`,
    vaultId: linkedVaultId,
    amount: 3990,
    currency: 'EUR',
    description: 'Wholesale cost of order',
    ...overrides,
  };
}

async function failure(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (err) {
    return err;
  }
  throw new Error('expected the call to fail');
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('PayPalClient.charge', () => {
  it('charges 3990 cents as a 39.90 EUR capture that PayPal records', async () => {
    const input = chargeInput();
    const charge = await client().charge(input);

    expect(charge).toMatchObject({ amount: 3990, currency: 'EUR', status: 'COMPLETED' });
    expect(await captures()).toEqual([
      expect.objectContaining({
        id: charge.captureId,
        orderId: charge.paypalOrderId,
        invoiceId: input.invoiceId,
        vaultId: linkedVaultId,
        amount: '39.90',
        currency: 'EUR',
        refunded: '0.00',
      }),
    ]);
  });

  it('sends amounts with exactly two decimals, and none for zero-decimal currencies', async () => {
    const paypal = client();
    await paypal.charge(chargeInput({ amount: 5 }));
    await paypal.charge(chargeInput({ amount: 100_000 }));
    await paypal.charge(chargeInput({ amount: 1234, currency: 'JPY' }));
    expect((await captures()).map((c) => `${c.amount} ${c.currency}`)).toEqual(['0.05 EUR', '1000.00 EUR', '1234 JPY']);
  });

  it('charges once when called twice with the same request key', async () => {
    const input = chargeInput();
    const first = await client().charge(input);
    // A different client instance, as after a worker restart: only the request key ties the calls together.
    const second = await client().charge(input);

    expect(second).toEqual(first);
    expect(await captures()).toHaveLength(1);
  });

  it('does not charge twice when the capture answer is lost to a timeout and the charge is retried', async () => {
    const input = chargeInput();
    const paypal = client({ timeoutMs: 250 });
    await fault({ route: 'capture', kind: 'slow', delayMs: 800 });

    const lost = await failure(paypal.charge(input));
    expect(lost).toBeInstanceOf(PayPalTransientError);
    expect(lost).toMatchObject({ kind: 'timeout', retryable: true });

    const retried = await paypal.charge(input);
    await sleep(800); // let the delayed capture finish on the simulator
    const recorded = await captures();
    expect(recorded).toHaveLength(1);
    expect(recorded[0]?.id).toBe(retried.captureId);
  });

  it('returns the existing capture when PayPal says the order was already captured', async () => {
    const input = chargeInput();
    // Reproduces PayPal having forgotten the capture request id: the order was captured under another id.
    const token = await rawToken();
    const created = await rawJson(
      'POST',
      '/v2/checkout/orders',
      token,
      { 'PayPal-Request-Id': `${input.requestKey}:create` },
      {
        intent: 'CAPTURE',
        purchase_units: [{ invoice_id: input.invoiceId, amount: { currency_code: 'EUR', value: '39.90' } }],
        payment_source: { paypal: { vault_id: input.vaultId } },
      },
    );
    const orderId = (created.body as { id: string }).id;
    const captured = await rawJson(
      'POST',
      `/v2/checkout/orders/${orderId}/capture`,
      token,
      { 'PayPal-Request-Id': 'some-earlier-id' },
      {},
    );
    expect(captured.status).toBe(201);

    const charge = await client().charge(input);

    const recorded = await captures();
    expect(recorded).toHaveLength(1);
    expect(charge).toMatchObject({ paypalOrderId: orderId, captureId: recorded[0]?.id, amount: 3990, currency: 'EUR' });
    expect((await counts()).get).toBe(1);
  });

  it('refuses to reuse a request key for a different amount', async () => {
    const input = chargeInput();
    await client().charge(input);
    const err = await failure(client().charge({ ...input, amount: 4990 }));
    expect(err).toBeInstanceOf(PayPalConfigError);
    expect(await captures()).toHaveLength(1);
  });

  it('reports a declined vaulted account as PayPalDeclined INSTRUMENT_DECLINED and records no capture', async () => {
    const err = await failure(client().charge(chargeInput({ vaultId: 'declined-card-expired' })));
    expect(err).toBeInstanceOf(PayPalDeclined);
    expect(err).toMatchObject({ issue: 'INSTRUMENT_DECLINED', status: 422, retryable: false });
    expect((err as PayPalDeclined).description).not.toBe('');
    expect(await captures()).toEqual([]);

    const declining = await linkPayPal(server.url, { ...credentials, declineWith: 'INSTRUMENT_DECLINED' });
    const linkedDeclined = await failure(client().charge(chargeInput({ vaultId: declining.vaultId })));
    expect(linkedDeclined).toMatchObject({ issue: 'INSTRUMENT_DECLINED' });
    expect(await captures()).toEqual([]);
  });

  it('passes on the decline issue PayPal gives, and charges once the account is fixed', async () => {
    const input = chargeInput();
    await admin('PUT', '/declined-vault-ids', { vaultIds: [linkedVaultId], issue: 'PAYER_CANNOT_PAY' });
    expect(await failure(client().charge(input))).toMatchObject({ issue: 'PAYER_CANNOT_PAY' });

    await admin('PUT', '/declined-vault-ids', { vaultIds: [] });
    const charge = await client().charge(input);
    expect(charge.amount).toBe(3990);
    expect(await captures()).toHaveLength(1);
  });

  it('treats an invoice already paid under another request key as DUPLICATE_INVOICE_ID, without charging again', async () => {
    const first = chargeInput();
    await client().charge(first);
    const err = await failure(client().charge({ ...first, requestKey: 'order:other:paypal:2' }));
    expect(err).toBeInstanceOf(PayPalDeclined);
    expect(err).toMatchObject({ issue: 'DUPLICATE_INVOICE_ID' });
    expect(await captures()).toHaveLength(1);
  });

  it('rejects a fractional amount before calling PayPal', async () => {
    const err = await failure(client().charge(chargeInput({ amount: 39.9 })));
    expect(err).toBeInstanceOf(PayPalConfigError);
    expect(await counts()).toMatchObject({ token: 0, create: 0 });
  });
});

describe('PayPalClient.refund', () => {
  it('refunds a capture once, even when called twice with the same key', async () => {
    const charge = await client().charge(chargeInput());
    const request = { requestKey: 'order:ord_r:refund:1', captureId: charge.captureId, amount: 3990, currency: 'EUR' };

    const first = await client().refund(request);
    const second = await client().refund(request);

    expect(first.status).toBe('COMPLETED');
    expect(second).toEqual(first);
    expect(await refunds()).toEqual([
      expect.objectContaining({ id: first.refundId, captureId: charge.captureId, amount: '39.90', currency: 'EUR' }),
    ]);
    expect(await captures()).toEqual([expect.objectContaining({ refunded: '39.90', status: 'REFUNDED' })]);
  });

  it('refuses refunds that add up to more than was captured', async () => {
    const charge = await client().charge(chargeInput());
    await client().refund({ requestKey: 'r:1', captureId: charge.captureId, amount: 1000, currency: 'EUR' });
    const err = await failure(
      client().refund({ requestKey: 'r:2', captureId: charge.captureId, amount: 3000, currency: 'EUR' }),
    );
    expect(err).toBeInstanceOf(PayPalDeclined);
    expect(err).toMatchObject({ issue: 'REFUND_AMOUNT_EXCEEDED' });
    expect((await refunds()).map((r) => r.amount)).toEqual(['10.00']);
  });

  it('reports an unknown capture as a configuration error', async () => {
    const err = await failure(
      client().refund({ requestKey: 'r:x', captureId: 'NOSUCHCAPTURE0000', amount: 100, currency: 'EUR' }),
    );
    expect(err).toBeInstanceOf(PayPalConfigError);
    expect(err).toMatchObject({ status: 404, retryable: false });
  });
});

describe('access token', () => {
  it('is fetched once and reused across calls', async () => {
    const paypal = client();
    const charge = await paypal.charge(chargeInput());
    await paypal.charge(chargeInput());
    await paypal.refund({ requestKey: 'r:t', captureId: charge.captureId, amount: 100, currency: 'EUR' });
    expect(await counts()).toMatchObject({ token: 1, create: 2, capture: 2, refund: 1 });
  });

  it('is renewed once its lifetime has passed on the client clock', async () => {
    let clock = Date.now();
    const paypal = client({ now: () => clock });
    await paypal.charge(chargeInput());
    clock += tokenLifetimeMs - 30_000; // inside the renewal margin before expiry
    await paypal.charge(chargeInput());
    expect((await counts()).token).toBe(2);
    clock += 1_000;
    await paypal.charge(chargeInput());
    expect((await counts()).token).toBe(2);
  });

  it('is dropped and fetched again when PayPal answers 401 to a call', async () => {
    const paypal = client();
    await paypal.charge(chargeInput());
    simulatorClockOffset = tokenLifetimeMs + 1_000; // PayPal considers the token expired; the client does not know

    const charge = await paypal.charge(chargeInput());
    expect(charge.status).toBe('COMPLETED');
    expect((await counts()).token).toBe(2);

    await admin('POST', '/tokens/revoke');
    await paypal.charge(chargeInput());
    expect((await counts()).token).toBe(3);
    expect(await captures()).toHaveLength(3);
  });

  it('turns wrong credentials into PayPalConfigError', async () => {
    const err = await failure(client({ clientSecret: 'wrong' }).charge(chargeInput()));
    expect(err).toBeInstanceOf(PayPalConfigError);
    expect(err).toMatchObject({ status: 401, issue: 'invalid_client', retryable: false });
    expect(await counts()).toMatchObject({ token: 1, create: 0 });
  });
});

describe('transient failures', () => {
  it('reports a 500 as http_5xx, and the next call with the same key succeeds with one capture', async () => {
    const input = chargeInput();
    await fault({ route: 'capture', kind: 'http_500' });

    const err = await failure(client().charge(input));
    expect(err).toBeInstanceOf(PayPalTransientError);
    expect(err).toMatchObject({ kind: 'http_5xx', status: 500, retryable: true });
    expect(await captures()).toEqual([]);

    const charge = await client().charge(input);
    expect(await captures()).toEqual([expect.objectContaining({ id: charge.captureId })]);
    expect((await admin<{ orders: unknown[] }>('GET', '/orders')).orders).toHaveLength(1);
  });

  it('reports a 503 on the token endpoint as http_5xx with its Retry-After', async () => {
    await fault({ route: 'token', kind: 'http_503' });
    const err = await failure(client().charge(chargeInput()));
    expect(err).toMatchObject({ kind: 'http_5xx', status: 503, retryAfterMs: 1_000 });
  });

  it('reports a 429 as rate_limited with its Retry-After', async () => {
    await fault({ route: 'create', kind: 'http_429' });
    const err = await failure(client().charge(chargeInput()));
    expect(err).toBeInstanceOf(PayPalTransientError);
    expect(err).toMatchObject({ kind: 'rate_limited', retryAfterMs: 2_000 });
  });

  it('reports an unreadable 2xx body as bad_response', async () => {
    await fault({ route: 'create', kind: 'malformed_body' });
    const err = await failure(client().charge(chargeInput()));
    expect(err).toMatchObject({ kind: 'bad_response', status: 201 });
  });

  it('reports a response slower than the timeout as timeout', async () => {
    await fault({ route: 'token', kind: 'slow', delayMs: 600 });
    const started = Date.now();
    const err = await failure(client({ timeoutMs: 150 }).charge(chargeInput()));
    expect(err).toMatchObject({ kind: 'timeout' });
    expect(Date.now() - started).toBeLessThan(550);
  });

  it('reports an unreachable PayPal as network', async () => {
    const port = await closedPort();
    const err = await failure(client({ baseUrl: `http://127.0.0.1:${port}` }).charge(chargeInput()));
    expect(err).toBeInstanceOf(PayPalTransientError);
    expect(err).toMatchObject({ kind: 'network' });
  });

  it('uses up a fault queued for several requests, then works again', async () => {
    await fault({ route: 'any', kind: 'http_500', times: 2 });
    const input = chargeInput();
    expect(await failure(client().charge(input))).toMatchObject({ kind: 'http_5xx' });
    expect(await failure(client().charge(input))).toMatchObject({ kind: 'http_5xx' });
    await client().charge(input);
    expect(await captures()).toHaveLength(1);
  });
});

async function rawToken(): Promise<string> {
  const res = await fetch(`${server.url}/v1/oauth2/token`, {
    method: 'POST',
    headers: {
      authorization: `Basic ${Buffer.from(`${credentials.clientId}:${credentials.clientSecret}`).toString('base64')}`,
      'content-type': 'application/x-www-form-urlencoded',
    },
    body: 'grant_type=client_credentials',
  });
  return ((await res.json()) as { access_token: string }).access_token;
}

async function rawJson(method: string, path: string, token: string, headers: Record<string, string>, body: unknown) {
  const res = await fetch(`${server.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as unknown };
}

/** A port nothing listens on: bound, then released. */
async function closedPort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}
