import { WorkflowNotFoundError } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adjustmentResumeWorkflowId } from '../../api/order-resumer.js';
import { createMerchant, events, financeKey, orderInput, waitForStatus } from '../support/fixtures.js';
import { startStack, type Stack } from '../support/stack.js';

/**
 * An operator's audited credit adjustment wakes the merchant's orders waiting for funds, as a completed top-up does:
 * a small workflow (`resume-adjustment-<adjustment id>`) picks them oldest first, as far as the money reaches, and
 * signals each one durably. The orders' own funds re-check is a minute away in this suite: what submits them here
 * is the adjustment.
 */
let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(async () => {
  await stack?.stop();
});

describe('a credit adjustment', () => {
  it('wakes the orders waiting for funds, once even when retried, and a debit wakes nothing', async () => {
    const finance = await financeKey(stack);
    const m = await createMerchant(stack);
    const created = await stack.api.post('/v1/orders', orderInput(), { key: m.key });
    const parked = await waitForStatus(stack, m.key, created.body.id, 'PENDING_REVIEW');
    expect(parked.reviewReasons.map((r: any) => r.code)).toEqual(['INSUFFICIENT_FUNDS']);

    const credit = { merchantId: m.id, amount: 20_000, reason: 'goodwill credit after a delivery problem' };
    const headers = { 'idempotency-key': 'adjustment-wakes-orders' };
    const adjusted = await stack.api.post('/v1/finance/adjustments', credit, { key: finance, headers });
    expect(adjusted.status, adjusted.text).toBe(201);
    const id = adjusted.body.adjustment.id as string;

    const submitted = await waitForStatus(stack, m.key, parked.id, 'SUBMITTED', 20_000);
    expect(submitted.charge).toMatchObject({ source: 'wallet', state: 'captured' });
    const timeline = await events(stack, m.key, parked.id);
    expect(timeline.find((e) => e.type === 'wallet.topped_up')?.by).toBe(`adjustment ${id} by Test Finance`);
    const resume = stack.platform.temporal.workflow.getHandle(adjustmentResumeWorkflowId(id));
    expect(await resume.result()).toEqual({ orderIds: [parked.id] });

    // The same adjustment retried (a replay, and the same key with its answer lost): one wake-up, one run.
    expect((await stack.api.post('/v1/finance/adjustments', credit, { key: finance, headers })).status).toBe(201);
    const runs: string[] = [];
    for await (const wf of stack.platform.temporal.workflow.list({
      query: `WorkflowId="${adjustmentResumeWorkflowId(id)}"`,
    }))
      runs.push(wf.runId);
    expect(runs).toHaveLength(1);

    const debit = await stack.api.post(
      '/v1/finance/adjustments',
      { merchantId: m.id, amount: -1_000, reason: 'fee correction' },
      { key: finance },
    );
    expect(debit.status).toBe(201);
    await expect(
      stack.platform.temporal.workflow.getHandle(adjustmentResumeWorkflowId(debit.body.adjustment.id)).describe(),
    ).rejects.toBeInstanceOf(WorkflowNotFoundError);
  });
});
