import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allowedActions, orderActions, restActionNames, type ActionName } from '../../domain/order-actions.js';
import { createMerchant, orderInput, waitForStatus } from '../support/fixtures.js';
import { OPERATOR_KEY, startStack, type Stack } from '../support/stack.js';

/**
 * The console's orders page on the public API: search, date range, sort, counts per tab, CSV export, the actions
 * each order offers (and that each offered one goes through), bulk actions with a result per order.
 */
let stack: Stack;
let a: { id: string; key: string };
let b: { id: string; key: string };
const tag = `T${Date.now().toString(36)}`;
const tooLong = 'Via della Repubblica Italiana 1234, Scala B, Interno 56, presso Studio Rossi';

interface Made {
  id: string;
  status: string;
  createdAt: string;
  externalId: string;
}
const made: Record<string, Made> = {};

async function make(merchant: { key: string }, status: string, overrides: Record<string, unknown>): Promise<Made> {
  const res = await stack.api.post('/v1/orders', orderInput(overrides), { key: merchant.key });
  if (res.status !== 201) throw new Error(`order not created: ${res.status} ${res.text}`);
  const settled = await waitForStatus(stack, merchant.key, res.body.id, status);
  return { id: settled.id, status, createdAt: settled.createdAt, externalId: settled.externalId };
}

const bankTransfer = (amountPaid: number) => ({ payment: { method: 'bank_transfer', amountPaid, currency: 'EUR' } });
const cod = (amountPaid: number) => ({ payment: { method: 'cod', amountPaid, currency: 'EUR' } });
const prepaid = (amountPaid: number) => ({ payment: { method: 'prepaid', amountPaid, currency: 'EUR' } });

async function list(key: string, query: string): Promise<any> {
  const res = await stack.api.get(`/v1/orders?${query}`, { key });
  expect(res.status, res.text).toBe(200);
  return res.body;
}
const ids = (page: { items: { id: string }[] }): string[] => page.items.map((o) => o.id);

beforeAll(async () => {
  stack = await startStack();
  a = await createMerchant(stack, { topUp: 1_000_000 });
  b = await createMerchant(stack, { topUp: 1_000_000 });
  // One at a time, so that their creation times are in this order.
  made.transfer = await make(a, 'AWAITING_PAYMENT', {
    externalId: `${tag}-1001`,
    customer: { name: 'Giulia Bianchi', email: 'giulia.bianchi@example.it', phone: '+39 333 1234567' },
    items: [{ sku: 'BB-1004', quantity: 1 }],
    ...bankTransfer(1000),
  });
  made.cod = await make(a, 'AWAITING_SHIPPING_METHOD', {
    externalId: `${tag}-1002`,
    customer: { name: 'Hans Müller', email: 'hans@beispiel.de', phone: '+49 30 1234567' },
    items: [{ sku: 'BB-1006', quantity: 1 }],
    ...cod(3000),
  });
  made.review = await make(a, 'PENDING_REVIEW', {
    externalId: `${tag}-1003`,
    customer: { name: 'Maria Rossi', email: 'maria@example.com', phone: '+39 333 1234567' },
    shippingAddress: { line1: tooLong, city: 'Milano', postcode: '20121', country: 'IT' },
    items: [{ sku: 'BB-1007', quantity: 1 }],
    ...prepaid(2000),
  });
  made.submitted = await make(a, 'SUBMITTED', {
    externalId: `${tag}-1004`,
    customer: { name: 'Luca Verdi', email: 'luca.verdi@example.com', phone: '+39 333 1234567' },
    items: [{ sku: 'BB-1008', quantity: 1 }],
    ...prepaid(5000),
  });
  made.formula = await make(a, 'AWAITING_PAYMENT', {
    externalId: `${tag}-1005`,
    customer: { name: '=HYPERLINK("http://evil.example")', email: 'x@example.com', phone: '+39 333 1234567' },
    items: [{ sku: 'BB-1004', quantity: 1 }],
    ...bankTransfer(4000),
  });
  made.other = await make(b, 'PENDING_REVIEW', {
    externalId: `${tag}-2001`,
    customer: { name: 'Maria Rossi', email: 'maria@example.com', phone: '+39 333 1234567' },
    shippingAddress: { line1: tooLong, city: 'Milano', postcode: '20121', country: 'IT' },
    items: [{ sku: 'BB-1008', quantity: 1 }],
  });
});
afterAll(async () => {
  await stack?.stop();
});

describe('GET /v1/orders search (q)', () => {
  it.each([
    ["the shop's order number, in part", '-1002', ['cod']],
    ['the customer name, in any case', 'BIANCHI', ['transfer']],
    ['a part of the customer e-mail', 'beispiel.de', ['cod']],
    ['a SKU', 'bb-1008', ['submitted']],
    ['a name two merchants share: only this merchant’s', 'maria rossi', ['review']],
  ])('finds by %s', async (_what, q, expected) => {
    const page = await list(a.key, `q=${encodeURIComponent(q)}`);
    expect(ids(page)).toEqual(expected.map((k) => made[k]?.id));
  });

  it('finds an order by its whole id; % and _ are searched for, not wildcards', async () => {
    expect(ids(await list(a.key, `q=${made.cod?.id}`))).toEqual([made.cod?.id]);
    expect(ids(await list(a.key, `q=${encodeURIComponent('%')}`))).toEqual([]);
    expect(ids(await list(a.key, `q=${encodeURIComponent(`${tag}_100`)}`))).toEqual([]);
  });
});

describe('GET /v1/orders date range and sort', () => {
  it('keeps the orders created within from/to (days or instants, both ends included)', async () => {
    const inRange = await list(a.key, `from=${encodeURIComponent(made.review?.createdAt ?? '')}&sort=createdAt`);
    expect(ids(inRange)).toEqual([made.review?.id, made.submitted?.id, made.formula?.id]);
    const upTo = await list(a.key, `to=${encodeURIComponent(made.cod?.createdAt ?? '')}&sort=createdAt`);
    expect(ids(upTo)).toEqual([made.transfer?.id, made.cod?.id]);
    const today = new Date().toISOString().slice(0, 10);
    expect(ids(await list(a.key, `from=${today}&to=${today}`))).toHaveLength(5);
    const tomorrow = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
    expect(ids(await list(a.key, `from=${tomorrow}`))).toEqual([]);
    const bad = await stack.api.get('/v1/orders?from=2026-13-45', { key: a.key });
    expect(bad.status).toBe(422);
  });

  it('sorts by total or creation, either way, page after page', async () => {
    const byTotal = ['transfer', 'review', 'cod', 'formula', 'submitted'].map((k) => made[k]?.id);
    const pages: string[] = [];
    let cursor: string | null = null;
    do {
      const page = await list(a.key, `sort=total&limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      pages.push(...ids(page));
      cursor = page.nextCursor;
    } while (cursor);
    expect(pages).toEqual(byTotal);
    expect(ids(await list(a.key, 'sort=-total'))).toEqual([...byTotal].reverse());
    const byCreation = ['transfer', 'cod', 'review', 'submitted', 'formula'].map((k) => made[k]?.id);
    expect(ids(await list(a.key, 'sort=createdAt'))).toEqual(byCreation);
    expect(ids(await list(a.key, ''))).toEqual([...byCreation].reverse());
    const first = await list(a.key, 'sort=total&limit=2');
    const mixed = await stack.api.get(`/v1/orders?sort=createdAt&cursor=${first.nextCursor}`, { key: a.key });
    expect(mixed.status).toBe(422);
  });
});

describe('GET /v1/orders/counts', () => {
  it('counts per status and per reason exactly what the listing lists', async () => {
    const counts = (await stack.api.get('/v1/orders/counts', { key: a.key })).body;
    expect(counts).toEqual({
      total: 5,
      byStatus: { AWAITING_PAYMENT: 2, AWAITING_SHIPPING_METHOD: 1, PENDING_REVIEW: 1, SUBMITTED: 1 },
      byReason: { ADDRESS_TOO_LONG: 1 },
    });
    for (const [status, n] of Object.entries(counts.byStatus))
      expect(ids(await list(a.key, `status=${status}`))).toHaveLength(n as number);
    for (const [reason, n] of Object.entries(counts.byReason))
      expect(ids(await list(a.key, `reason=${reason}`))).toHaveLength(n as number);
  });

  it('applies the other filters: search and status (status only to the reasons)', async () => {
    const searched = (await stack.api.get('/v1/orders/counts?q=bb-1004', { key: a.key })).body;
    expect(searched).toEqual({ total: 2, byStatus: { AWAITING_PAYMENT: 2 }, byReason: {} });
    const inTab = (await stack.api.get('/v1/orders/counts?status=SUBMITTED', { key: a.key })).body;
    expect(inTab.byStatus).toEqual({
      AWAITING_PAYMENT: 2,
      AWAITING_SHIPPING_METHOD: 1,
      PENDING_REVIEW: 1,
      SUBMITTED: 1,
    });
    expect(inTab.byReason).toEqual({});
    const operator = (await stack.api.get(`/v1/orders/counts?q=${tag}`, { key: OPERATOR_KEY })).body;
    expect(operator.total).toBe(6);
  });
});

describe('GET /v1/orders/export', () => {
  it('downloads the filtered list as CSV, in the asked order, formulas made inert', async () => {
    const res = await fetch(`${stack.api.baseUrl}/v1/orders/export?sort=total`, {
      headers: { authorization: `Bearer ${a.key}` },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(res.headers.get('content-disposition')).toMatch(/^attachment; filename="orders-\d{4}-\d{2}-\d{2}\.csv"$/);
    const rows: Record<string, string>[] = parse(await res.text(), { columns: true, bom: true });
    expect(rows.map((r) => r.id)).toEqual(ids(await list(a.key, 'sort=total')));
    const cod = rows.find((r) => r.id === made.cod?.id);
    expect(cod).toMatchObject({
      externalId: `${tag}-1002`,
      status: 'AWAITING_SHIPPING_METHOD',
      customerName: 'Hans Müller',
      customerEmail: 'hans@beispiel.de',
      skus: 'BB-1006 x1',
      total: '30.00',
      currency: 'EUR',
      paymentMethod: 'cod',
    });
    expect(rows.find((r) => r.id === made.review?.id)?.reviewReasons).toBe('ADDRESS_TOO_LONG');
    expect(rows.find((r) => r.id === made.formula?.id)?.customerName).toBe('\'=HYPERLINK("http://evil.example")');

    const filtered = await fetch(`${stack.api.baseUrl}/v1/orders/export?status=AWAITING_PAYMENT`, {
      headers: { authorization: `Bearer ${a.key}` },
    });
    const filteredRows: { id: string }[] = parse(await filtered.text(), { columns: true, bom: true });
    expect(filteredRows.map((r) => r.id)).toEqual([made.formula?.id, made.transfer?.id]);
  });
});

/** A request body each action accepts. */
const sampleBody: Partial<Record<ActionName, unknown>> = {
  addressFixed: { customer: { phone: '+39 333 7654321' } },
  synchronize: { shippingMethod: 'gls' },
};
const orderIn: Record<string, () => Record<string, unknown>> = {
  AWAITING_PAYMENT: () => bankTransfer(1500),
  AWAITING_SHIPPING_METHOD: () => cod(1500),
  PENDING_REVIEW: () => ({ shippingAddress: { line1: tooLong, city: 'Milano', postcode: '20121', country: 'IT' } }),
};

async function act(key: string, id: string, name: ActionName): Promise<{ status: number; text: string; body: any }> {
  const rest = orderActions[name].rest;
  if (!rest) throw new Error(`${name} has no route`);
  return stack.api.request(rest.method.toUpperCase(), rest.path.replace('{id}', id), {
    key,
    body: sampleBody[name] ?? {},
  });
}

describe('allowedActions', () => {
  it("lists each order's actions from the registry by status; an operator is offered none", async () => {
    const page = await list(a.key, 'limit=50');
    for (const order of page.items) expect(order.allowedActions).toEqual(allowedActions(order.status));
    expect(page.items.find((o: any) => o.id === made.transfer?.id).allowedActions).toEqual([
      'paymentAccepted',
      'addressFixed',
      'cancel',
    ]);
    expect(page.items.find((o: any) => o.id === made.submitted?.id).allowedActions).toEqual([]);
    const one = (await stack.api.get(`/v1/orders/${made.review?.id}`, { key: a.key })).body;
    expect(one.allowedActions).toEqual(['addressFixed', 'resend', 'cancel', 'markSentManually']);
    const asOperator = (await stack.api.get(`/v1/orders/${made.review?.id}`, { key: OPERATOR_KEY })).body;
    expect(asOperator.allowedActions).toEqual([]);
  });

  it('every advertised action goes through (never 409); one not advertised is refused with 409', async () => {
    for (const [status, input] of Object.entries(orderIn)) {
      const sample = await make(a, status, input());
      const offered = (await stack.api.get(`/v1/orders/${sample.id}`, { key: a.key })).body.allowedActions;
      expect(offered.length).toBeGreaterThan(0);
      for (const name of offered as ActionName[]) {
        const fresh = await make(a, status, input());
        const res = await act(a.key, fresh.id, name);
        expect(res.status, `${name} in ${status}: ${res.text}`).toBe(200);
        expect(res.body.allowedActions).toEqual(allowedActions(res.body.status));
      }
      for (const name of restActionNames.filter((n) => !offered.includes(n))) {
        const res = await act(a.key, sample.id, name);
        expect(res.status, `${name} in ${status}: ${res.text}`).toBe(409);
      }
    }
  });
});

describe('POST /v1/orders/bulk', () => {
  it('cancels the orders it can and says for each one why not', async () => {
    const waiting = await make(a, 'PENDING_REVIEW', orderIn.PENDING_REVIEW?.() ?? {});
    const unknown = 'ord_000000000000000000000000';
    const res = await stack.api.post(
      '/v1/orders/bulk',
      { action: 'cancel', ids: [waiting.id, made.submitted?.id, unknown, made.other?.id] },
      { key: a.key },
    );
    expect(res.status, res.text).toBe(200);
    expect(res.body.results).toEqual([
      { id: waiting.id, ok: true, status: 'CANCELLED' },
      {
        id: made.submitted?.id,
        ok: false,
        error: { code: 'INVALID_STATE', message: expect.stringContaining('SUBMITTED') },
      },
      { id: unknown, ok: false, error: { code: 'NOT_FOUND', message: expect.any(String) } },
      // Another merchant's order is unknown to this one.
      { id: made.other?.id, ok: false, error: { code: 'NOT_FOUND', message: expect.any(String) } },
    ]);
    expect((await stack.api.get(`/v1/orders/${made.other?.id}`, { key: b.key })).body.status).toBe('PENDING_REVIEW');
  });

  it('resends the orders that wait in review; the others are refused one by one', async () => {
    const first = await make(a, 'PENDING_REVIEW', orderIn.PENDING_REVIEW?.() ?? {});
    const res = await stack.api.post(
      '/v1/orders/bulk',
      { action: 'resend', ids: [first.id, made.transfer?.id] },
      { key: a.key },
    );
    expect(res.body.results[0]).toMatchObject({ id: first.id, ok: true });
    expect(res.body.results[1]).toMatchObject({ id: made.transfer?.id, ok: false, error: { code: 'INVALID_STATE' } });
  });

  it('refuses an action that needs arguments, an empty list and a repeated id', async () => {
    for (const body of [
      { action: 'addressFixed', ids: [made.review?.id] },
      { action: 'cancel', ids: [] },
      { action: 'cancel', ids: [made.review?.id, made.review?.id] },
    ])
      expect((await stack.api.post('/v1/orders/bulk', body, { key: a.key })).status).toBe(422);
  });
});

describe('counts after orders moved', () => {
  it('still count per status exactly what the listing lists (the kept counts follow every move)', async () => {
    const counts = (await stack.api.get('/v1/orders/counts', { key: a.key })).body;
    const listed = await list(a.key, 'limit=200');
    const byStatus: Record<string, number> = {};
    for (const o of listed.items) byStatus[o.status] = (byStatus[o.status] ?? 0) + 1;
    expect(listed.nextCursor).toBeNull();
    expect(counts.byStatus).toEqual(byStatus);
    expect(counts.total).toBe(listed.items.length);
    expect(Object.keys(byStatus)).toContain('CANCELLED');
    // Per reason too, in every tab: an order fixed, resent or cancelled leaves its reason's count.
    for (const status of [undefined, ...Object.keys(byStatus)]) {
      const inTab = (await stack.api.get(`/v1/orders/counts${status ? `?status=${status}` : ''}`, { key: a.key })).body;
      const byReason: Record<string, number> = {};
      for (const o of listed.items)
        if (!status || o.status === status)
          for (const r of o.reviewReasons) byReason[r.code] = (byReason[r.code] ?? 0) + 1;
      expect(inTab.byReason, status ?? 'all').toEqual(byReason);
    }
  });
});

describe('the rest the console needs', () => {
  it('lists the carriers to synchronize with', async () => {
    const res = await stack.api.get('/v1/carriers', { key: a.key });
    expect(res.body.items).toContainEqual({ code: 'gls', label: 'GLS' });
    expect(res.body.items).toContainEqual({ code: 'correos', label: 'Correos' });
  });

  it('filters the audit log by who and when', async () => {
    const byFinance = (await stack.api.get('/v1/audit?actor=Test%20Finance', { key: OPERATOR_KEY })).body;
    expect(byFinance.items.length).toBeGreaterThanOrEqual(2);
    expect(byFinance.items.every((e: any) => e.actor === 'Test Finance')).toBe(true);
    expect((await stack.api.get('/v1/audit?actor=nobody', { key: OPERATOR_KEY })).body.items).toEqual([]);
    const today = new Date().toISOString().slice(0, 10);
    const tomorrow = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
    expect((await stack.api.get(`/v1/audit?from=${today}&to=${today}`, { key: OPERATOR_KEY })).body.items.length).toBe(
      (await stack.api.get('/v1/audit', { key: OPERATOR_KEY })).body.items.length,
    );
    expect((await stack.api.get(`/v1/audit?from=${tomorrow}`, { key: OPERATOR_KEY })).body.items).toEqual([]);
  });
});
