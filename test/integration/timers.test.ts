import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMerchant, events, linkPayPal, orderInput, waitForStatus } from '../support/fixtures.js';
import { startStack, type Stack } from '../support/stack.js';

/**
 * The automatic timers, proven with short configured durations instead of production's hours and days:
 * the same code path, only `OrderTimings` differs.
 */
let stack: Stack;
beforeAll(async () => {
  stack = await startStack({ timings: { bankTransferExpiry: 2_000, fundsRetrySchedule: [700, 1_500] } });
});
afterAll(async () => {
  await stack?.stop();
});

describe('durable timers', () => {
  it('a bank transfer that never arrives expires to CANCELLED by itself', async () => {
    const m = await createMerchant(stack, { topUp: 10_000 });
    const created = await stack.api.post(
      '/v1/orders',
      orderInput({ payment: { method: 'bank_transfer', amountPaid: 5990, currency: 'EUR' } }),
      { key: m.key },
    );
    await waitForStatus(stack, m.key, created.body.id, 'AWAITING_PAYMENT');
    const cancelled = await waitForStatus(stack, m.key, created.body.id, 'CANCELLED', 15_000);
    expect(cancelled.charge).toBeNull();
    const timeline = await events(stack, m.key, created.body.id);
    expect(timeline.find((e) => e.type === 'payment.expired')?.by).toBe('timer');
    expect(timeline.find((e) => e.type === 'status.changed' && e.details.to === 'CANCELLED')?.details.reason).toContain(
      'bank transfer',
    );
  });

  it('an order waiting for funds re-checks on its schedule and goes on when PayPal is linked, with nobody resending', async () => {
    const m = await createMerchant(stack);
    const created = await stack.api.post('/v1/orders', orderInput(), { key: m.key });
    await waitForStatus(stack, m.key, created.body.id, 'PENDING_REVIEW');
    // Nothing signals the order about this change: only its own timer can notice.
    await linkPayPal(stack, m);
    const submitted = await waitForStatus(stack, m.key, created.body.id, 'SUBMITTED', 15_000);
    expect(submitted.charge.source).toBe('paypal');
    const timeline = await events(stack, m.key, created.body.id);
    expect(timeline.map((e) => e.type)).not.toContain('order.resent');
    expect(timeline.find((e) => e.type === 'retry.ready')).toMatchObject({ by: 'timer', details: { kind: 'funds' } });
  });

  it('keeps re-checking on the schedule while the wallet stays short, without changing status', async () => {
    const m = await createMerchant(stack);
    const created = await stack.api.post('/v1/orders', orderInput(), { key: m.key });
    await waitForStatus(stack, m.key, created.body.id, 'PENDING_REVIEW');
    await new Promise((r) => setTimeout(r, 3_500));
    const timeline = await events(stack, m.key, created.body.id);
    const checks = timeline.filter((e) => e.type === 'retry.not_yet');
    expect(checks.length).toBeGreaterThanOrEqual(2);
    expect(checks.map((e) => e.details.checks)).toEqual(checks.map((_, i) => i + 1));
    expect(timeline.filter((e) => e.type === 'status.changed').map((e) => e.details.to)).toEqual([
      'PROCESSING',
      'PENDING_REVIEW',
    ]);
  });
});
