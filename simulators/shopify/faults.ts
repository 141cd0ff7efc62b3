import { z } from 'zod';
import { FaultQueue as SharedFaultQueue, type QueuedFault } from '../shared/fault-queue.js';
import { faultTimes } from '../shared/fault-injection.js';

/**
 * Queued misbehaviour of the Admin API. `fulfillment` is the fulfilment create (POST fulfillments.json),
 * `cancel` the order cancel, `any` every Admin API request including the reads. Each matching request uses up
 * one occurrence of the oldest matching fault. `slow` waits, then answers normally.
 */

export type ApiRoute = 'fulfillment' | 'cancel' | 'read';

export const FaultRequestSchema = z.strictObject({
  route: z.enum(['fulfillment', 'cancel', 'any']),
  kind: z.enum(['http_500', 'http_429', 'slow']),
  times: faultTimes,
  delayMs: z.number().int().min(0).max(120_000).default(2000),
  /** Sent in Retry-After with http_429, as Shopify does ("2.0"). */
  retryAfterSeconds: z.number().min(0).max(3600).default(2),
});
export type FaultRequest = z.infer<typeof FaultRequestSchema>;

export type Fault = QueuedFault<FaultRequest>;
export type FaultQueue = SharedFaultQueue<FaultRequest, ApiRoute>;

export function createFaultQueue(): FaultQueue {
  return new SharedFaultQueue();
}
