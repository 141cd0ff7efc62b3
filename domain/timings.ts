import { z } from 'zod';

/**
 * How long orders wait between automatic steps. Configuration, not code: production waits hours,
 * tests wait seconds. Passed to each workflow at start (and carried over on continue-as-new).
 */
export const OrderTimings = z.object({
  /** Re-checks of an order waiting for funds; the last interval repeats. */
  fundsRetrySchedule: z.array(z.number().int().positive()).min(1),
  stockRecheckInterval: z.number().int().positive(),
  bankTransferExpiry: z.number().int().positive(),
  trackingPollInterval: z.number().int().positive(),
  /** How long a cancel answer waits for the shop to confirm before saying it will keep trying. */
  channelCancelWait: z.number().int().positive(),
  /** Start-to-close timeout of one call to the supplier, PayPal or a shop. */
  activityTimeout: z.number().int().positive(),
  retryInitialInterval: z.number().int().positive(),
  retryMaxInterval: z.number().int().positive(),
});
export type OrderTimings = z.infer<typeof OrderTimings>;

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

export const defaultTimings: OrderTimings = {
  fundsRetrySchedule: [15 * MINUTE, HOUR, 6 * HOUR, 24 * HOUR],
  stockRecheckInterval: 30 * MINUTE,
  bankTransferExpiry: 7 * 24 * HOUR,
  trackingPollInterval: HOUR,
  channelCancelWait: 10_000,
  activityTimeout: 60_000,
  retryInitialInterval: 2_000,
  retryMaxInterval: 10 * MINUTE,
};

/**
 * How long the server waits for a worker to complete one workflow task before giving it to another worker (the
 * SDK default is 10 s). It bounds how long a worker that died holding an order's task delays that order, e.g. an
 * action waiting for its answer. Set on each order's start (continue-as-new keeps it).
 */
export const WORKFLOW_TASK_TIMEOUT = '4s';
