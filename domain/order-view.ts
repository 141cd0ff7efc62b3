import { orderWorkflowId } from './ids.js';
import { describeWaiting } from './order-describe.js';
import type { OrderState } from './order-machine.js';
import type { OrderView } from './order.js';

/** The order resource exactly as the REST API shows it, built from the workflow's state. */
export function toOrderView(s: OrderState): OrderView & { channelCancellation: OrderState['channelCancellation'] } {
  const o = s.order;
  return {
    id: o.id,
    workflowId: orderWorkflowId(o.id),
    merchantId: o.merchantId,
    channel: o.channel,
    externalId: o.externalId,
    status: s.status,
    reviewReasons: s.reviewReasons,
    payment: o.payment,
    customer: o.customer,
    shippingAddress: o.shippingAddress,
    items: o.items,
    shippingMethod: o.shippingMethod ?? null,
    cost: s.cost,
    charge: s.charge,
    supplierOrderId: s.supplierOrderId,
    tracking: s.tracking,
    waitingFor: describeWaiting(s),
    channelCancellation: s.channelCancellation,
    createdAt: s.createdAt,
    updatedAt: s.updatedAt,
    version: s.version,
  };
}
