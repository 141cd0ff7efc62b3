import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../../dev/http-client.js';
import { createOperatorKey } from '../../dev/funding.js';
import { isPlatformReference } from '../../domain/payment-reference.js';
import { PayPalSimulatorAdmin } from '../../simulators/paypal/admin-client.js';
import {
  createMerchant,
  events,
  financeKey,
  getOrder,
  linkPayPal,
  orderInput,
  wallet,
  waitForStatus,
} from '../support/fixtures.js';
import { readForm, submitForm } from '../support/html-form.js';
import { OPERATOR_KEY, startStack, type Stack } from '../support/stack.js';
import { topUpMethods } from '../../domain/top-up-methods/registry.js';
import { expectRegistryTable } from '../support/registry-table.js';

/**
 * Money enters a wallet only when money was really received: a PayPal capture on the merchant's own linked
 * account, or a bank transfer the finance desk confirmed. Everything through HTTP against the real stack.
 */
let stack: Stack;
let paypal: PayPalSimulatorAdmin;
let db: pg.Pool;
beforeAll(async () => {
  stack = await startStack();
  paypal = new PayPalSimulatorAdmin(stack.paypalUrl);
  db = new pg.Pool({ connectionString: stack.databaseUrl, max: 2 });
});
afterAll(async () => {
  await db?.end();
  await stack?.stop();
});

async function topUp(key: string, body: Record<string, unknown>, headers: Record<string, string> = {}) {
  return stack.api.post('/v1/wallet/top-ups', body, { key, headers });
}

/** Polls a top-up until it has finished (a status other than PENDING and nothing left running). */
async function settled(key: string, id: string): Promise<any> {
  return waitFor(`top-up ${id} to finish`, async () => {
    const t = (await stack.api.get(`/v1/wallet/top-ups/${id}`, { key })).body;
    return t.status !== 'PENDING' && t.waitingFor === null ? t : false;
  });
}

async function ledger(key: string): Promise<any[]> {
  return (await stack.api.get('/v1/wallet/transactions?limit=200', { key })).body.items;
}

describe('a merchant key cannot raise its own balance', () => {
  it('tries every merchant endpoint that touches money (and every other write in the API) and the balance stays 0', async () => {
    const m = await createMerchant(stack);
    const other = await createMerchant(stack);
    const pending = (await topUp(m.key, { method: 'bank_transfer', amount: 50_000, currency: 'EUR' })).body;
    const order = (await stack.api.post('/v1/orders', orderInput(), { key: m.key })).body;
    const spareKey = (await stack.api.post('/v1/api-keys', { label: 'spare' }, { key: m.key })).body;

    // What each {id} stands for: the merchant's own resources where it has some, so that the calls reach the handlers.
    const idFor: [string, string][] = [
      ['/v1/orders/', order.id],
      ['/v1/wallet/top-ups/', pending.id],
      ['/v1/finance/top-ups/', pending.id],
      ['/v1/api-keys/', spareKey.id],
      ['/v1/merchants/', m.id],
      ['/v1/operator-keys/', 'key_unknown'],
      ['/v1/channels/', 'conn_unknown'],
    ];
    const bodies = [
      {},
      { amount: 100_000_000, currency: 'EUR', reference: 'x' },
      { method: 'bank_transfer', amount: 100_000_000, currency: 'EUR' },
      { method: 'paypal', amount: 10_000, currency: 'EUR' },
      { merchantId: m.id, amount: 100_000_000, reason: 'free money please' },
      { amountReceived: 100_000_000, bankReference: 'FAKE' },
      { enabled: true, vaultId: 'someone-elses-vault' },
      { name: 'Mallory', label: 'x' },
    ];
    const doc = (await stack.api.get('/openapi.json')).body;
    const tried: string[] = [];
    for (const [template, operations] of Object.entries<any>(doc.paths)) {
      for (const [method, op] of Object.entries<any>(operations)) {
        if (method === 'get' || !op.security) continue;
        const id = idFor.find(([prefix]) => template.startsWith(prefix))?.[1] ?? 'unknown';
        const path = template.replace('{keyId}', spareKey.id).replace('{id}', id);
        for (const body of bodies) {
          const res = await stack.api.request(method.toUpperCase(), path, { key: m.key, body });
          expect(res.status, `${method} ${path} ${JSON.stringify(body)}`).toBeLessThan(500);
          tried.push(`${method.toUpperCase()} ${template} → ${res.status}`);
        }
      }
    }
    // The money endpoints answered what they must: refused, or started something that credits nothing by itself.
    const statusOf = (line: string) => tried.filter((t) => t.startsWith(line)).map((t) => Number(t.split('→ ')[1]));
    // (The body naming a vault id is refused with 422 before anything looks at the key.)
    for (const finance of [
      'POST /v1/finance/adjustments',
      'POST /v1/finance/top-ups/{id}/confirm',
      'POST /v1/finance/top-ups/{id}/reject',
    ]) {
      expect(
        statusOf(finance).filter((s) => s !== 422),
        finance,
      ).toEqual(Array(bodies.length - 1).fill(403));
    }
    expect(statusOf('PUT /v1/settings/paypal').every((s) => s === 409 || s === 422)).toBe(true);
    expect(tried.length).toBeGreaterThan(100);

    await new Promise((r) => setTimeout(r, 1_000)); // let any workflow started above run
    expect(await wallet(stack, m.key)).toMatchObject({ balance: 0, reserved: 0, available: 0 });
    expect(await ledger(m.key)).toEqual([]);
    expect((await wallet(stack, other.key)).balance).toBe(0);
    const topUps = (await stack.api.get('/v1/wallet/top-ups?limit=200', { key: m.key })).body.items;
    expect(topUps.every((t: any) => t.status === 'PENDING' && t.credited === null)).toBe(true);
  });

  it('refuses a vault id in any request body with 422', async () => {
    const m = await createMerchant(stack);
    const cases: [string, string, unknown][] = [
      ['PUT', '/v1/settings/paypal', { enabled: true, vaultId: 'v-1' }],
      ['POST', '/v1/settings/paypal/link', { vaultId: 'v-1' }],
      ['POST', '/v1/settings/paypal/link/complete', { vaultId: 'v-1' }],
      ['POST', '/v1/wallet/top-ups', { method: 'paypal', amount: 10_000, currency: 'EUR', vaultId: 'v-1' }],
      ['POST', '/v1/orders', { ...orderInput(), vaultId: 'v-1' }],
      [
        'POST',
        '/v1/orders',
        { ...orderInput(), payment: { method: 'prepaid', amountPaid: 5990, currency: 'EUR', vault_id: 'v-1' } },
      ],
      ['POST', '/v1/api-keys', { label: 'x', vaultId: 'v-1' }],
    ];
    for (const [method, path, body] of cases) {
      const res = await stack.api.request(method, path, { key: m.key, body });
      expect(res.status, `${method} ${path}`).toBe(422);
      expect(JSON.stringify(res.body.error), `${method} ${path}`).toMatch(/vault_?id/i);
    }
    expect((await stack.api.get('/v1/settings', { key: m.key })).body.paypal).toMatchObject({
      linked: false,
      enabled: false,
      account: null,
    });
  });
});

describe('PayPal top-ups', () => {
  it('no linked PayPal → 409 with a clear message, nothing started', async () => {
    const m = await createMerchant(stack);
    const res = await topUp(m.key, { method: 'paypal', amount: 10_000, currency: 'EUR' });
    expect(res.status).toBe(409);
    expect(res.body.error).toMatchObject({ code: 'PAYPAL_NOT_LINKED' });
    expect(res.body.error.message).toContain('link');
    expect((await stack.api.get('/v1/wallet/top-ups', { key: m.key })).body.items).toEqual([]);
  });

  it('a linked, approving PayPal → COMPLETED and credited once, although the first capture answer was lost and retried', async () => {
    const m = await createMerchant(stack);
    await linkPayPal(stack, m);
    await paypal.resetRequestCounts();
    // Each of the first two captures takes longer than the client's timeout (1.5 s): the first is made at PayPal,
    // its answer never reaches the platform; the activity is retried with the same PayPal-Request-Id.
    await paypal.addFault({ route: 'capture', kind: 'slow', delayMs: 3_000, times: 2 });
    const started = await topUp(m.key, { method: 'paypal', amount: 12_345, currency: 'EUR' });
    expect(started.status).toBe(201);
    expect(started.body).toMatchObject({ method: 'paypal', status: 'PENDING', amount: 12_345, bankTransfer: null });

    const done = await settled(m.key, started.body.id);
    expect(done.status).toBe('COMPLETED');
    expect(done.credited).toMatchObject({ amount: 12_345 });
    expect(done.paypal).toMatchObject({ captureStatus: 'COMPLETED' });
    expect((await paypal.requests()).capture).toBeGreaterThanOrEqual(3);
    const captures = (await paypal.captures()).filter((c) => c.invoiceId === `top-up-${started.body.id}`);
    expect(captures).toHaveLength(1);
    expect(captures[0]?.id).toBe(done.paypal.captureId);

    expect(await wallet(stack, m.key)).toMatchObject({ balance: 12_345, available: 12_345 });
    const rows = await ledger(m.key);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      kind: 'top_up',
      amount: 12_345,
      balanceDelta: 12_345,
      topUpId: started.body.id,
      legacy: false,
    });
  });

  it("a declined PayPal → FAILED with PayPal's issue and a sentence for the merchant; wallet unchanged", async () => {
    const m = await createMerchant(stack, { topUp: 1_000 });
    await linkPayPal(stack, m, { decline: true });
    const started = await topUp(m.key, { method: 'paypal', amount: 10_000, currency: 'EUR' });
    const done = await settled(m.key, started.body.id);
    expect(done.status).toBe('FAILED');
    expect(done.failure.code).toBe('INSTRUMENT_DECLINED');
    expect(done.failure.message).toMatch(/PayPal declined the payment/);
    expect(done.credited).toBeNull();
    expect(await wallet(stack, m.key)).toMatchObject({ balance: 1_000, available: 1_000 });
    expect((await ledger(m.key)).map((t) => t.kind)).toEqual(['adjustment']);
  });

  it("refuses amounts outside TOP_UP_MIN..TOP_UP_MAX and another currency than the wallet's", async () => {
    const m = await createMerchant(stack);
    const small = await topUp(m.key, { method: 'bank_transfer', amount: stack.env.TOP_UP_MIN - 1, currency: 'EUR' });
    expect(small.status).toBe(422);
    expect(small.body.error.details[0].path).toBe('amount');
    expect(
      (await topUp(m.key, { method: 'bank_transfer', amount: stack.env.TOP_UP_MAX + 1, currency: 'EUR' })).status,
    ).toBe(422);
    expect((await topUp(m.key, { method: 'bank_transfer', amount: 10_000, currency: 'USD' })).body.error.code).toBe(
      'CURRENCY_MISMATCH',
    );
  });

  it('honours Idempotency-Key: the same top-up, started once', async () => {
    const m = await createMerchant(stack);
    const first = await topUp(
      m.key,
      { method: 'bank_transfer', amount: 10_000, currency: 'EUR' },
      { 'Idempotency-Key': 'tu-1' },
    );
    const again = await topUp(
      m.key,
      { method: 'bank_transfer', amount: 10_000, currency: 'EUR' },
      { 'Idempotency-Key': 'tu-1' },
    );
    expect(first.status).toBe(201);
    expect(again.body.id).toBe(first.body.id);
    expect((await stack.api.get('/v1/wallet/top-ups', { key: m.key })).body.items).toHaveLength(1);
  });
});

describe('bank-transfer top-ups and the finance desk', () => {
  it('answers the bank details and a check-digit reference, and credits nothing until the finance desk confirms what arrived', async () => {
    const m = await createMerchant(stack);
    const finance = await financeKey(stack);
    const started = await topUp(m.key, { method: 'bank_transfer', amount: 25_000, currency: 'EUR' });
    expect(started.status).toBe(201);
    const t = started.body;
    expect(t).toMatchObject({
      status: 'PENDING',
      method: 'bank_transfer',
      bankTransfer: { iban: stack.env.BANK_IBAN, bic: stack.env.BANK_BIC, beneficiary: stack.env.BANK_BENEFICIARY },
    });
    expect(isPlatformReference(t.bankTransfer.reference)).toBe(true);
    expect(Date.parse(t.bankTransfer.expiresAt) - Date.parse(t.createdAt)).toBe(stack.env.TOP_UP_TRANSFER_EXPIRY);
    expect((await wallet(stack, m.key)).balance).toBe(0);

    // The finance desk finds it by the reference as the bank statement shows it (spaces and case vary)...
    const byReference = await stack.api.get(
      `/v1/finance/top-ups?reference=${encodeURIComponent(t.bankTransfer.reference.toLowerCase().replaceAll(' ', ''))}`,
      { key: finance },
    );
    expect(byReference.body.items.map((x: any) => x.id)).toEqual([t.id]);
    // ...and a mistyped reference is caught by its check digits rather than matching nothing silently.
    const typo = t.bankTransfer.reference.replace(/.$/, (c: string) => (c === '7' ? '8' : '7'));
    expect(
      (await stack.api.get(`/v1/finance/top-ups?reference=${encodeURIComponent(typo)}`, { key: finance })).status,
    ).toBe(422);
    const pendingList = (await stack.api.get(`/v1/finance/top-ups?merchantId=${m.id}`, { key: finance })).body.items;
    expect(pendingList.map((x: any) => x.id)).toEqual([t.id]);
    await new Promise((r) => setTimeout(r, 500));
    expect((await wallet(stack, m.key)).balance).toBe(0);

    // 248.50 arrived, not 250.00 (bank fees): what arrived is what is credited.
    const confirmed = await stack.api.post(
      `/v1/finance/top-ups/${t.id}/confirm`,
      { amountReceived: 24_850, bankReference: 'SEPA-2024-000123' },
      { key: finance },
    );
    expect(confirmed.status).toBe(200);
    expect(confirmed.body).toMatchObject({
      status: 'COMPLETED',
      credited: { amount: 24_850 },
      bankTransfer: { confirmation: { amountReceived: 24_850, bankReference: 'SEPA-2024-000123', by: 'Test Finance' } },
    });
    expect(await wallet(stack, m.key)).toMatchObject({ balance: 24_850, available: 24_850 });
    const rows = await ledger(m.key);
    expect(rows).toEqual([
      expect.objectContaining({ kind: 'top_up', amount: 24_850, topUpId: t.id, reference: 'SEPA-2024-000123' }),
    ]);
    // The merchant sees the outcome, not who at the finance desk did it.
    const seen = (await stack.api.get(`/v1/wallet/top-ups/${t.id}`, { key: m.key })).body;
    expect(seen.bankTransfer.confirmation).toEqual({
      amountReceived: 24_850,
      bankReference: 'SEPA-2024-000123',
      at: expect.any(String),
    });
    expect((await stack.api.get(`/v1/finance/top-ups?merchantId=${m.id}`, { key: finance })).body.items).toEqual([]);
  });

  it('confirming twice, or five times at once, credits once', async () => {
    const m = await createMerchant(stack);
    const finance = await financeKey(stack);
    const a = (await topUp(m.key, { method: 'bank_transfer', amount: 10_000, currency: 'EUR' })).body;
    const b = (await topUp(m.key, { method: 'bank_transfer', amount: 20_000, currency: 'EUR' })).body;
    const confirm = (id: string, amountReceived: number) =>
      stack.api.post(
        `/v1/finance/top-ups/${id}/confirm`,
        { amountReceived, bankReference: `REF-${id}` },
        { key: finance },
      );

    expect((await confirm(a.id, 10_000)).status).toBe(200);
    const twice = await confirm(a.id, 10_000);
    expect(twice.status).toBe(409);
    expect(twice.body.error.message).toContain('COMPLETED');

    const burst = await Promise.all(Array.from({ length: 5 }, () => confirm(b.id, 20_000)));
    expect(burst.map((r) => r.status).sort()).toEqual([200, 409, 409, 409, 409]);

    expect((await wallet(stack, m.key)).balance).toBe(30_000);
    expect((await ledger(m.key)).map((t) => [t.kind, t.topUpId]).sort()).toEqual(
      [
        ['top_up', a.id],
        ['top_up', b.id],
      ].sort(),
    );
  });

  it('a merchant key on confirm → 403; the root key on confirm → 403 (money actions need a named operator)', async () => {
    const m = await createMerchant(stack);
    const t = (await topUp(m.key, { method: 'bank_transfer', amount: 10_000, currency: 'EUR' })).body;
    const asMerchant = await stack.api.post(
      `/v1/finance/top-ups/${t.id}/confirm`,
      { amountReceived: 10_000, bankReference: 'X' },
      { key: m.key },
    );
    expect(asMerchant.status).toBe(403);
    const asRoot = await stack.api.post(
      `/v1/finance/top-ups/${t.id}/confirm`,
      { amountReceived: 10_000, bankReference: 'X' },
      { key: OPERATOR_KEY },
    );
    expect(asRoot.status).toBe(403);
    expect(asRoot.body.error.code).toBe('NAMED_OPERATOR_KEY_REQUIRED');
    expect((await stack.api.get(`/v1/wallet/top-ups/${t.id}`, { key: m.key })).body.status).toBe('PENDING');
    expect((await wallet(stack, m.key)).balance).toBe(0);
  });

  it('reject → REJECTED with the reason, nothing credited, and it cannot be confirmed afterwards', async () => {
    const m = await createMerchant(stack);
    const finance = await financeKey(stack);
    const t = (await topUp(m.key, { method: 'bank_transfer', amount: 10_000, currency: 'EUR' })).body;
    const rejected = await stack.api.post(
      `/v1/finance/top-ups/${t.id}/reject`,
      { reason: 'No transfer with this reference in 10 days of statements' },
      { key: finance },
    );
    expect(rejected.status).toBe(200);
    expect(rejected.body).toMatchObject({
      status: 'REJECTED',
      credited: null,
      bankTransfer: {
        rejection: { reason: 'No transfer with this reference in 10 days of statements', by: 'Test Finance' },
      },
    });
    const late = await stack.api.post(
      `/v1/finance/top-ups/${t.id}/confirm`,
      { amountReceived: 10_000, bankReference: 'LATE' },
      { key: finance },
    );
    expect(late.status).toBe(409);
    expect((await wallet(stack, m.key)).balance).toBe(0);
    expect(await ledger(m.key)).toEqual([]);
  });

  it('adjustments: signed, reason required, never below what is available, once per Idempotency-Key; the merchant sees them', async () => {
    const m = await createMerchant(stack);
    const finance = await financeKey(stack);
    const adjust = (body: Record<string, unknown>, key?: string) =>
      stack.api.post(
        '/v1/finance/adjustments',
        { merchantId: m.id, ...body },
        { key: finance, ...(key ? { headers: { 'Idempotency-Key': key } } : {}) },
      );

    expect((await adjust({ amount: 5_000 })).status).toBe(422); // no reason
    const credit = await adjust({ amount: 5_000, reason: 'Goodwill for the late delivery of order 17' }, 'adj-1');
    expect(credit.status).toBe(201);
    expect(credit.body).toMatchObject({
      adjustment: { amount: 5_000, by: 'Test Finance' },
      wallet: { balance: 5_000 },
    });
    const replay = await adjust({ amount: 5_000, reason: 'Goodwill for the late delivery of order 17' }, 'adj-1');
    expect(replay.body.transaction.id).toBe(credit.body.transaction.id);

    const tooMuch = await adjust({ amount: -5_001, reason: 'Chargeback' });
    expect(tooMuch.status).toBe(409);
    expect(tooMuch.body.error.code).toBe('INSUFFICIENT_AVAILABLE');
    const debit = await adjust({ amount: -2_000, reason: 'Chargeback on the goodwill' });
    expect(debit.status).toBe(201);
    expect(await wallet(stack, m.key)).toMatchObject({ balance: 3_000, available: 3_000 });

    const rows = await ledger(m.key);
    expect(rows.map((t) => [t.kind, t.balanceDelta, t.reason])).toEqual([
      ['adjustment', -2_000, 'Chargeback on the goodwill'],
      ['adjustment', 5_000, 'Goodwill for the late delivery of order 17'],
    ]);
    expect(
      (
        await stack.api.post(
          '/v1/finance/adjustments',
          { merchantId: 'mer_nobody', amount: 1, reason: 'nobody' },
          { key: finance },
        )
      ).status,
    ).toBe(404);
  });

  it('the audit log names the operator for each confirm, reject and adjustment; merchants cannot read it', async () => {
    const m = await createMerchant(stack);
    const alice = (await createOperatorKey(stack.api, OPERATOR_KEY, 'Alice Finance')).key;
    const bob = (await createOperatorKey(stack.api, OPERATOR_KEY, 'Bob Finance')).key;
    const a = (await topUp(m.key, { method: 'bank_transfer', amount: 10_000, currency: 'EUR' })).body;
    const b = (await topUp(m.key, { method: 'bank_transfer', amount: 10_000, currency: 'EUR' })).body;
    await stack.api.post(
      `/v1/finance/top-ups/${a.id}/confirm`,
      { amountReceived: 9_990, bankReference: 'BANK-A' },
      { key: alice },
    );
    await stack.api.post(`/v1/finance/top-ups/${b.id}/reject`, { reason: 'Sender is not the merchant' }, { key: bob });
    await stack.api.post(
      '/v1/finance/adjustments',
      { merchantId: m.id, amount: -990, reason: 'Bank fee passed on' },
      { key: alice },
    );

    const audit = await stack.api.get(`/v1/audit?merchantId=${m.id}`, { key: bob });
    expect(audit.status).toBe(200);
    const rows = audit.body.items.map((e: any) => ({
      actor: e.actor,
      action: e.action,
      target: e.target,
      amount: e.amount,
      reason: e.reason,
    }));
    expect(rows).toEqual([
      {
        actor: 'Alice Finance',
        action: 'wallet.adjustment',
        target: expect.stringMatching(/^adjustment:adj_/),
        amount: -990,
        reason: 'Bank fee passed on',
      },
      {
        actor: 'Bob Finance',
        action: 'top_up.reject',
        target: b.id,
        amount: 10_000,
        reason: 'Sender is not the merchant',
      },
      { actor: 'Alice Finance', action: 'top_up.confirm', target: a.id, amount: 9_990, reason: null },
    ]);
    expect(audit.body.items.every((e: any) => e.actorKeyId.startsWith('key_') && !Number.isNaN(Date.parse(e.at)))).toBe(
      true,
    );
    expect(audit.body.items[2].details).toMatchObject({ bankReference: 'BANK-A' });
    expect((await stack.api.get('/v1/audit', { key: m.key })).status).toBe(403);
    expect((await wallet(stack, m.key)).balance).toBe(9_000);
  });
});

describe('orders resume from the top-up itself', () => {
  it('an order waiting for funds is submitted after a PayPal top-up completes, with no API call after the top-up', async () => {
    const m = await createMerchant(stack);
    await linkPayPal(stack, m);
    // PayPal linked for top-ups only: the order must not fall back to it, so it waits for funds.
    expect((await stack.api.put('/v1/settings/paypal', { enabled: false }, { key: m.key })).status).toBe(200);
    const created = await stack.api.post('/v1/orders', orderInput(), { key: m.key });
    const parked = await waitForStatus(stack, m.key, created.body.id, 'PENDING_REVIEW');
    expect(parked.reviewReasons.map((r: any) => r.code)).toEqual(['INSUFFICIENT_FUNDS']);

    const started = await topUp(m.key, { method: 'paypal', amount: 20_000, currency: 'EUR' });
    expect(started.status).toBe(201);
    // From here on only reads: the top-up's workflow wakes the order.
    const submitted = await waitForStatus(stack, m.key, parked.id, 'SUBMITTED');
    expect(submitted.charge).toMatchObject({ source: 'wallet', amount: submitted.cost.total });
    const timeline = await events(stack, m.key, parked.id);
    expect(timeline.find((e) => e.type === 'wallet.topped_up')?.by).toBe(`wallet top-up ${started.body.id}`);
    expect(timeline.map((e) => e.type)).not.toContain('order.resent');
    expect((await settled(m.key, started.body.id)).ordersResumed).toEqual([parked.id]);
  });
});

describe('PayPal linked the way PayPal links it', () => {
  it("linking through the simulator's approval page yields a stored, masked PayPal; the vault id is stored sealed", async () => {
    const m = await createMerchant(stack);
    const started = await stack.api.post('/v1/settings/paypal/link', {}, { key: m.key });
    expect(started.status).toBe(201);
    expect(started.body.approveUrl).toContain(stack.paypalUrl);
    expect((await stack.api.get('/v1/settings', { key: m.key })).body.paypal).toMatchObject({
      linked: false,
      pendingLink: { approveUrl: started.body.approveUrl },
    });

    // The merchant's browser: PayPal's approval page, approve, and PayPal's redirect back to the platform.
    const form = readForm(await (await fetch(started.body.approveUrl)).text());
    const approved = await submitForm(started.body.approveUrl, form, 'approve', {
      payer_email: 'maria.rossi@example.com',
    });
    expect(approved.status).toBe(303);
    const back = approved.headers.get('location') ?? '';
    expect(back.startsWith(`${stack.api.baseUrl}/v1/settings/paypal/link/return?`)).toBe(true);
    const page = await fetch(back);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('m•••@example.com');

    const settings = (await stack.api.get('/v1/settings', { key: m.key })).body.paypal;
    const [token] = (await paypal.paymentTokens()).filter((t) => t.setupTokenId === started.body.setupTokenId);
    expect(token?.status).toBe('ACTIVE');
    expect(settings).toEqual({
      enabled: true,
      linked: true,
      account: { payerEmail: 'm•••@example.com', vaultId: `••••${token?.id.slice(-4)}`, linkedAt: expect.any(String) },
      pendingLink: null,
    });
    expect(JSON.stringify(settings)).not.toContain(token?.id);
    const { rows } = await db.query('SELECT paypal_vault_id_enc FROM merchant_settings WHERE merchant_id = $1', [m.id]);
    expect(rows[0].paypal_vault_id_enc).toMatch(/^v1\./);
    expect(rows[0].paypal_vault_id_enc).not.toContain(token?.id);
    // A second visit of the return URL (reload) changes nothing.
    expect((await fetch(back, { headers: { accept: 'application/json' } })).status).toBe(200);
    expect((await paypal.paymentTokens()).filter((t) => t.setupTokenId === started.body.setupTokenId)).toHaveLength(1);
  });

  it('cancelling at PayPal links nothing; scripts finish a link with /link/complete once approved', async () => {
    const m = await createMerchant(stack);
    const first = (await stack.api.post('/v1/settings/paypal/link', {}, { key: m.key })).body;
    const cancelled = await submitForm(
      first.approveUrl,
      readForm(await (await fetch(first.approveUrl)).text()),
      'cancel',
    );
    const back = await fetch(cancelled.headers.get('location') ?? '', { headers: { accept: 'application/json' } });
    expect(await back.json()).toMatchObject({ outcome: 'cancelled' });
    expect((await stack.api.get('/v1/settings', { key: m.key })).body.paypal).toMatchObject({
      linked: false,
      pendingLink: null,
    });

    const second = (await stack.api.post('/v1/settings/paypal/link', {}, { key: m.key })).body;
    const early = await stack.api.post('/v1/settings/paypal/link/complete', {}, { key: m.key });
    expect(early.status).toBe(409);
    expect(early.body.error.code).toBe('PAYPAL_NOT_APPROVED');
    await paypal.approveSetupToken(second.setupTokenId, { payerEmail: 'ops@shop.example' });
    const done = await stack.api.post('/v1/settings/paypal/link/complete', {}, { key: m.key });
    expect(done.status).toBe(200);
    expect(done.body.paypal).toMatchObject({ linked: true, account: { payerEmail: 'o•••@shop.example' } });
    // Another merchant cannot finish (or learn anything about) this one's link.
    const other = await createMerchant(stack);
    expect(
      (
        await stack.api.post(
          '/v1/settings/paypal/link/complete',
          { setupTokenId: second.setupTokenId },
          { key: other.key },
        )
      ).status,
    ).toBe(404);
    expect(
      (await fetch(`${stack.api.baseUrl}/v1/settings/paypal/link/return?approval_token_id=NOSUCHTOKEN123`)).status,
    ).toBe(404);
  });

  it('a completed link or an unlink ends the other attempts: the settings offer no stale approval page', async () => {
    const m = await createMerchant(stack);
    const abandoned = (await stack.api.post('/v1/settings/paypal/link', {}, { key: m.key })).body;
    const approved = (await stack.api.post('/v1/settings/paypal/link', {}, { key: m.key })).body;
    await paypal.approveSetupToken(approved.setupTokenId, { payerEmail: 'ops@shop.example' });
    const done = await stack.api.post(
      '/v1/settings/paypal/link/complete',
      { setupTokenId: approved.setupTokenId },
      { key: m.key },
    );
    expect(done.status).toBe(200);
    expect(done.body.paypal).toMatchObject({ linked: true, pendingLink: null });
    expect((await stack.api.get('/v1/settings', { key: m.key })).body.paypal.pendingLink).toBeNull();
    expect(abandoned.setupTokenId).not.toBe(approved.setupTokenId);

    // A new link started while linked, then the merchant unlinks instead.
    const started = (await stack.api.post('/v1/settings/paypal/link', {}, { key: m.key })).body;
    expect((await stack.api.get('/v1/settings', { key: m.key })).body.paypal.pendingLink).toMatchObject({
      approveUrl: started.approveUrl,
    });
    const unlinked = await stack.api.delete('/v1/settings/paypal/link', { key: m.key });
    expect(unlinked.body.paypal).toEqual({ enabled: false, linked: false, account: null, pendingLink: null });
  });

  it('unlink deletes the payment token at PayPal; orders needing PayPal then wait for funds, and PayPal top-ups answer 409', async () => {
    const m = await createMerchant(stack);
    const linked = await linkPayPal(stack, m);
    const token = (await paypal.paymentTokens()).find(
      (t) => t.status === 'ACTIVE' && `••••${t.id.slice(-4)}` === linked.paypal.account.vaultId,
    );
    expect(token).toBeDefined();
    const unlinked = await stack.api.delete('/v1/settings/paypal/link', { key: m.key });
    expect(unlinked.status).toBe(200);
    expect(unlinked.body.paypal).toEqual({ enabled: false, linked: false, account: null, pendingLink: null });
    expect((await paypal.paymentTokens()).find((t) => t.id === token?.id)?.status).toBe('DELETED');

    const capturesBefore = (await paypal.captures()).length;
    const created = await stack.api.post('/v1/orders', orderInput(), { key: m.key });
    const parked = await waitForStatus(stack, m.key, created.body.id, 'PENDING_REVIEW');
    expect(parked.reviewReasons.map((r: any) => r.code)).toEqual(['INSUFFICIENT_FUNDS']);
    expect(parked.charge).toBeNull();
    expect((await paypal.captures()).length).toBe(capturesBefore);
    expect((await topUp(m.key, { method: 'paypal', amount: 10_000, currency: 'EUR' })).status).toBe(409);
    expect((await getOrder(stack, m.key, parked.id)).status).toBe('PENDING_REVIEW');
  });
});

describe('API keys people can manage', () => {
  it('create (shown once), list (masked, last used), revoke → 401 at once', async () => {
    const m = await createMerchant(stack);
    const created = await stack.api.post('/v1/api-keys', { label: 'warehouse script' }, { key: m.key });
    expect(created.status).toBe(201);
    const second = created.body.apiKey as string;
    expect(second).toMatch(/^mk_/);
    expect(created.body.display).toBe(`${second.slice(0, 7)}…${second.slice(-4)}`);
    expect((await stack.api.get('/v1/wallet', { key: second })).status).toBe(200);

    const list = await stack.api.get('/v1/api-keys', { key: m.key });
    expect(list.body.items).toHaveLength(2);
    expect(list.text).not.toContain(second);
    expect(list.text).not.toContain(m.key);
    expect(list.body.items.find((k: any) => k.id === created.body.id)).toMatchObject({
      label: 'warehouse script',
      display: created.body.display,
      revokedAt: null,
    });
    // Both keys were used: each shows when (written in the background, at most once a minute per key).
    const used = await waitFor('last-used times', async () => {
      const items = (await stack.api.get('/v1/api-keys', { key: m.key })).body.items;
      return items.every((k: any) => k.lastUsedAt !== null) ? items : false;
    });
    for (const k of used) expect(Date.parse(k.lastUsedAt)).toBeGreaterThanOrEqual(Date.parse(k.createdAt));

    const revoked = await stack.api.delete(`/v1/api-keys/${created.body.id}`, { key: m.key });
    expect(revoked.status).toBe(200);
    expect(revoked.body.revokedAt).not.toBeNull();
    const refused = await stack.api.get('/v1/wallet', { key: second });
    expect(refused.status).toBe(401);
    expect((await stack.api.get('/v1/wallet', { key: m.key })).status).toBe(200);
    const other = await createMerchant(stack);
    expect((await stack.api.delete(`/v1/api-keys/${created.body.id}`, { key: other.key })).status).toBe(404);
  });

  it("the operator lists and revokes any merchant's key (audited); only the root key manages operator keys", async () => {
    const m = await createMerchant(stack);
    const finance = await financeKey(stack);
    const keys = (await stack.api.get(`/v1/merchants/${m.id}/api-keys`, { key: finance })).body.items;
    expect(keys).toHaveLength(1);
    const revoked = await stack.api.delete(`/v1/merchants/${m.id}/api-keys/${keys[0].id}`, { key: finance });
    expect(revoked.status).toBe(200);
    expect(revoked.body.revokedBy).toBe('operator Test Finance');
    expect((await stack.api.get('/v1/wallet', { key: m.key })).status).toBe(401);
    const audit = (await stack.api.get(`/v1/audit?merchantId=${m.id}`, { key: finance })).body.items;
    expect(audit[0]).toMatchObject({ actor: 'Test Finance', action: 'api_key.revoke', target: keys[0].id });

    const issued = await stack.api.post(`/v1/merchants/${m.id}/api-keys`, { label: 'replacement' }, { key: finance });
    expect(issued.status).toBe(201);
    expect((await stack.api.get('/v1/wallet', { key: issued.body.apiKey })).status).toBe(200);

    expect((await stack.api.post('/v1/operator-keys', { name: 'Eve' }, { key: finance })).status).toBe(403);
    expect((await stack.api.post('/v1/operator-keys', { name: 'Eve' }, { key: issued.body.apiKey })).status).toBe(403);
    const eve = await stack.api.post('/v1/operator-keys', { name: 'Eve' }, { key: OPERATOR_KEY });
    expect(eve.status).toBe(201);
    expect((await stack.api.delete(`/v1/operator-keys/${eve.body.id}`, { key: OPERATOR_KEY })).status).toBe(200);
    expect((await stack.api.get('/v1/audit', { key: eve.body.apiKey })).status).toBe(401);
  });
});

describe('the registered top-up methods', () => {
  it('are the only methods the database and the API accept for a top-up', async () => {
    const m = await createMerchant(stack);
    await expectRegistryTable({
      databaseUrl: stack.databaseUrl,
      select: 'SELECT method AS key, label FROM top_up_methods',
      registered: topUpMethods.map(({ name, label }) => ({ key: name, label })),
      foreignRow: `INSERT INTO top_ups (id, merchant_id, method, status, amount, currency, view, version, created_at, updated_at)
                   VALUES ('tu_x', $1, 'cheque', 'PENDING', 100, 'EUR', '{}', 0, now(), now())`,
      merchantId: m.id,
    });
    const res = await stack.api.post(
      '/v1/wallet/top-ups',
      { method: 'cheque', amount: 10_000, currency: 'EUR' },
      { key: m.key },
    );
    expect(res.status).toBe(422);
  });
});

describe('expiry', () => {
  let short: Stack;
  beforeAll(async () => {
    short = await startStack({ env: { TOP_UP_TRANSFER_EXPIRY: '1500ms' } });
  });
  afterAll(async () => {
    await short?.stop();
  });

  it('a transfer never confirmed → EXPIRED by its own timer; confirming afterwards → 409, nothing credited', async () => {
    const m = await createMerchant(short);
    const t = (
      await short.api.post(
        '/v1/wallet/top-ups',
        { method: 'bank_transfer', amount: 10_000, currency: 'EUR' },
        { key: m.key },
      )
    ).body;
    const expired = await waitFor('the top-up to expire', async () => {
      const now = (await short.api.get(`/v1/wallet/top-ups/${t.id}`, { key: m.key })).body;
      return now.status === 'EXPIRED' ? now : false;
    });
    expect(expired.credited).toBeNull();
    const late = await short.api.post(
      `/v1/finance/top-ups/${t.id}/confirm`,
      { amountReceived: 10_000, bankReference: 'LATE' },
      { key: await financeKey(short) },
    );
    expect(late.status).toBe(409);
    expect((await wallet(short, m.key)).balance).toBe(0);
  });
});
