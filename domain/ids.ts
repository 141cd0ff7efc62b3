/** The one place that turns an order id into its workflow id, so the API, workers and operators agree. */
const PREFIX = 'order-';

export function orderWorkflowId(orderId: string): string {
  return `${PREFIX}${orderId}`;
}

/** The one place that turns a top-up id into its workflow id. */
export function topUpWorkflowId(topUpId: string): string {
  return `topup-${topUpId}`;
}

/** The order id a workflow id names, or null for workflows that are not orders. */
export function orderIdOfWorkflow(workflowId: string): string | null {
  return workflowId.startsWith(PREFIX) ? workflowId.slice(PREFIX.length) : null;
}
