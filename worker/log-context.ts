import { asyncLocalStorage } from '@temporalio/activity';
import { orderIdOfWorkflow } from '../domain/ids.js';

/** `orderId` and `workflowId` of the order a workflow id belongs to; nothing for other workflows (catalogue sync). */
export function orderIds(workflowId: unknown): { orderId: string; workflowId: string } | Record<string, never> {
  if (typeof workflowId !== 'string') return {};
  const orderId = orderIdOfWorkflow(workflowId);
  return orderId ? { orderId, workflowId } : {};
}

/**
 * The order the running activity works for, read from the activity's context: a pino mixin adds it to every line
 * an activity logs, whichever logger the activity's code holds.
 */
export function activityOrderIds(): { orderId: string; workflowId: string } | Record<string, never> {
  const context = asyncLocalStorage.getStore();
  return context ? orderIds(context.info.workflowExecution?.workflowId) : {};
}
