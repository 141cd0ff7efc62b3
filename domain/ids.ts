/** The one place that turns an order id into its workflow id, so the API, workers and operators agree. */
const PREFIX = 'order-';

export function orderWorkflowId(orderId: string): string {
  return `${PREFIX}${orderId}`;
}
