import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { orderWorkflowId } from '../../domain/ids.js';
import { MerchantIdKey, SalesChannelKey } from '../../domain/search-attributes.js';
import {
  createMerchant,
  events,
  orderInput,
  supplierOrders,
  topUpByTransfer,
  wallet,
  waitForStatus,
} from '../support/fixtures.js';
import { waitFor } from '../../dev/http-client.js';
import { OPERATOR_KEY, startStack, type Stack } from '../support/stack.js';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(async () => {
  await stack?.stop();
});

describe('a prepaid order from REST to the supplier', () => {
  let merchant: { id: string; key: string };
  let order: any;
  let input: Record<string, any>;

  beforeAll(async () => {
    merchant = await createMerchant(stack);
    const topUp = await topUpByTransfer(stack, merchant, 10_000);
    expect(topUp.status).toBe('COMPLETED');
    expect(await wallet(stack, merchant.key)).toEqual({
      balance: 10_000,
      reserved: 0,
      available: 10_000,
      currency: 'EUR',
    });

    input = orderInput();
    const created = await stack.api.post('/v1/orders', input, { key: merchant.key });
    expect(created.status).toBe(201);
    expect(created.body.status).toBe('RECEIVED');
    order = await waitForStatus(stack, merchant.key, created.body.id, 'SUBMITTED');
  });

  it('reaches SUBMITTED with the supplier order id, the quoted cost and the wallet charge', async () => {
    expect(order.supplierOrderId).toMatch(/^\d+$/);
    expect(order.cost.total).toBeGreaterThan(0);
    expect(order.cost.total).toBe(order.cost.products + order.cost.shipping + order.cost.taxes);
    expect(order.charge).toMatchObject({ source: 'wallet', amount: order.cost.total, currency: 'EUR' });
    expect(order.workflowId).toBe(orderWorkflowId(order.id));
    expect(order.reviewReasons).toEqual([]);
  });

  it('takes exactly cost.total from the wallet, and the ledger sums to the balance', async () => {
    await waitFor('the hold to be captured', async () => (await wallet(stack, merchant.key)).reserved === 0);
    expect(await wallet(stack, merchant.key)).toMatchObject({ balance: 10_000 - order.cost.total, reserved: 0 });
    const ledger = await stack.api.get('/v1/wallet/transactions', { key: merchant.key });
    expect(ledger.body.items.map((t: any) => t.kind)).toEqual(['capture', 'hold', 'top_up']);
    expect(ledger.body.items.filter((t: any) => t.orderId === order.id)).toHaveLength(2);
  });

  it('leaves exactly one order at the supplier under internalReference = order id', async () => {
    const atSupplier = await supplierOrders(stack, order.id);
    expect(atSupplier).toHaveLength(1);
    expect(String(atSupplier[0].id)).toBe(order.supplierOrderId);
  });

  it('lists each step in the events timeline, oldest first', async () => {
    const timeline = await waitFor('the capture in the timeline', async () => {
      const list = await events(stack, merchant.key, order.id);
      return list.some((e) => e.type === 'charge.captured') ? list : false;
    });
    const types = timeline.map((e: any) => e.type);
    expect(types).toEqual([
      'order.received',
      'status.changed',
      'supplier.quoted',
      'wallet.held',
      'supplier.accepted',
      // Captured while still PROCESSING: SUBMITTED is never read before the charge is captured.
      'charge.captured',
      'status.changed',
    ]);
    expect(timeline.filter((e: any) => e.type === 'status.changed').map((e: any) => e.details.to)).toEqual([
      'PROCESSING',
      'SUBMITTED',
    ]);
    const times = timeline.map((e: any) => Date.parse(e.at));
    expect([...times].sort((a, b) => a - b)).toEqual(times);
  });

  it('answers the same order posted again with 200 and the same id: still one supplier order and one charge', async () => {
    const again = await stack.api.post('/v1/orders', input, { key: merchant.key });
    expect(again.status).toBe(200);
    expect(again.body.id).toBe(order.id);
    expect(again.body.status).toBe('SUBMITTED');
    expect(await supplierOrders(stack, order.id)).toHaveLength(1);
    const ledger = await stack.api.get('/v1/wallet/transactions', { key: merchant.key });
    expect(ledger.body.items.filter((t: any) => t.kind === 'hold')).toHaveLength(1);
    expect((await wallet(stack, merchant.key)).balance).toBe(10_000 - order.cost.total);
  });

  it('is found in Temporal visibility by OrderStatus="SUBMITTED", as the Temporal UI filters', async () => {
    const query = `OrderStatus="SUBMITTED" AND MerchantId="${merchant.id}"`;
    const found = await waitFor('the workflow in visibility', async () => {
      const ids: string[] = [];
      for await (const wf of stack.platform.temporal.workflow.list({ query })) ids.push(wf.workflowId);
      return ids.includes(order.workflowId) ? ids : false;
    });
    expect(found).toContain(order.workflowId);
    const description = await stack.platform.temporal.workflow.getHandle(order.workflowId).describe();
    expect(await description.staticSummary()).toBe(`Amazon ${input.externalId} · 2 items · €59.90`);
    expect(description.typedSearchAttributes.get(SalesChannelKey)).toBe('amazon');
    expect(description.typedSearchAttributes.get(MerchantIdKey)).toBe(merchant.id);
  });
});

describe('tenancy and bad input', () => {
  let a: { id: string; key: string };
  let b: { id: string; key: string };
  let aOrder: any;

  beforeAll(async () => {
    a = await createMerchant(stack, { topUp: 10_000 });
    b = await createMerchant(stack, { topUp: 10_000 });
    const created = await stack.api.post('/v1/orders', orderInput(), { key: a.key });
    aOrder = created.body;
  });

  it("answers 404 to merchant B asking for merchant A's order, its events or an action on it", async () => {
    expect((await stack.api.get(`/v1/orders/${aOrder.id}`, { key: b.key })).status).toBe(404);
    expect((await stack.api.get(`/v1/orders/${aOrder.id}/events`, { key: b.key })).status).toBe(404);
    const cancel = await stack.api.post(`/v1/orders/${aOrder.id}/cancel`, {}, { key: b.key });
    expect(cancel.status).toBe(404);
    expect(cancel.body.error.code).toBe('NOT_FOUND');
    const list = await stack.api.get('/v1/orders', { key: b.key });
    expect(list.body.items.map((o: any) => o.id)).not.toContain(aOrder.id);
  });

  it('lets the operator key read every merchant but not act for one', async () => {
    expect((await stack.api.get(`/v1/orders/${aOrder.id}`, { key: OPERATOR_KEY })).status).toBe(200);
    expect((await stack.api.post('/v1/orders', orderInput(), { key: OPERATOR_KEY })).status).toBe(403);
    expect((await stack.api.post('/v1/merchants', { name: 'x' }, { key: a.key })).status).toBe(403);
  });

  it('answers 401 without a key or with a wrong key', async () => {
    const none = await stack.api.get('/v1/orders');
    expect(none.status).toBe(401);
    expect(none.body.error.code).toBe('UNAUTHORIZED');
    expect((await stack.api.get('/v1/orders', { key: 'mk_not-a-real-key' })).status).toBe(401);
    expect((await stack.api.get('/v1/orders', { headers: { authorization: 'Basic abc' } })).status).toBe(401);
  });

  it('answers 400 BAD_JSON to malformed JSON', async () => {
    const res = await stack.api.request('POST', '/v1/orders', { key: a.key, raw: '{"channel": "amazon",' });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('BAD_JSON');
  });

  it('answers 422 naming the path of a missing or wrong field', async () => {
    const { shippingAddress: _omit, ...missing } = orderInput();
    const res = await stack.api.post('/v1/orders', missing, { key: a.key });
    expect(res.status).toBe(422);
    expect(res.body.error.code).toBe('VALIDATION_FAILED');
    expect(res.body.error.details).toContainEqual(expect.objectContaining({ path: 'shippingAddress' }));

    const wrong = await stack.api.post('/v1/orders', orderInput({ items: [{ sku: 'BB-1001', quantity: 'two' }] }), {
      key: a.key,
    });
    expect(wrong.status).toBe(422);
    expect(wrong.body.error.details).toContainEqual(expect.objectContaining({ path: 'items.0.quantity' }));

    const postcode = await stack.api.post(
      '/v1/orders',
      orderInput({ payment: { method: 'cheque', amountPaid: 1, currency: 'EUR' } }),
      { key: a.key },
    );
    expect(postcode.status).toBe(422);
    expect(postcode.body.error.details[0].path).toBe('payment.method');
  });

  it('answers 413 to an oversize body', async () => {
    const res = await stack.api.post(
      '/v1/orders',
      orderInput({ customer: { name: 'x'.repeat(200_000), email: '', phone: '' } }),
      { key: a.key },
    );
    expect(res.status).toBe(413);
    expect(res.body.error.code).toBe('PAYLOAD_TOO_LARGE');
  });

  it('answers 422 to bad query parameters and 404 to unknown routes, never 500', async () => {
    expect((await stack.api.get('/v1/orders?limit=0', { key: a.key })).status).toBe(422);
    expect((await stack.api.get('/v1/orders?status=LOST', { key: a.key })).status).toBe(422);
    expect((await stack.api.get('/v1/orders?cursor=garbage', { key: a.key })).status).toBe(422);
    expect((await stack.api.get('/v1/nothing-here', { key: a.key })).status).toBe(404);
    expect(
      (
        await stack.api.post(
          '/v1/wallet/top-ups',
          { method: 'bank_transfer', amount: -5, currency: 'EUR' },
          { key: a.key },
        )
      ).status,
    ).toBe(422);
  });
});

describe('wallet top-ups', () => {
  it('refuses the withdrawn merchant-credited top-up body with 422 and credits nothing', async () => {
    const m = await createMerchant(stack);
    const res = await stack.api.post(
      '/v1/wallet/top-ups',
      { amount: 5_000, currency: 'EUR', reference: 'bank-tx-778' },
      { key: m.key },
    );
    expect(res.status).toBe(422);
    expect(await wallet(stack, m.key)).toMatchObject({ balance: 0, available: 0 });
    expect((await stack.api.get('/v1/wallet/transactions', { key: m.key })).body.items).toEqual([]);
  });

  it('refuses a top-up in another currency than the wallet', async () => {
    const m = await createMerchant(stack);
    const res = await stack.api.post(
      '/v1/wallet/top-ups',
      { method: 'bank_transfer', amount: 5_000, currency: 'USD' },
      { key: m.key },
    );
    expect(res.status).toBe(422);
    expect(res.body.error.code).toBe('CURRENCY_MISMATCH');
    expect((await wallet(stack, m.key)).balance).toBe(0);
  });

  it('replays a create request sent twice with the same Idempotency-Key', async () => {
    const first = await stack.api.post(
      '/v1/merchants',
      { name: 'Idem' },
      { key: OPERATOR_KEY, headers: { 'Idempotency-Key': 'mk-create-1' } },
    );
    const second = await stack.api.post(
      '/v1/merchants',
      { name: 'Idem' },
      { key: OPERATOR_KEY, headers: { 'Idempotency-Key': 'mk-create-1' } },
    );
    expect(first.status).toBe(201);
    expect(second.status).toBe(201);
    expect(second.body.id).toBe(first.body.id);
    expect(second.headers.get('idempotent-replayed')).toBe('true');
    const other = await stack.api.post(
      '/v1/merchants',
      { name: 'Other' },
      { key: OPERATOR_KEY, headers: { 'Idempotency-Key': 'mk-create-1' } },
    );
    expect(other.status).toBe(422);
    expect(other.body.error.code).toBe('IDEMPOTENCY_KEY_REUSED');
  });
});

describe('service endpoints', () => {
  it('serves health, readiness, the OpenAPI document and its docs page', async () => {
    expect((await stack.api.get('/healthz')).body).toEqual({ status: 'ok' });
    const ready = await stack.api.get('/readyz');
    expect(ready.status).toBe(200);
    expect(ready.body).toMatchObject({ postgres: 'ok', temporal: 'ok' });
    const doc = await stack.api.get('/openapi.json');
    expect(doc.body.openapi).toBe('3.1.0');
    expect(Object.keys(doc.body.paths)).toEqual(
      expect.arrayContaining(['/v1/orders', '/v1/orders/{id}/cancel', '/v1/wallet/top-ups', '/v1/products']),
    );
    expect(doc.body.components.schemas.NewOrder.properties.shippingAddress).toBeDefined();
    const docs = await stack.api.get('/docs/');
    expect(docs.status).toBe(200);
    expect(docs.text).toContain('swagger');
  });

  it("lists the supplier's catalogue with price and stock once the sync schedule ran", async () => {
    const m = await createMerchant(stack);
    const products = await waitFor('the catalogue sync', async () => {
      const res = await stack.api.get('/v1/products?limit=100', { key: m.key });
      return res.body.items.length > 0 ? res.body.items : false;
    });
    const known = products.find((p: any) => p.sku === 'BB-1001');
    expect(known).toMatchObject({ currency: 'EUR' });
    expect(known.price).toBeGreaterThan(0);
    expect(products.find((p: any) => p.sku === 'BB-1005').stock).toBe(0);
    const one = await stack.api.get('/v1/products?sku=BB-1001', { key: m.key });
    expect(one.body.items).toHaveLength(1);
  });
});
