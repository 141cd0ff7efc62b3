import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  PayPalClient,
  PayPalConfigError,
  PayPalDeclined,
  PayPalTransientError,
  type PayPalChargeInput,
  type PayPalClientOptions,
  type PayPalSetupTokenInput,
} from '../../activities/paypal/client.js';
import { PayPalSimulatorAdmin } from '../../simulators/paypal/admin-client.js';
import { createPayPalSimulator } from '../../simulators/paypal/index.js';
import { readForm, submitForm } from '../support/html-form.js';

// Linking PayPal and charging the linked account: the production client against the simulator over real HTTP,
// with the merchant's browser played by fetch on the approval page.

const credentials = { clientId: 'platform-app', clientSecret: 'platform-secret' };
const returnUrl = 'https://platform.example/v1/settings/paypal/return?merchant=m_1';
const cancelUrl = 'https://platform.example/v1/settings/paypal/cancelled?merchant=m_1';
let server: { url: string; close(): Promise<void> };
let admin: PayPalSimulatorAdmin;
let sequence = 0;

beforeAll(async () => {
  server = await createPayPalSimulator(credentials).listen(0);
  admin = new PayPalSimulatorAdmin(server.url);
});

afterAll(async () => {
  await server.close();
});

beforeEach(async () => {
  await admin.reset();
});

function client(overrides: Partial<PayPalClientOptions> = {}): PayPalClient {
  return new PayPalClient({ baseUrl: server.url, ...credentials, timeoutMs: 5_000, ...overrides });
}

function setupInput(overrides: Partial<PayPalSetupTokenInput> = {}): PayPalSetupTokenInput {
  sequence += 1;
  return {
    requestKey: `merchant:m_1:paypal-link:${sequence}`,
    returnUrl,
    cancelUrl,
    brandName: 'Dropship Platform',
    description: 'Pays for your orders when your wallet is short',
    ...overrides,
  };
}

function chargeInput(vaultId: string): PayPalChargeInput {
  sequence += 1;
  return {
    requestKey: `order:ord_${sequence}:paypal:1`,
    invoiceId: `ord_${sequence}`,
    vaultId,
    amount: 2490,
    currency: 'EUR',
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

/** The merchant's browser on PayPal: opens the approve link and presses a button; answers where PayPal sends it. */
async function answerOnPayPal(approveUrl: string, button: 'approve' | 'cancel', payerEmail?: string): Promise<URL> {
  const page = await fetch(approveUrl);
  expect(page.status).toBe(200);
  const res = await submitForm(
    approveUrl,
    readForm(await page.text()),
    button,
    payerEmail ? { payer_email: payerEmail } : {},
  );
  expect(res.status).toBe(303);
  return new URL(res.headers.get('location') ?? '');
}

/** Links a PayPal account end to end; `declineWith` is the payer's account failing every later payment. */
async function linked(opts: { declineWith?: string } = {}): Promise<string> {
  const paypal = client();
  const setup = await paypal.createSetupToken(setupInput());
  await admin.approveSetupToken(setup.id, opts.declineWith ? { declineWith: opts.declineWith } : {});
  return (await paypal.createPaymentToken({ requestKey: `link:${setup.id}`, setupTokenId: setup.id })).id;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('linking PayPal', () => {
  it('saves the account the merchant approves on PayPal, charges it, and treats a charge after unlinking as a decline', async () => {
    const paypal = client();
    const setup = await paypal.createSetupToken(setupInput());
    expect(setup).toEqual({
      id: expect.any(String),
      status: 'PAYER_ACTION_REQUIRED',
      approveUrl: expect.stringContaining(`${server.url}/agreements/approve?`),
    });

    const back = await answerOnPayPal(setup.approveUrl ?? '', 'approve', 'maria@example.com');
    expect(`${back.origin}${back.pathname}`).toBe('https://platform.example/v1/settings/paypal/return');
    expect(back.searchParams.get('merchant')).toBe('m_1');
    expect(back.searchParams.get('approval_token_id')).toBe(setup.id);
    expect(await paypal.getSetupToken(setup.id)).toEqual({ id: setup.id, status: 'APPROVED' });

    const saved = await paypal.createPaymentToken({
      requestKey: 'merchant:m_1:paypal-save:1',
      setupTokenId: back.searchParams.get('approval_token_id') ?? '',
    });
    expect(saved).toEqual({
      id: expect.any(String),
      customerId: expect.any(String),
      payerEmail: 'maria@example.com',
      payerId: expect.stringMatching(/^[2-9A-HJ-NP-Z]{13}$/),
    });
    expect((await paypal.getSetupToken(setup.id)).status).toBe('VAULTED');

    const charge = await paypal.charge(chargeInput(saved.id));
    expect(charge).toMatchObject({ amount: 2490, currency: 'EUR', status: 'COMPLETED' });
    expect(await admin.captures()).toEqual([
      expect.objectContaining({ id: charge.captureId, vaultId: saved.id, amount: '24.90' }),
    ]);

    await paypal.deletePaymentToken(saved.id);
    // Deleting again (a retry after a lost answer) is not an error: the account is gone either way.
    await paypal.deletePaymentToken(saved.id);
    expect(await admin.paymentTokens()).toEqual([expect.objectContaining({ id: saved.id, status: 'DELETED' })]);

    const refused = await failure(paypal.charge(chargeInput(saved.id)));
    expect(refused).toBeInstanceOf(PayPalDeclined);
    expect(refused).toMatchObject({
      issue: 'INVALID_RESOURCE_ID',
      status: 404,
      retryable: false,
      field: '/payment_source/paypal/vault_id',
    });
    expect((refused as PayPalDeclined).description).toContain(saved.id);
    expect(await admin.captures()).toHaveLength(1);
  });

  it('asks PayPal for a MERCHANT token with the platform brand, description and return URLs, one token per merchant', async () => {
    const setup = await client().createSetupToken(setupInput());
    expect(await admin.setupTokens()).toEqual([
      expect.objectContaining({
        id: setup.id,
        usageType: 'MERCHANT',
        permitMultiplePaymentTokens: true,
        brandName: 'Dropship Platform',
        description: 'Pays for your orders when your wallet is short',
        returnUrl,
        cancelUrl,
      }),
    ]);
    expect(await (await fetch(setup.approveUrl ?? '')).text()).toContain(
      'Dropship Platform would like to save your PayPal account',
    );
  });

  it('brings the merchant back to cancelUrl when they cancel on PayPal, and then saves nothing', async () => {
    const paypal = client();
    const setup = await paypal.createSetupToken(setupInput());
    const back = await answerOnPayPal(setup.approveUrl ?? '', 'cancel');
    expect(`${back.origin}${back.pathname}`).toBe('https://platform.example/v1/settings/paypal/cancelled');
    expect(back.searchParams.get('approval_token_id')).toBe(setup.id);
    expect((await paypal.getSetupToken(setup.id)).status).toBe('PAYER_ACTION_REQUIRED');

    const err = await failure(paypal.createPaymentToken({ requestKey: 'save:cancelled', setupTokenId: setup.id }));
    expect(err).toBeInstanceOf(PayPalDeclined);
    expect(err).toMatchObject({ issue: 'PAYER_ACTION_REQUIRED', status: 422, retryable: false });
    expect(await admin.paymentTokens()).toEqual([]);
  });

  it('refuses to save from a setup token nobody approved, or one PayPal never issued, as declines', async () => {
    const paypal = client();
    const setup = await paypal.createSetupToken(setupInput());
    expect(
      await failure(paypal.createPaymentToken({ requestKey: 'save:early', setupTokenId: setup.id })),
    ).toMatchObject({ issue: 'PAYER_ACTION_REQUIRED' });

    for (const err of [
      await failure(paypal.createPaymentToken({ requestKey: 'save:unknown', setupTokenId: '5C991763VB2781612' })),
      await failure(paypal.getSetupToken('5C991763VB2781612')),
    ]) {
      expect(err).toBeInstanceOf(PayPalDeclined);
      expect(err).toMatchObject({ issue: 'INVALID_RESOURCE_ID', status: 404 });
    }
    expect(await admin.paymentTokens()).toEqual([]);
  });

  it('creates one setup token per request key and one payment token per exchange key, and refuses a second exchange', async () => {
    const input = setupInput();
    // Separate client instances, as after a worker restart: only the key ties the calls together.
    const first = await client().createSetupToken(input);
    expect(await client().createSetupToken(input)).toEqual(first);
    expect(await admin.setupTokens()).toHaveLength(1);
    expect((await client().createSetupToken({ ...input, requestKey: `${input.requestKey}:again` })).id).not.toBe(
      first.id,
    );

    await admin.approveSetupToken(first.id);
    const save = { requestKey: 'merchant:m_1:paypal-save:7', setupTokenId: first.id };
    const saved = await client().createPaymentToken(save);
    expect(await client().createPaymentToken(save)).toEqual(saved);
    expect(await admin.paymentTokens()).toHaveLength(1);

    const again = await failure(client().createPaymentToken({ ...save, requestKey: 'merchant:m_1:paypal-save:8' }));
    expect(again).toBeInstanceOf(PayPalDeclined);
    expect(again).toMatchObject({ issue: 'SETUP_TOKEN_ALREADY_TOKENIZED' });
    expect(await admin.paymentTokens()).toHaveLength(1);
  });

  it('saves the account once when the answer to the exchange is lost and the exchange is retried with its key', async () => {
    const paypal = client({ timeoutMs: 250 });
    const setup = await paypal.createSetupToken(setupInput());
    await admin.approveSetupToken(setup.id);
    await admin.addFault({ route: 'payment-token', kind: 'slow', delayMs: 800 });
    const save = { requestKey: 'merchant:m_1:paypal-save:lost', setupTokenId: setup.id };

    expect(await failure(paypal.createPaymentToken(save))).toMatchObject({ kind: 'timeout', retryable: true });
    await sleep(800); // the held exchange completes on PayPal meanwhile
    const saved = await paypal.createPaymentToken(save);
    expect(await admin.paymentTokens()).toEqual([expect.objectContaining({ id: saved.id, status: 'ACTIVE' })]);
    expect((await admin.requests())['payment-token']).toBe(2);
  });

  it('reports an outage on the vault routes as transient, and works once PayPal is back', async () => {
    const paypal = client();
    await admin.addFault({ route: 'setup-token', kind: 'http_503' });
    expect(await failure(paypal.createSetupToken(setupInput()))).toMatchObject({
      kind: 'http_5xx',
      status: 503,
      retryAfterMs: 1_000,
    });
    const setup = await paypal.createSetupToken(setupInput());

    await admin.addFault({ route: 'setup-token-get', kind: 'http_429' });
    const limited = await failure(paypal.getSetupToken(setup.id));
    expect(limited).toBeInstanceOf(PayPalTransientError);
    expect(limited).toMatchObject({ kind: 'rate_limited', retryAfterMs: 2_000 });

    const vaultId = await linked();
    await admin.addFault({ route: 'payment-token-delete', kind: 'http_500' });
    expect(await failure(paypal.deletePaymentToken(vaultId))).toMatchObject({ kind: 'http_5xx', retryable: true });
    expect((await admin.paymentTokens()).find((t) => t.id === vaultId)?.status).toBe('ACTIVE');
    await paypal.deletePaymentToken(vaultId);
    expect((await admin.paymentTokens()).find((t) => t.id === vaultId)?.status).toBe('DELETED');
  });

  it.each([
    [
      'a return URL that is not http(s)',
      () => client().createSetupToken(setupInput({ returnUrl: 'javascript:alert(1)' })),
    ],
    ['a relative cancel URL', () => client().createSetupToken(setupInput({ cancelUrl: '/paypal/cancelled' }))],
    ['markup in the description', () => client().createSetupToken(setupInput({ description: '<b>Pay</b>' }))],
    [
      'a setup token id that is not one',
      () => client().createPaymentToken({ requestKey: 'save:x', setupTokenId: '../payment-tokens' }),
    ],
    ['a vault id that is not one', () => client().deletePaymentToken('a b')],
  ])('refuses %s before calling PayPal', async (_label, call) => {
    const err = await failure(call());
    expect(err).toBeInstanceOf(PayPalConfigError);
    expect(await admin.requests()).toMatchObject({
      token: 0,
      'setup-token': 0,
      'payment-token': 0,
      'payment-token-delete': 0,
    });
  });
});

describe('charging a linked account', () => {
  it('captures once when the capture answer is lost and the charge is retried with the same key', async () => {
    const vaultId = await linked();
    const paypal = client({ timeoutMs: 250 });
    const input = chargeInput(vaultId);
    await admin.addFault({ route: 'capture', kind: 'slow', delayMs: 800 });

    expect(await failure(paypal.charge(input))).toMatchObject({ kind: 'timeout', retryable: true });
    await sleep(800); // the held capture goes through on PayPal: only its answer was lost
    expect(await admin.captures()).toHaveLength(1);

    const retried = await paypal.charge(input);
    expect(await admin.captures()).toEqual([
      expect.objectContaining({ id: retried.captureId, vaultId, amount: '24.90' }),
    ]);
    expect((await admin.requests()).capture).toBe(2);
  });

  it("reports an account approved to decline as PayPalDeclined with PayPal's issue, while another linked account pays", async () => {
    const declining = await linked({ declineWith: 'INSTRUMENT_DECLINED' });
    const paying = await linked();

    const err = await failure(client().charge(chargeInput(declining)));
    expect(err).toBeInstanceOf(PayPalDeclined);
    expect(err).toMatchObject({ issue: 'INSTRUMENT_DECLINED', status: 422, retryable: false });
    const charge = await client().charge(chargeInput(paying));
    expect(await admin.captures()).toEqual([expect.objectContaining({ id: charge.captureId, vaultId: paying })]);
  });

  it('treats a vault id PayPal never issued as a decline, not an outage', async () => {
    const err = await failure(client().charge(chargeInput('typed-by-hand')));
    expect(err).toBeInstanceOf(PayPalDeclined);
    expect(err).toMatchObject({ issue: 'INVALID_RESOURCE_ID', retryable: false });
    expect(await admin.captures()).toEqual([]);
  });
});
