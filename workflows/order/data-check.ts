import { proxyLocalActivities } from '@temporalio/workflow';
import type { CheckActivities } from '../../activities/types.js';
import type { OrderRecord } from '../../domain/order.js';
import type { ReviewReason } from '../../domain/review-reasons.js';
import type { LocalActivityLane } from './local-activity-lane.js';

/**
 * The customer-data check, run as a local activity: it reads library data (phone metadata) that changes between
 * releases, so its answer is recorded in the history instead of being recomputed on replay.
 */
const checks = proxyLocalActivities<CheckActivities>({
  startToCloseTimeout: '10s',
  retry: { initialInterval: '500ms', maximumInterval: '30s', backoffCoefficient: 2 },
});

export async function checkData(order: OrderRecord, lane: LocalActivityLane): Promise<ReviewReason[]> {
  const input = { customer: order.customer, shippingAddress: order.shippingAddress };
  return lane.run(() => checks.checkOrderData(input));
}
