/** The one place that turns an order id into its workflow id (and back), so API and operators agree. */
const PREFIX = 'order-';

export function orderWorkflowId(orderId: string): string {
  return `${PREFIX}${orderId}`;
}

export function orderIdFromWorkflowId(workflowId: string): string | null {
  return workflowId.startsWith(PREFIX) ? workflowId.slice(PREFIX.length) : null;
}
