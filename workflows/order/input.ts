import type { OrderState } from '../../domain/order-machine.js';
import type { OrderRecord } from '../../domain/order.js';
import type { OrderTimings } from '../../domain/timings.js';

export interface OrderWorkflowInput {
  order: OrderRecord;
  timings: OrderTimings;
  /** Present after continue-as-new: the order carries on exactly where it was. */
  resume?: {
    state: OrderState;
    timelineSeq: number;
    /**
     * The ids of the updates (the REST actions' Idempotency-Keys) accepted recently, by this run and the ones before
     * it: Temporal dedups an update id within one run only, so the next run answers these itself.
     */
    acceptedUpdates?: string[];
  };
}
