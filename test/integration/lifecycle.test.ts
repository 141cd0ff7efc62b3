import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createMerchant,
  events,
  getOrder,
  linkPayPal,
  orderInput,
  supplierOrders,
  topUpByTransfer,
  wallet,
  waitForStatus,
} from '../support/fixtures.js';
import { waitFor } from '../../dev/http-client.js';
import { startStack, type Stack } from '../support/stack.js';
import { placeWhileStockVanishes } from '../../dev/supplier-stock.js';

/** Every order path of the source articles, through HTTP against the real stack. */
let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(async () => {
  await stack?.stop();
});

const tooLong = 'Via della Repubblica Italiana 1234, Scala B, Interno 56, presso Studio Rossi';

async function ledger(key: string, orderId?: string): Promise<any[]> {
  const res = await stack.api.get('/v1/wallet/transactions?limit=200', { key });
  return orderId ? res.body.items.filter((t: any) => t.orderId === orderId) : res.body.items;
}

async function orderThatGoesOutOfStock(key: string, sku: string, extra: Record<string, unknown> = {}): Promise<any> {
  const created = await placeWhileStockVanishes(stack.supplier, sku, () =>
    stack.api.post('/v1/orders', orderInput({ items: [{ sku, quantity: 1 }], ...extra }), { key }),
  );
  return created.body;
}

describe('data problems wait in review until fixed and resent', () => {
  it('address too long → fix → resend → SUBMITTED', async () => {
    const m = await createMerchant(stack, { topUp: 10_000 });
    const created = await stack.api.post(
      '/v1/orders',
      orderInput({ shippingAddress: { line1: tooLong, city: 'Milano', postcode: '20121', country: 'IT' } }),
      { key: m.key },
    );
    const parked = await waitForStatus(stack, m.key, created.body.id, 'PENDING_REVIEW');
    expect(parked.reviewReasons).toEqual([
      expect.objectContaining({ code: 'ADDRESS_TOO_LONG', field: 'shippingAddress.line1' }),
    ]);
    expect(parked.waitingFor).toContain('ADDRESS_TOO_LONG');
    expect(await supplierOrders(stack, parked.id)).toHaveLength(0);
    expect(await wallet(stack, m.key)).toMatchObject({ balance: 10_000, reserved: 0 });

    const fixed = await stack.api.patch(
      `/v1/orders/${parked.id}`,
      { shippingAddress: { line1: 'Via della Repubblica 12', line2: 'Scala B' } },
      { key: m.key },
    );
    expect(fixed.status).toBe(200);
    expect(fixed.body.status).toBe('PENDING_REVIEW');
    expect(fixed.body.reviewReasons).toEqual([]);
    expect(fixed.body.shippingAddress.line1).toBe('Via della Repubblica 12');
    expect(await supplierOrders(stack, parked.id)).toHaveLength(0);

    const resent = await stack.api.post(`/v1/orders/${parked.id}/resend`, {}, { key: m.key });
    expect(resent.status).toBe(200);
    const submitted = await waitForStatus(stack, m.key, parked.id, 'SUBMITTED');
    const atSupplier = await supplierOrders(stack, parked.id);
    expect(atSupplier).toHaveLength(1);
    expect(atSupplier[0].shippingAddress.address).toBe('Via della Repubblica 12 Scala B');
    await waitFor('capture', async () => (await wallet(stack, m.key)).reserved === 0);
    expect((await wallet(stack, m.key)).balance).toBe(10_000 - submitted.cost.total);
    const timeline = await events(stack, m.key, parked.id);
    expect(timeline.find((e) => e.type === 'order.data_fixed')).toMatchObject({ by: `merchant ${m.id}` });
    expect(timeline.find((e) => e.type === 'order.resent')).toMatchObject({ by: `merchant ${m.id}` });
  });

  it('reports a bad phone and a bad e-mail together, and the PATCH answer shows what remains', async () => {
    const m = await createMerchant(stack, { topUp: 10_000 });
    const created = await stack.api.post(
      '/v1/orders',
      orderInput({ customer: { name: 'Luca Bianchi', email: 'luca@@example', phone: '123' } }),
      { key: m.key },
    );
    const parked = await waitForStatus(stack, m.key, created.body.id, 'PENDING_REVIEW');
    expect(parked.reviewReasons.map((r: any) => r.code).sort()).toEqual(['INVALID_EMAIL', 'INVALID_PHONE']);
    expect(parked.reviewReasons.map((r: any) => r.field).sort()).toEqual(['customer.email', 'customer.phone']);

    const half = await stack.api.patch(
      `/v1/orders/${parked.id}`,
      { customer: { phone: '+39 02 1234 5678' } },
      { key: m.key },
    );
    expect(half.body.reviewReasons.map((r: any) => r.code)).toEqual(['INVALID_EMAIL']);
    // Fields left out of the fix keep their values.
    expect(half.body.customer).toEqual({ name: 'Luca Bianchi', email: 'luca@@example', phone: '+39 02 1234 5678' });
    expect(half.body.reviewReasons[0].message).toContain('luca@@example');
    expect(await ledger(m.key, parked.id)).toHaveLength(0);
  });

  it('answers 422 to a PATCH with unknown or wrongly typed fields and changes nothing', async () => {
    const m = await createMerchant(stack, { topUp: 10_000 });
    const created = await stack.api.post(
      '/v1/orders',
      orderInput({ customer: { name: 'Luca', email: 'bad', phone: '123' } }),
      { key: m.key },
    );
    await waitForStatus(stack, m.key, created.body.id, 'PENDING_REVIEW');
    const unknown = await stack.api.patch(`/v1/orders/${created.body.id}`, { items: [] }, { key: m.key });
    expect(unknown.status).toBe(422);
    const typed = await stack.api.patch(`/v1/orders/${created.body.id}`, { customer: { phone: 5 } }, { key: m.key });
    expect(typed.status).toBe(422);
    expect(typed.body.error.details[0].path).toBe('customer.phone');
    expect((await getOrder(stack, m.key, created.body.id)).customer.phone).toBe('123');
  });
});

describe('bank transfer and cash on delivery', () => {
  it('bank transfer: AWAITING_PAYMENT → 409 on resend → payment-accepted → SUBMITTED', async () => {
    const m = await createMerchant(stack, { topUp: 10_000 });
    const created = await stack.api.post(
      '/v1/orders',
      orderInput({ payment: { method: 'bank_transfer', amountPaid: 5990, currency: 'EUR' } }),
      { key: m.key },
    );
    const waiting = await waitForStatus(stack, m.key, created.body.id, 'AWAITING_PAYMENT');
    const before = await events(stack, m.key, waiting.id);

    const refused = await stack.api.post(`/v1/orders/${waiting.id}/resend`, {}, { key: m.key });
    expect(refused.status).toBe(409);
    expect(refused.body.error.code).toBe('INVALID_STATE');
    expect(refused.body.error.message).toContain('AWAITING_PAYMENT');
    expect(await events(stack, m.key, waiting.id)).toEqual(before);
    expect((await getOrder(stack, m.key, waiting.id)).status).toBe('AWAITING_PAYMENT');

    const accepted = await stack.api.post(`/v1/orders/${waiting.id}/payment-accepted`, {}, { key: m.key });
    expect(accepted.status).toBe(200);
    await waitForStatus(stack, m.key, waiting.id, 'SUBMITTED');
    expect(await supplierOrders(stack, waiting.id)).toHaveLength(1);
  });

  it('COD: AWAITING_SHIPPING_METHOD → synchronize with a method → SUBMITTED as cash on delivery', async () => {
    const m = await createMerchant(stack, { topUp: 10_000 });
    const created = await stack.api.post(
      '/v1/orders',
      orderInput({ payment: { method: 'cod', amountPaid: 5990, currency: 'EUR' } }),
      { key: m.key },
    );
    const waiting = await waitForStatus(stack, m.key, created.body.id, 'AWAITING_SHIPPING_METHOD');
    expect(waiting.waitingFor).toContain('synchronize');

    const noMethod = await stack.api.post(`/v1/orders/${waiting.id}/synchronize`, {}, { key: m.key });
    expect(noMethod.status).toBe(409);
    expect(noMethod.body.error.message).toContain('shipping method');

    const synced = await stack.api.post(
      `/v1/orders/${waiting.id}/synchronize`,
      { shippingMethod: 'gls' },
      { key: m.key },
    );
    expect(synced.status).toBe(200);
    expect(synced.body.shippingMethod).toBe('gls');
    await waitForStatus(stack, m.key, waiting.id, 'SUBMITTED');
    const [atSupplier] = await supplierOrders(stack, waiting.id);
    expect(atSupplier.cashOnDelivery).toBe(59.9);
    expect(atSupplier.carrier).toBe('gls');
  });
});

describe('paying for the order', () => {
  it('short wallet without PayPal → INSUFFICIENT_FUNDS → top-up → SUBMITTED with no further call', async () => {
    const m = await createMerchant(stack, { topUp: 500 });
    const created = await stack.api.post('/v1/orders', orderInput(), { key: m.key });
    const parked = await waitForStatus(stack, m.key, created.body.id, 'PENDING_REVIEW');
    expect(parked.reviewReasons).toEqual([expect.objectContaining({ code: 'INSUFFICIENT_FUNDS' })]);
    expect(parked.reviewReasons[0].message).toContain('€5.00');
    expect(await supplierOrders(stack, parked.id)).toHaveLength(0);
    expect(await wallet(stack, m.key)).toMatchObject({ balance: 500, reserved: 0 });

    const topUp = await topUpByTransfer(stack, m, 10_000);
    const submitted = await waitForStatus(stack, m.key, parked.id, 'SUBMITTED');
    expect(submitted.charge.source).toBe('wallet');
    const timeline = await events(stack, m.key, parked.id);
    expect(timeline.map((e) => e.type)).not.toContain('order.resent');
    expect(timeline.find((e) => e.type === 'wallet.topped_up')?.by).toBe(`wallet top-up ${topUp.id}`);
    const resumed = await waitFor('the top-up to list what it woke', async () => {
      const t = (await stack.api.get(`/v1/wallet/top-ups/${topUp.id}`, { key: m.key })).body;
      return t.ordersResumed.length > 0 ? t.ordersResumed : false;
    });
    expect(resumed).toEqual([parked.id]);
  });

  it('resumes waiting orders oldest first, only as far as the top-up reaches', async () => {
    const m = await createMerchant(stack);
    const first = await stack.api.post('/v1/orders', orderInput(), { key: m.key });
    const second = await stack.api.post('/v1/orders', orderInput(), { key: m.key });
    const a = await waitForStatus(stack, m.key, first.body.id, 'PENDING_REVIEW');
    await waitForStatus(stack, m.key, second.body.id, 'PENDING_REVIEW');
    const amount = Math.max(a.cost.total + 100, stack.env.TOP_UP_MIN);
    expect(amount).toBeLessThan(2 * a.cost.total); // covers one of the two, not both
    const topUp = await topUpByTransfer(stack, m, amount);
    const resumed = await waitFor('the top-up to list what it woke', async () => {
      const t = (await stack.api.get(`/v1/wallet/top-ups/${topUp.id}`, { key: m.key })).body;
      return t.status === 'COMPLETED' && t.waitingFor === null ? t.ordersResumed : false;
    });
    expect(resumed).toEqual([first.body.id]);
    await waitForStatus(stack, m.key, first.body.id, 'SUBMITTED');
    expect((await getOrder(stack, m.key, second.body.id)).status).toBe('PENDING_REVIEW');
  });

  it('short wallet with PayPal enabled → charged by PayPal, wallet untouched', async () => {
    const m = await createMerchant(stack, { topUp: 300 });
    await linkPayPal(stack, m, { payerEmail: 'shop.owner@example.com' });
    const created = await stack.api.post('/v1/orders', orderInput(), { key: m.key });
    const submitted = await waitForStatus(stack, m.key, created.body.id, 'SUBMITTED');
    expect(submitted.charge).toMatchObject({ source: 'paypal', amount: submitted.cost.total, state: 'captured' });
    const captures = (await stack.paypal.get('/_admin/captures')).body.captures.filter(
      (c: any) => c.id === submitted.charge.reference,
    );
    expect(captures).toHaveLength(1);
    expect(captures[0]).toMatchObject({ currency: 'EUR' });
    expect(Math.round(Number(captures[0].amount) * 100)).toBe(submitted.cost.total);
    expect(await wallet(stack, m.key)).toMatchObject({ balance: 300, reserved: 0 });
  });

  it('PayPal decline → PAYMENT_DECLINED, nothing captured, nothing submitted', async () => {
    const m = await createMerchant(stack);
    await linkPayPal(stack, m, { decline: true });
    const capturesBefore = (await stack.paypal.get('/_admin/captures')).body.captures.length;
    const created = await stack.api.post('/v1/orders', orderInput(), { key: m.key });
    const parked = await waitForStatus(stack, m.key, created.body.id, 'PENDING_REVIEW');
    expect(parked.reviewReasons).toEqual([expect.objectContaining({ code: 'PAYMENT_DECLINED' })]);
    expect(parked.reviewReasons[0].message).toContain('INSTRUMENT_DECLINED');
    expect((await stack.paypal.get('/_admin/captures')).body.captures.length).toBe(capturesBefore);
    expect(await supplierOrders(stack, parked.id)).toHaveLength(0);
    expect(parked.charge).toBeNull();
  });

  it('refuses to switch the PayPal fallback on before PayPal is linked (409), and never takes a vault id (422)', async () => {
    const m = await createMerchant(stack);
    const res = await stack.api.put('/v1/settings/paypal', { enabled: true }, { key: m.key });
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('PAYPAL_NOT_LINKED');
    const typed = await stack.api.put(
      '/v1/settings/paypal',
      { enabled: true, vaultId: 'someone-elses-vault' },
      { key: m.key },
    );
    expect(typed.status).toBe(422);
  });
});

describe('out of stock, cancel and mark sent manually', () => {
  it('out of stock at submission → hold released → stock back → SUBMITTED, re-checked by itself', async () => {
    const m = await createMerchant(stack, { topUp: 10_000 });
    const order = await orderThatGoesOutOfStock(m.key, 'BB-1002');
    const parked = await waitForStatus(stack, m.key, order.id, 'PENDING_REVIEW');
    expect(parked.reviewReasons).toEqual([expect.objectContaining({ code: 'OUT_OF_STOCK' })]);
    await waitFor('the hold to be released', async () => (await wallet(stack, m.key)).reserved === 0);
    expect((await wallet(stack, m.key)).balance).toBe(10_000);
    expect((await ledger(m.key, order.id)).map((t) => t.kind)).toEqual(['release', 'hold']);

    // The stock re-check timer keeps looking without bothering anyone.
    await waitFor('a stock re-check', async () =>
      (await events(stack, m.key, order.id)).some((e) => e.type === 'retry.not_yet'),
    );
    expect((await getOrder(stack, m.key, order.id)).status).toBe('PENDING_REVIEW');

    await stack.supplier.put('/_admin/products/BB-1002', { stock: 40 });
    const submitted = await waitForStatus(stack, m.key, order.id, 'SUBMITTED');
    expect(await supplierOrders(stack, order.id)).toHaveLength(1);
    await waitFor('capture', async () => (await wallet(stack, m.key)).reserved === 0);
    expect((await wallet(stack, m.key)).balance).toBe(10_000 - submitted.cost.total);
    expect((await ledger(m.key, order.id)).map((t) => t.kind)).toEqual(['capture', 'hold', 'release', 'hold']);
    expect((await events(stack, m.key, order.id)).find((e) => e.type === 'retry.ready')?.by).toBe('timer');
  });

  it('mark sent manually → SENT_MANUALLY with nothing charged and nothing at the supplier', async () => {
    const m = await createMerchant(stack, { topUp: 10_000 });
    const created = await stack.api.post(
      '/v1/orders',
      orderInput({ customer: { name: 'Anna Verdi', email: 'anna@example.com', phone: '1' } }),
      { key: m.key },
    );
    await waitForStatus(stack, m.key, created.body.id, 'PENDING_REVIEW');
    const res = await stack.api.post(`/v1/orders/${created.body.id}/mark-sent-manually`, {}, { key: m.key });
    expect(res.status).toBe(200);
    expect(res.body.status).toBe('SENT_MANUALLY');
    expect(await wallet(stack, m.key)).toMatchObject({ balance: 10_000, reserved: 0 });
    expect(await ledger(m.key, created.body.id)).toHaveLength(0);
    expect(await supplierOrders(stack, created.body.id)).toHaveLength(0);
  });

  it('cancel after a wallet charge → CANCELLED, wallet back to where it was', async () => {
    const m = await createMerchant(stack, { topUp: 10_000 });
    const order = await orderThatGoesOutOfStock(m.key, 'BB-1003');
    await waitForStatus(stack, m.key, order.id, 'PENDING_REVIEW');
    const res = await stack.api.post(
      `/v1/orders/${order.id}/cancel`,
      { reason: 'customer changed their mind' },
      { key: m.key },
    );
    expect(res.status).toBe(200);
    expect(res.body.status).toBe('CANCELLED');
    expect(res.body.channelCancelled).toBe(false);
    expect(res.body.message).toContain('amazon');
    await waitFor('the hold to be released', async () => (await wallet(stack, m.key)).reserved === 0);
    expect(await wallet(stack, m.key)).toMatchObject({ balance: 10_000, reserved: 0, available: 10_000 });
    expect((await ledger(m.key, order.id)).map((t) => t.kind).sort()).toEqual(['hold', 'release']);
    expect(await supplierOrders(stack, order.id)).toHaveLength(0);
    await stack.supplier.put('/_admin/products/BB-1003', { stock: 40 });
  });

  it('cancel after a PayPal charge → the capture is refunded', async () => {
    const m = await createMerchant(stack);
    await linkPayPal(stack, m);
    const order = await orderThatGoesOutOfStock(m.key, 'BB-1004');
    const parked = await waitForStatus(stack, m.key, order.id, 'PENDING_REVIEW');
    expect(parked.charge).toMatchObject({ source: 'paypal', state: 'returned' });
    await stack.api.post(`/v1/orders/${order.id}/cancel`, {}, { key: m.key });
    const refunds = await waitFor('the PayPal refund', async () => {
      const list = (await stack.paypal.get('/_admin/refunds')).body.refunds.filter(
        (r: any) => r.captureId === parked.charge.reference,
      );
      return list.length > 0 ? list : false;
    });
    expect(refunds).toHaveLength(1);
    await stack.supplier.put('/_admin/products/BB-1004', { stock: 40 });
  });

  it('PayPal down while a refund is owed: the cancel is answered at once, the refund lands once when PayPal is back', async () => {
    const m = await createMerchant(stack);
    await linkPayPal(stack, m);
    await stack.paypal.post('/_admin/faults', { route: 'refund', kind: 'http_503', times: 1000 });
    const order = await orderThatGoesOutOfStock(m.key, 'BB-1009');
    const parked = await waitForStatus(stack, m.key, order.id, 'PENDING_REVIEW');
    const refundsOf = async (): Promise<any[]> =>
      (await stack.paypal.get('/_admin/refunds')).body.refunds.filter(
        (r: any) => r.captureId === parked.charge.reference,
      );

    const cancel = await stack.api.post(`/v1/orders/${order.id}/cancel`, {}, { key: m.key });
    expect(cancel.status).toBe(200);
    expect(cancel.body.status).toBe('CANCELLED');
    expect(await refundsOf()).toHaveLength(0);

    await stack.paypal.delete('/_admin/faults');
    await waitFor('the refund once PayPal is back', async () => (await refundsOf()).length > 0);
    await waitFor('the timeline', async () =>
      (await events(stack, m.key, order.id)).some((e) => e.type === 'charge.returned'),
    );
    expect(await refundsOf()).toHaveLength(1);
    await stack.supplier.put('/_admin/products/BB-1009', { stock: 40 });
  });

  it('cancel on a SUBMITTED order → 409 and nothing changes', async () => {
    const m = await createMerchant(stack, { topUp: 10_000 });
    const created = await stack.api.post('/v1/orders', orderInput(), { key: m.key });
    const submitted = await waitForStatus(stack, m.key, created.body.id, 'SUBMITTED');
    await waitFor('the timeline to settle', async () =>
      (await events(stack, m.key, submitted.id)).some((e) => e.type === 'charge.captured'),
    );
    const walletBefore = await wallet(stack, m.key);
    const eventsBefore = await events(stack, m.key, submitted.id);
    const res = await stack.api.post(`/v1/orders/${submitted.id}/cancel`, {}, { key: m.key });
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('INVALID_STATE');
    expect(res.body.error.message).toContain('SUBMITTED');
    expect((await getOrder(stack, m.key, submitted.id)).status).toBe('SUBMITTED');
    expect(await wallet(stack, m.key)).toEqual(walletBefore);
    expect(await events(stack, m.key, submitted.id)).toEqual(eventsBefore);
    expect(await supplierOrders(stack, submitted.id)).toHaveLength(1);
  });

  it('tracking: the supplier ships → SHIPPED with the tracking number', async () => {
    const m = await createMerchant(stack, { topUp: 10_000 });
    const created = await stack.api.post('/v1/orders', orderInput(), { key: m.key });
    const submitted = await waitForStatus(stack, m.key, created.body.id, 'SUBMITTED');
    await stack.supplier.post(`/_admin/orders/${submitted.supplierOrderId}/ship`, {
      trackingNumber: 'GLS123456',
      carrier: 'gls',
    });
    const shipped = await waitForStatus(stack, m.key, submitted.id, 'SHIPPED');
    expect(shipped.tracking).toMatchObject({ number: 'GLS123456', carrier: expect.stringMatching(/gls/i) });
    expect(shipped.waitingFor).toBeNull();
  });
});

describe('long-lived orders', () => {
  it('carry their state over to a new run (continue-as-new) while polling tracking, then ship', async () => {
    const m = await createMerchant(stack, { topUp: 10_000 });
    const created = await stack.api.post('/v1/orders', orderInput(), { key: m.key });
    const submitted = await waitForStatus(stack, m.key, created.body.id, 'SUBMITTED');
    const handle = stack.platform.temporal.workflow.getHandle(submitted.workflowId);
    const firstRun = (await handle.describe()).runId;
    // The test server suggests continue-as-new after 80 history events: a few tracking polls.
    await waitFor('a new run of the same order', async () => (await handle.describe()).runId !== firstRun, {
      timeoutMs: 30_000,
    });
    const runs: string[] = [];
    for await (const wf of stack.platform.temporal.workflow.list({ query: `WorkflowId="${submitted.workflowId}"` }))
      runs.push(wf.status.name);
    expect(runs).toContain('CONTINUED_AS_NEW');

    const carried: any = await handle.query('state');
    expect(carried).toMatchObject({
      id: submitted.id,
      status: 'SUBMITTED',
      supplierOrderId: submitted.supplierOrderId,
      cost: submitted.cost,
    });
    await stack.supplier.post(`/_admin/orders/${submitted.supplierOrderId}/ship`, { trackingNumber: 'CAN-1' });
    const shipped = await waitForStatus(stack, m.key, submitted.id, 'SHIPPED');
    expect(shipped.tracking.number).toBe('CAN-1');
    const timeline = await events(stack, m.key, submitted.id);
    expect(timeline.map((e) => e.type).filter((t) => t === 'supplier.shipped')).toHaveLength(1);
    expect(timeline.at(-1)).toMatchObject({ type: 'status.changed', details: { to: 'SHIPPED' } });
    expect(await supplierOrders(stack, submitted.id)).toHaveLength(1);
  });
});

describe('Idempotency-Keys of order actions across continue-as-new', () => {
  it('an action retried with its key after the order continued as new is answered with the order, not judged anew', async () => {
    const m = await createMerchant(stack, { topUp: 10_000 });
    const created = await stack.api.post(
      '/v1/orders',
      orderInput({ customer: { name: 'Maria Rossi', email: 'maria@example.com', phone: '12' } }),
      { key: m.key },
    );
    await waitForStatus(stack, m.key, created.body.id, 'PENDING_REVIEW');
    await stack.api.patch(`/v1/orders/${created.body.id}`, { customer: { phone: '+39 333 1234567' } }, { key: m.key });
    const resend = { key: m.key, headers: { 'idempotency-key': 'resend-before-continue-as-new' } };
    const first = await stack.api.post(`/v1/orders/${created.body.id}/resend`, {}, resend);
    expect(first.status, first.text).toBe(200);
    const submitted = await waitForStatus(stack, m.key, created.body.id, 'SUBMITTED');

    // Tracking polls fill the history until the server suggests continue-as-new (80 events in this suite).
    const handle = stack.platform.temporal.workflow.getHandle(submitted.workflowId);
    const firstRun = (await handle.describe()).runId;
    await waitFor('a new run of the same order', async () => (await handle.describe()).runId !== firstRun, {
      timeoutMs: 60_000,
    });

    // The merchant's retry (its answer was lost, say) gets the order as it stands, as Temporal answers a retried
    // update within one run; a resend judged anew would be refused with 409 (the order is SUBMITTED).
    const retried = await stack.api.post(`/v1/orders/${created.body.id}/resend`, {}, resend);
    expect(retried.status, retried.text).toBe(200);
    expect(retried.body).toMatchObject({ id: created.body.id, status: 'SUBMITTED' });
    // A resend without the key (or with another one) is a new request, and refused as before.
    const fresh = await stack.api.post(`/v1/orders/${created.body.id}/resend`, {}, { key: m.key });
    expect(fresh.status).toBe(409);
    const timeline = await events(stack, m.key, created.body.id);
    expect(timeline.filter((e) => e.type === 'order.resent')).toHaveLength(1);
  });
});

describe('operators and bulk actions', () => {
  it('keeps ReviewReasons and the current details readable in Temporal', async () => {
    const m = await createMerchant(stack);
    const created = await stack.api.post('/v1/orders', orderInput(), { key: m.key });
    const parked = await waitForStatus(stack, m.key, created.body.id, 'PENDING_REVIEW');
    const query = `OrderStatus="PENDING_REVIEW" AND ReviewReasons="INSUFFICIENT_FUNDS" AND MerchantId="${m.id}"`;
    await waitFor('the order in visibility', async () => {
      for await (const wf of stack.platform.temporal.workflow.list({ query }))
        if (wf.workflowId === parked.workflowId) return true;
      return false;
    });
    const handle = stack.platform.temporal.workflow.getHandle(parked.workflowId);
    const metadata: any = await handle.query('__temporal_workflow_metadata');
    expect(metadata.currentDetails).toContain('INSUFFICIENT_FUNDS');
    expect(metadata.currentDetails).toContain('top up the wallet');
  });

  it('honours a signal sent by an operator and records a refused one in the timeline', async () => {
    const m = await createMerchant(stack, { topUp: 10_000 });
    const created = await stack.api.post(
      '/v1/orders',
      orderInput({ payment: { method: 'bank_transfer', amountPaid: 5990, currency: 'EUR' } }),
      { key: m.key },
    );
    const waiting = await waitForStatus(stack, m.key, created.body.id, 'AWAITING_PAYMENT');
    const handle = stack.platform.temporal.workflow.getHandle(waiting.workflowId);
    await handle.signal('resend');
    await waitFor('the refusal in the timeline', async () =>
      (await events(stack, m.key, waiting.id)).some((e) => e.type === 'signal.refused'),
    );
    expect((await getOrder(stack, m.key, waiting.id)).status).toBe('AWAITING_PAYMENT');
    await handle.signal('paymentAccepted');
    await waitForStatus(stack, m.key, waiting.id, 'SUBMITTED');
    const accepted = (await events(stack, m.key, waiting.id)).find((e) => e.type === 'payment.accepted');
    expect(accepted?.by).toBe('operator (Temporal signal)');
  });

  it('bulk resend: every pending order with a reason is resent, others untouched', async () => {
    const m = await createMerchant(stack);
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) ids.push((await stack.api.post('/v1/orders', orderInput(), { key: m.key })).body.id);
    const other = (
      await stack.api.post('/v1/orders', orderInput({ customer: { name: 'X Y', email: 'bad', phone: '1' } }), {
        key: m.key,
      })
    ).body.id;
    for (const id of ids) await waitForStatus(stack, m.key, id, 'PENDING_REVIEW');
    await waitForStatus(stack, m.key, other, 'PENDING_REVIEW');
    // PayPal enabled afterwards: nothing tells the orders, the merchant resends them in one call.
    await linkPayPal(stack, m);
    const res = await stack.api.post(
      '/v1/orders/bulk/resend',
      { filter: { status: 'PENDING_REVIEW', reason: 'INSUFFICIENT_FUNDS' } },
      { key: m.key },
    );
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ matched: 3, resent: 3, refused: [] });
    expect([...res.body.resentIds].sort()).toEqual([...ids].sort());
    for (const id of ids) expect((await waitForStatus(stack, m.key, id, 'SUBMITTED')).charge.source).toBe('paypal');
    expect((await getOrder(stack, m.key, other)).status).toBe('PENDING_REVIEW');
  });
});
