import { getExternalWorkflowHandle, log, proxyActivities } from '@temporalio/workflow';
import type { TopUpActivities } from '../activities/types.js';
import { orderWorkflowId } from '../domain/ids.js';
import { orderActions } from '../domain/order-actions.js';

export interface ResumeOrdersInput {
  merchantId: string;
  /** What the wallet has available after the credit: orders are woken oldest first, as far as it reaches. */
  available: number;
  /** Who or what credited the wallet, shown in each woken order's timeline (e.g. `adjustment adj_… by Finance`). */
  by: string;
}

const { ordersToResume } = proxyActivities<Pick<TopUpActivities, 'ordersToResume'>>({
  startToCloseTimeout: '1 minute',
  // What fails is transient (PostgreSQL away): retried until it works, visibly in the UI.
  retry: { initialInterval: '1s', maximumInterval: '1 minute', backoffCoefficient: 2 },
});

/**
 * Wakes the merchant's orders waiting for funds after money came in other than by a top-up (an operator's credit
 * adjustment), the way a completed top-up's workflow does: the same activity chooses the orders, and the same
 * durable signal (`walletToppedUp`) reaches each one even if this worker dies right after. Started with a
 * business-key id (`resume-adjustment-<adjustment id>`), so a retried adjustment wakes them once.
 */
export async function resumeOrdersWorkflow(input: ResumeOrdersInput): Promise<{ orderIds: string[] }> {
  const candidates = await ordersToResume({ merchantId: input.merchantId, available: input.available });
  const woken: string[] = [];
  for (const orderId of candidates) {
    try {
      await getExternalWorkflowHandle(orderWorkflowId(orderId)).signal(orderActions.walletToppedUp.signal, {
        by: input.by,
      });
      woken.push(orderId);
    } catch (error) {
      // The order finished meanwhile (cancelled, sent manually): nothing to wake.
      log.info('Order not woken', { orderId, error: String(error) });
    }
  }
  return { orderIds: woken };
}
