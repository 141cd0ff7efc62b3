import { WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import type { Logger } from 'pino';
import { ordersWaitingForFunds } from '../db/orders.js';
import type { Db } from '../db/pool.js';
import type { resumeOrdersWorkflow } from '../workflows/resume-orders-workflow.js';
import { withStartDeadline } from './outage.js';

/** The workflow id of the wake-up after an adjustment: its business key, so a retry wakes the orders once. */
export function adjustmentResumeWorkflowId(adjustmentId: string): string {
  return `resume-adjustment-${adjustmentId}`;
}

/**
 * Wakes a merchant's orders waiting for funds after a credit adjustment (workflows/resume-orders-workflow.ts), as a
 * completed top-up wakes them. Started after the credit is committed; a start that fails (Temporal unreachable) is
 * logged and leaves the orders to their own funds re-checks (FUNDS_RETRY_SCHEDULE), and the same adjustment
 * retried with its Idempotency-Key starts it again.
 */
export class OrderResumer {
  constructor(private readonly deps: { db: Db; temporal: Client; taskQueue: string; logger: Logger }) {}

  async afterAdjustment(adjustment: {
    id: string;
    merchantId: string;
    available: number;
    by: string;
    summary: string;
  }): Promise<void> {
    // No order waits for funds: nothing to wake (an order parked a moment later re-checks on its own timer).
    if ((await ordersWaitingForFunds(this.deps.db, adjustment.merchantId)).length === 0) return;
    try {
      await withStartDeadline(this.deps.temporal, () =>
        this.deps.temporal.workflow.start<typeof resumeOrdersWorkflow>('resumeOrdersWorkflow', {
          workflowId: adjustmentResumeWorkflowId(adjustment.id),
          taskQueue: this.deps.taskQueue,
          args: [{ merchantId: adjustment.merchantId, available: adjustment.available, by: adjustment.by }],
          workflowIdReusePolicy: 'REJECT_DUPLICATE',
          staticSummary: adjustment.summary,
        }),
      );
    } catch (error) {
      if (error instanceof WorkflowExecutionAlreadyStartedError) return;
      this.deps.logger.warn(
        { err: error, adjustmentId: adjustment.id, merchantId: adjustment.merchantId },
        'orders waiting for funds not woken after the adjustment: their own funds re-checks will find the money',
      );
    }
  }
}
