import { describe, expect, it } from 'vitest';
import {
  initialState,
  keys,
  pendingTimer,
  transition,
  type OrderEvent,
  type OrderState,
  type Transition,
} from '../../domain/order-machine.js';
import { orderStatuses, type OrderRecord, type OrderStatus } from '../../domain/order.js';
import { actionNames, orderActions } from '../../domain/order-actions.js';

const AT = '2026-11-23T10:00:00.000Z';
const LATER = '2026-11-23T10:05:00.000Z';

function record(overrides: Partial<OrderRecord> = {}): OrderRecord {
  return {
    id: 'ord_test',
    merchantId: 'mer_test',
    createdAt: AT,
    channel: 'amazon',
    externalId: '402-1',
    payment: { method: 'prepaid', amountPaid: 5990, currency: 'EUR' },
    customer: { name: 'Maria Rossi', email: 'maria@example.com', phone: '+39 333 1234567' },
    shippingAddress: { line1: 'Via Roma 1', line2: '', city: 'Milano', postcode: '20121', region: 'MI', country: 'IT' },
    items: [{ sku: 'BB-1001', quantity: 2 }],
    ...overrides,
  };
}

const cost = { products: 3400, shipping: 590, taxes: 0, total: 3990, currency: 'EUR' };

function run(state: OrderState, ...events: OrderEvent[]): OrderState {
  let s = state;
  for (const event of events) {
    const t = transition(s, event, LATER);
    if (!t.accepted) throw new Error(`${event.type} refused in ${s.status}: ${t.reason}`);
    s = t.state;
  }
  return s;
}

/** An order as the workflow starts it today (runs since the `submitted-after-capture` patch). */
function started(r: OrderRecord = record()): OrderState {
  return initialState(r, { submittedAfterCapture: true });
}

/** A state in each status, reached only through the machine's own transitions. */
function stateIn(status: OrderStatus): OrderState {
  const prepaid = started();
  switch (status) {
    case 'RECEIVED':
      return prepaid;
    case 'AWAITING_PAYMENT':
      return run(started(record({ payment: { method: 'bank_transfer', amountPaid: 5990, currency: 'EUR' } })), {
        type: 'START',
      });
    case 'AWAITING_SHIPPING_METHOD':
      return run(started(record({ payment: { method: 'cod', amountPaid: 5990, currency: 'EUR' } })), {
        type: 'START',
      });
    case 'PENDING_REVIEW':
      return run(
        prepaid,
        { type: 'START' },
        { type: 'QUOTED', cost },
        { type: 'WALLET_SHORT', available: 100 },
        { type: 'PAYPAL_NOT_ENABLED', available: 100 },
      );
    case 'PROCESSING':
      return run(prepaid, { type: 'START' });
    case 'SUBMITTED':
      return run(
        prepaid,
        { type: 'START' },
        { type: 'QUOTED', cost },
        { type: 'WALLET_HELD', reference: 'wtx_1' },
        { type: 'SUPPLIER_ACCEPTED', supplierOrderId: '7000001', alreadyExisted: false },
        { type: 'CHARGE_CAPTURED' },
      );
    case 'SHIPPED':
      return run(stateIn('SUBMITTED'), {
        type: 'TRACKING_FOUND',
        tracking: { number: 'TRK1', carrier: 'gls', url: null },
      });
    case 'CANCELLED':
      return run(stateIn('PENDING_REVIEW'), { type: 'CANCEL' });
    case 'SENT_MANUALLY':
      return run(stateIn('PENDING_REVIEW'), { type: 'MARK_SENT_MANUALLY' });
  }
}

const actions: OrderEvent[] = [
  { type: 'PAYMENT_ACCEPTED' },
  { type: 'FIX_DATA', patch: { customer: { phone: '+39 333 7654321' } } },
  { type: 'RESEND' },
  { type: 'CANCEL' },
  { type: 'MARK_SENT_MANUALLY' },
  { type: 'SYNCHRONIZE', shippingMethod: 'gls' },
  { type: 'WALLET_TOPPED_UP' },
];

/**
 * Where each merchant action is allowed, as the action registry declares it (`allowedIn`, which every order's
 * `allowedActions` advertises). Everything else is refused. (WALLET_TOPPED_UP: the PENDING_REVIEW state above
 * waits for INSUFFICIENT_FUNDS, the only reason it is accepted for.)
 */
const allowedIn = (type: OrderEvent['type']): readonly OrderStatus[] =>
  actionNames.map((n) => orderActions[n]).find((a) => a.type === type)?.allowedIn ?? [];

describe('every status × every merchant action', () => {
  it('has an example of every action of the registry', () => {
    expect(actions.map((e) => e.type).sort()).toEqual(actionNames.map((n) => orderActions[n].type).sort());
  });

  for (const status of orderStatuses) {
    for (const event of actions) {
      const expected = allowedIn(event.type).includes(status);
      it(`${event.type} in ${status} is ${expected ? 'allowed' : 'refused'}`, () => {
        const before = stateIn(status);
        expect(before.status).toBe(status);
        const result: Transition = transition(before, event, LATER);
        expect(result.accepted).toBe(expected);
        if (!result.accepted) {
          expect(result.reason).toMatch(/\w/);
          if (!['RECEIVED'].includes(status)) expect(result.reason).toContain(status);
        }
      });
    }
  }
});

describe('result events are accepted only where they are expected', () => {
  const results: OrderEvent[] = [
    { type: 'QUOTED', cost },
    { type: 'QUOTE_REFUSED', reasons: [{ code: 'OUT_OF_STOCK', message: 'x' }] },
    { type: 'WALLET_HELD', reference: 'wtx' },
    { type: 'WALLET_SHORT', available: 0 },
    { type: 'PAYPAL_CHARGED', reference: 'cap' },
    { type: 'PAYPAL_NOT_ENABLED', available: 0 },
    { type: 'PAYPAL_DECLINED', issue: 'INSTRUMENT_DECLINED', message: 'x' },
    { type: 'SUPPLIER_ACCEPTED', supplierOrderId: '1', alreadyExisted: false },
    { type: 'SUPPLIER_REFUSED', reasons: [{ code: 'SUPPLIER_REJECTED', message: 'x' }] },
    { type: 'TRACKING_FOUND', tracking: { number: 'T', carrier: 'gls', url: null } },
    { type: 'PROBED', ready: true, reasons: [] },
  ];
  // The one status and sub-step in which each result can arrive.
  const where: Record<string, (s: OrderState) => boolean> = {
    QUOTED: (s) => s.status === 'PROCESSING' && s.phase === 'quoting',
    QUOTE_REFUSED: (s) => s.status === 'PROCESSING' && s.phase === 'quoting',
    WALLET_HELD: (s) => s.status === 'PROCESSING' && s.phase === 'holding',
    WALLET_SHORT: (s) => s.status === 'PROCESSING' && s.phase === 'holding',
    PAYPAL_CHARGED: (s) => s.phase === 'charging_paypal',
    PAYPAL_NOT_ENABLED: (s) => s.phase === 'charging_paypal',
    PAYPAL_DECLINED: (s) => s.phase === 'charging_paypal',
    SUPPLIER_ACCEPTED: (s) => s.phase === 'submitting',
    SUPPLIER_REFUSED: (s) => s.phase === 'submitting',
    TRACKING_FOUND: (s) => s.status === 'SUBMITTED',
    PROBED: (s) => s.phase === 'probing',
  };
  const prepaid = started();
  const held = run(prepaid, { type: 'START' }, { type: 'QUOTED', cost }, { type: 'WALLET_HELD', reference: 'w' });
  const states: OrderState[] = [
    ...orderStatuses.map(stateIn),
    run(prepaid, { type: 'START' }, { type: 'QUOTED', cost }),
    run(prepaid, { type: 'START' }, { type: 'QUOTED', cost }, { type: 'WALLET_SHORT', available: 0 }),
    held,
    run(held, { type: 'SUPPLIER_ACCEPTED', supplierOrderId: '1', alreadyExisted: false }),
    run(stateIn('PENDING_REVIEW'), { type: 'TIMER_FIRED', timer: 'funds-retry' }),
  ];
  for (const state of states) {
    for (const event of results) {
      const expected = where[event.type]?.(state) ?? false;
      it(`${event.type} in ${state.status}${state.phase ? `/${state.phase}` : ''} is ${expected ? 'accepted' : 'refused'}`, () => {
        expect(transition(state, event, LATER).accepted).toBe(expected);
      });
    }
  }
});

describe('paths of the source articles', () => {
  it('prepaid with valid data: quote → hold → submit → capture the hold → SUBMITTED', () => {
    let t = transition(started(), { type: 'START' }, LATER);
    expect(t.accepted && t.state.status).toBe('PROCESSING');
    expect(t.accepted && t.commands).toEqual([{ type: 'QUOTE' }]);
    const processing = run(started(), { type: 'START' });
    t = transition(processing, { type: 'QUOTED', cost }, LATER);
    expect(t.accepted && t.commands).toEqual([
      { type: 'HOLD_WALLET', amount: 3990, currency: 'EUR', key: 'order:ord_test:hold:1' },
    ]);
    // The supplier accepts: still PROCESSING while the hold is captured.
    const accepted = transition(
      run(started(), { type: 'START' }, { type: 'QUOTED', cost }, { type: 'WALLET_HELD', reference: 'w' }),
      { type: 'SUPPLIER_ACCEPTED', supplierOrderId: '7000001', alreadyExisted: false },
      LATER,
    );
    expect(accepted.accepted && accepted.state).toMatchObject({
      status: 'PROCESSING',
      phase: 'capturing',
      supplierOrderId: '7000001',
      charge: { source: 'wallet', state: 'held' },
    });
    expect(accepted.accepted && accepted.commands).toEqual([
      { type: 'CAPTURE_WALLET', key: 'order:ord_test:capture:1', holdKey: 'order:ord_test:hold:1' },
    ]);
    expect(accepted.accepted && pendingTimer(accepted.state)).toBeNull();
    // Captured: now SUBMITTED, and SUBMITTED always reads with the charge captured.
    const submitted = stateIn('SUBMITTED');
    expect(submitted.supplierOrderId).toBe('7000001');
    expect(submitted.charge).toMatchObject({ source: 'wallet', amount: 3990, state: 'captured' });
    expect(submitted.phase).toBeNull();
  });

  it("a PayPal charge is captured when charged: the supplier's acceptance makes the order SUBMITTED at once", () => {
    const submitted = run(
      started(),
      { type: 'START' },
      { type: 'QUOTED', cost },
      { type: 'WALLET_SHORT', available: 0 },
      { type: 'PAYPAL_CHARGED', reference: 'CAP-1' },
      { type: 'SUPPLIER_ACCEPTED', supplierOrderId: '7000002', alreadyExisted: false },
    );
    expect(submitted.status).toBe('SUBMITTED');
    expect(submitted.charge).toMatchObject({ source: 'paypal', state: 'captured' });
  });

  it("orders started before the patch: SUBMITTED on the supplier's acceptance, the hold captured after", () => {
    const legacy = run(
      initialState(record()),
      { type: 'START' },
      { type: 'QUOTED', cost },
      { type: 'WALLET_HELD', reference: 'w' },
    );
    const t = transition(legacy, { type: 'SUPPLIER_ACCEPTED', supplierOrderId: '1', alreadyExisted: false }, LATER);
    expect(t.accepted && t.state.status).toBe('SUBMITTED');
    expect(t.accepted && t.state.charge?.state).toBe('held');
    expect(t.accepted && t.commands).toEqual([
      { type: 'CAPTURE_WALLET', key: 'order:ord_test:capture:1', holdKey: 'order:ord_test:hold:1' },
    ]);
    const captured = run(t.accepted ? t.state : legacy, { type: 'CHARGE_CAPTURED' });
    expect(captured).toMatchObject({ status: 'SUBMITTED', charge: { state: 'captured' } });
  });

  it('reports every data problem at once, before anything is charged', () => {
    const bad = record({
      customer: { name: 'Maria Rossi', email: 'maria@', phone: '12' },
      shippingAddress: {
        line1: 'x'.repeat(80),
        line2: '',
        city: 'Milano',
        postcode: '2012',
        region: '',
        country: 'IT',
      },
    });
    const t = transition(initialState(bad), { type: 'START' }, LATER);
    expect(t.accepted).toBe(true);
    if (!t.accepted) return;
    expect(t.state.status).toBe('PENDING_REVIEW');
    expect(t.state.reviewReasons.map((r) => r.code).sort()).toEqual([
      'ADDRESS_TOO_LONG',
      'INVALID_EMAIL',
      'INVALID_PHONE',
      'INVALID_POSTCODE',
    ]);
    expect(t.commands).toEqual([]);
    expect(t.state.reviewReasons.find((r) => r.code === 'INVALID_POSTCODE')?.message).toContain('20121');
  });

  it('a fix clears the reasons it resolves but does not submit by itself; resend does', () => {
    const bad = run(
      initialState(
        record({
          shippingAddress: {
            line1: 'x'.repeat(80),
            line2: '',
            city: 'Milano',
            postcode: '20121',
            region: '',
            country: 'IT',
          },
        }),
      ),
      { type: 'START' },
    );
    const fixed = run(bad, { type: 'FIX_DATA', patch: { shippingAddress: { line1: 'Via Roma 1' } } });
    expect(fixed.status).toBe('PENDING_REVIEW');
    expect(fixed.reviewReasons).toEqual([]);
    const t = transition(fixed, { type: 'RESEND' }, LATER);
    expect(t.accepted && t.state.status).toBe('PROCESSING');
  });

  it('a refused supplier submission returns the hold and parks the order; out of stock is re-checked by timer', () => {
    const holding = run(
      initialState(record()),
      { type: 'START' },
      { type: 'QUOTED', cost },
      { type: 'WALLET_HELD', reference: 'w' },
    );
    const t = transition(
      holding,
      { type: 'SUPPLIER_REFUSED', reasons: [{ code: 'OUT_OF_STOCK', message: 'BB-1001' }] },
      LATER,
    );
    expect(t.accepted).toBe(true);
    if (!t.accepted) return;
    expect(t.state.status).toBe('PENDING_REVIEW');
    expect(t.commands).toEqual([
      {
        type: 'RETURN_CHARGE',
        charge: expect.objectContaining({ source: 'wallet', amount: 3990 }),
        key: 'order:ord_test:return:1',
        holdKey: 'order:ord_test:hold:1',
      },
    ]);
    expect(t.state.charge?.state).toBe('returned');
    expect(pendingTimer(t.state)).toEqual({ timer: 'stock-recheck', retryCount: 0 });
    // Cancelling afterwards does not return the money a second time.
    const cancelled = transition(t.state, { type: 'CANCEL' }, LATER);
    expect(cancelled.accepted && cancelled.commands).toEqual([]);
  });

  it('short wallet: PayPal when enabled, else INSUFFICIENT_FUNDS naming both amounts, retried on a schedule', () => {
    const short = run(
      initialState(record()),
      { type: 'START' },
      { type: 'QUOTED', cost },
      { type: 'WALLET_SHORT', available: 1000 },
    );
    const paypal = transition(short, { type: 'PAYPAL_CHARGED', reference: 'CAP-1' }, LATER);
    expect(paypal.accepted && paypal.state.charge).toMatchObject({ source: 'paypal', state: 'captured' });
    const parked = run(short, { type: 'PAYPAL_NOT_ENABLED', available: 1000 });
    expect(parked.reviewReasons[0]?.message).toMatch(/€10\.00.*€39\.90/);
    expect(pendingTimer(parked)).toEqual({ timer: 'funds-retry', retryCount: 0 });
    const probing = run(parked, { type: 'TIMER_FIRED', timer: 'funds-retry' });
    const stillShort = run(probing, { type: 'PROBED', ready: false, reasons: [] });
    expect(pendingTimer(stillShort)).toEqual({ timer: 'funds-retry', retryCount: 1 });
    expect(stillShort.status).toBe('PENDING_REVIEW');
    const ready = run(probing, { type: 'PROBED', ready: true, reasons: [] });
    expect(ready.status).toBe('PROCESSING');
    expect(ready.attempt).toBe(2);
  });

  it('a PayPal decline parks the order as PAYMENT_DECLINED without an automatic retry', () => {
    const declined = run(
      initialState(record()),
      { type: 'START' },
      { type: 'QUOTED', cost },
      { type: 'WALLET_SHORT', available: 0 },
      { type: 'PAYPAL_DECLINED', issue: 'INSTRUMENT_DECLINED', message: 'card refused' },
    );
    expect(declined.reviewReasons.map((r) => r.code)).toEqual(['PAYMENT_DECLINED']);
    expect(pendingTimer(declined)).toBeNull();
    expect(transition(declined, { type: 'WALLET_TOPPED_UP' }, LATER).accepted).toBe(true);
  });

  it('bank transfer waits for payment accepted and expires to CANCELLED', () => {
    const waiting = stateIn('AWAITING_PAYMENT');
    expect(pendingTimer(waiting)).toEqual({ timer: 'payment-expiry', retryCount: 0 });
    expect(run(waiting, { type: 'PAYMENT_ACCEPTED' }).status).toBe('PROCESSING');
    expect(run(waiting, { type: 'TIMER_FIRED', timer: 'payment-expiry' }).status).toBe('CANCELLED');
  });

  it('cash on delivery needs a shipping method to synchronize', () => {
    const waiting = stateIn('AWAITING_SHIPPING_METHOD');
    const without = transition(waiting, { type: 'SYNCHRONIZE' }, LATER);
    expect(without.accepted).toBe(false);
    const synced = run(waiting, { type: 'SYNCHRONIZE', shippingMethod: 'gls' });
    expect(synced.status).toBe('PROCESSING');
    expect(synced.order.shippingMethod).toBe('gls');
  });

  it('mark sent manually and cancel return a PayPal charge still held after a refusal', () => {
    const charged = run(
      initialState(record()),
      { type: 'START' },
      { type: 'QUOTED', cost },
      { type: 'WALLET_SHORT', available: 0 },
      { type: 'PAYPAL_CHARGED', reference: 'CAP-9' },
    );
    const refused = transition(
      charged,
      { type: 'SUPPLIER_REFUSED', reasons: [{ code: 'SUPPLIER_REJECTED', message: 'ER007' }] },
      LATER,
    );
    expect(refused.accepted && refused.commands[0]).toMatchObject({
      type: 'RETURN_CHARGE',
      charge: { source: 'paypal', reference: 'CAP-9' },
    });
  });

  it('tracking moves SUBMITTED to SHIPPED; nothing can be cancelled after the supplier accepted', () => {
    const submitted = stateIn('SUBMITTED');
    expect(pendingTimer(submitted)).toEqual({ timer: 'tracking-poll', retryCount: 0 });
    const t = transition(submitted, { type: 'CANCEL' }, LATER);
    expect(t.accepted).toBe(false);
    expect(!t.accepted && t.reason).toContain('SUBMITTED');
    expect(stateIn('SHIPPED').tracking).toEqual({ number: 'TRK1', carrier: 'gls', url: null });
  });

  it('bumps the version on every accepted event and keeps the idempotency keys per attempt', () => {
    const s = stateIn('SUBMITTED');
    expect(s.version).toBe(5);
    expect(keys.hold(s)).toBe('order:ord_test:hold:1');
  });

  it('records who sent an action in the timeline', () => {
    const t = transition(stateIn('PENDING_REVIEW'), { type: 'CANCEL', by: 'merchant mer_test' }, LATER);
    expect(t.accepted && t.timeline.every((e) => e.by === 'merchant mer_test')).toBe(true);
  });
});
