import type { OrderState } from '../../domain/order-machine.js';
import type { OrderRecord } from '../../domain/order.js';
import type { OrderTimings } from '../../domain/timings.js';

export interface OrderWorkflowInput {
  order: OrderRecord;
  timings: OrderTimings;
  /** Present after continue-as-new: the order carries on exactly where it was. */
  resume?: { state: OrderState; timelineSeq: number };
}
