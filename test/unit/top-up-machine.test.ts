import { describe, expect, it } from 'vitest';
import {
  initialTopUpState,
  isTopUpFinished,
  merchantTopUpView,
  pendingTopUpTimer,
  toTopUpView,
  topUpTransition,
  type TopUpEvent,
  type TopUpState,
} from '../../domain/top-up-machine.js';
import type { TopUpRecord } from '../../domain/top-up.js';

const at = '2025-01-01T10:00:00.000Z';
const alice = { name: 'Alice', keyId: 'key_alice' };
const paypal: TopUpRecord = {
  id: 'tu_p',
  merchantId: 'mer_1',
  method: 'paypal',
  amount: 10_000,
  currency: 'EUR',
  createdAt: at,
};
const transfer: TopUpRecord = {
  id: 'tu_b',
  merchantId: 'mer_1',
  method: 'bank_transfer',
  amount: 10_000,
  currency: 'EUR',
  createdAt: at,
  bankTransfer: {
    iban: 'DE89370400440532013000',
    bic: 'COBADEFFXXX',
    beneficiary: 'Demo',
    reference: 'RF18 5390 0754 7034',
    expiresAt: '2025-01-15T10:00:00.000Z',
  },
};

/** Applies events in turn, failing on a refusal; answers the last state and every command issued. */
function run(record: TopUpRecord, events: TopUpEvent[]): { state: TopUpState; commands: string[] } {
  let state = initialTopUpState(record);
  const commands: string[] = [];
  for (const event of events) {
    const result = topUpTransition(state, event, at);
    if (!result.accepted) throw new Error(`${event.type} refused: ${result.reason}`);
    state = result.state;
    commands.push(...result.commands.map((c) => c.type));
  }
  return { state, commands };
}

function refusal(state: TopUpState, event: TopUpEvent): string | undefined {
  const result = topUpTransition(state, event, at);
  return result.accepted ? undefined : result.reason;
}

describe('top-up state machine', () => {
  it('PayPal: charge → COMPLETED capture → credit → wake orders → finished', () => {
    const { state, commands } = run(paypal, [
      { type: 'START' },
      { type: 'PAYPAL_CAPTURED', orderId: 'O1', captureId: 'C1', captureStatus: 'COMPLETED' },
      { type: 'CREDITED', transactionId: 'wtx_1', amount: 10_000, available: 10_000 },
      { type: 'ORDERS_RESUMED', orderIds: ['ord_1'] },
    ]);
    expect(commands).toEqual(['CHARGE_PAYPAL', 'CREDIT', 'RESUME_ORDERS']);
    expect(state).toMatchObject({ status: 'COMPLETED', credited: { amount: 10_000 }, ordersResumed: ['ord_1'] });
    expect(isTopUpFinished(state)).toBe(true);
  });

  it('PayPal: a PENDING capture credits nothing; it is re-checked on a timer until PayPal completes it', () => {
    const { state, commands } = run(paypal, [
      { type: 'START' },
      { type: 'PAYPAL_CAPTURED', orderId: 'O1', captureId: 'C1', captureStatus: 'PENDING' },
    ]);
    expect(commands).toEqual(['CHARGE_PAYPAL']);
    expect(state).toMatchObject({ status: 'PENDING', phase: 'awaiting_capture', credited: null });
    expect(pendingTopUpTimer(state)).toEqual({ kind: 'capture-recheck' });
    const still = run(paypal, [
      { type: 'START' },
      { type: 'PAYPAL_CAPTURED', orderId: 'O1', captureId: 'C1', captureStatus: 'PENDING' },
      { type: 'CAPTURE_RECHECK_DUE' },
      { type: 'CAPTURE_CHECKED', captureStatus: 'PENDING' },
      { type: 'CAPTURE_RECHECK_DUE' },
      { type: 'CAPTURE_CHECKED', captureStatus: 'COMPLETED' },
    ]);
    expect(still.commands).toEqual(['CHARGE_PAYPAL', 'CHECK_CAPTURE', 'CHECK_CAPTURE', 'CREDIT']);
    const declined = run(paypal, [
      { type: 'START' },
      { type: 'PAYPAL_CAPTURED', orderId: 'O1', captureId: 'C1', captureStatus: 'PENDING' },
      { type: 'CAPTURE_RECHECK_DUE' },
      { type: 'CAPTURE_CHECKED', captureStatus: 'DECLINED' },
    ]);
    expect(declined.state).toMatchObject({ status: 'FAILED', failure: { code: 'CAPTURE_DECLINED' }, credited: null });
  });

  it('PayPal: a decline or a missing link ends FAILED with the issue and a sentence', () => {
    const declined = run(paypal, [
      { type: 'START' },
      { type: 'PAYPAL_DECLINED', issue: 'INSTRUMENT_DECLINED', message: 'x' },
    ]).state;
    expect(declined).toMatchObject({ status: 'FAILED', failure: { code: 'INSTRUMENT_DECLINED' } });
    expect(declined.failure?.message).toMatch(/another funding source/);
    expect(run(paypal, [{ type: 'START' }, { type: 'PAYPAL_NOT_LINKED' }]).state.failure?.code).toBe(
      'PAYPAL_NOT_LINKED',
    );
  });

  it('PayPal top-ups cannot be confirmed, rejected or expired by hand', () => {
    const started = run(paypal, [{ type: 'START' }]).state;
    expect(refusal(started, { type: 'CONFIRM', amountReceived: 1, bankReference: 'x', by: alice })).toMatch(
      /settled by PayPal/,
    );
    expect(refusal(started, { type: 'REJECT', reason: 'x', by: alice })).toMatch(/settled by PayPal/);
    expect(refusal(started, { type: 'EXPIRED' })).toBeDefined();
  });

  it('bank transfer: waits (expiry timer) → confirm credits what arrived → COMPLETED', () => {
    const started = run(transfer, [{ type: 'START' }]);
    expect(started.commands).toEqual([]);
    expect(pendingTopUpTimer(started.state)).toEqual({ kind: 'expiry', at: '2025-01-15T10:00:00.000Z' });
    const { state, commands } = run(transfer, [
      { type: 'START' },
      { type: 'CONFIRM', amountReceived: 9_950, bankReference: 'SEPA-1', by: alice },
      { type: 'CREDITED', transactionId: 'wtx_2', amount: 9_950, available: 9_950 },
      { type: 'ORDERS_RESUMED', orderIds: [] },
    ]);
    expect(commands).toEqual(['CREDIT', 'RESUME_ORDERS']);
    expect(state).toMatchObject({ status: 'COMPLETED', credited: { amount: 9_950 }, confirmation: { by: alice } });
  });

  it('bank transfer: a second confirm, a reject after a confirm, or expiry after a confirm are refused', () => {
    const confirming = run(transfer, [
      { type: 'START' },
      { type: 'CONFIRM', amountReceived: 10_000, bankReference: 'S', by: alice },
    ]).state;
    expect(confirming.status).toBe('PENDING');
    expect(pendingTopUpTimer(confirming)).toBeNull();
    expect(refusal(confirming, { type: 'CONFIRM', amountReceived: 10_000, bankReference: 'S', by: alice })).toMatch(
      /already confirmed \(€100\.00 by Alice\)/,
    );
    expect(refusal(confirming, { type: 'REJECT', reason: 'x', by: alice })).toMatch(/already confirmed/);
    expect(refusal(confirming, { type: 'EXPIRED' })).toBeDefined();
    const started = run(transfer, [{ type: 'START' }]).state;
    expect(refusal(started, { type: 'CONFIRM', amountReceived: 0, bankReference: 'S', by: alice })).toMatch(/positive/);
  });

  it('bank transfer: reject → REJECTED (audited) and expiry → EXPIRED, both final with nothing credited', () => {
    const rejected = run(transfer, [{ type: 'START' }, { type: 'REJECT', reason: 'unknown sender', by: alice }]);
    expect(rejected.commands).toEqual(['RECORD_REJECTION']);
    expect(rejected.state).toMatchObject({ status: 'REJECTED', credited: null });
    expect(isTopUpFinished(rejected.state)).toBe(true);
    expect(refusal(rejected.state, { type: 'CONFIRM', amountReceived: 1, bankReference: 'x', by: alice })).toMatch(
      /REJECTED/,
    );
    const expired = run(transfer, [{ type: 'START' }, { type: 'EXPIRED' }]).state;
    expect(expired.status).toBe('EXPIRED');
    expect(refusal(expired, { type: 'CONFIRM', amountReceived: 1, bankReference: 'x', by: alice })).toMatch(/EXPIRED/);
  });

  it('shows operator names to the finance desk only', () => {
    const { state } = run(transfer, [{ type: 'START' }, { type: 'REJECT', reason: 'unknown sender', by: alice }]);
    expect(toTopUpView(state).bankTransfer?.rejection).toEqual({ reason: 'unknown sender', at, by: 'Alice' });
    expect(merchantTopUpView(toTopUpView(state)).bankTransfer?.rejection).toEqual({ reason: 'unknown sender', at });
  });
});
