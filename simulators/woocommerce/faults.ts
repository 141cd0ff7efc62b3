import { z } from 'zod';
import { FaultQueue as SharedFaultQueue, type QueuedFault } from '../shared/fault-queue.js';
import { faultTimes } from '../shared/fault-injection.js';

/**
 * Queued misbehaviour of the shop's REST API, so tests can see how the client takes a WordPress host on a bad
 * day. Each request to a matching route consumes one occurrence of the oldest matching fault; `slow` waits and
 * then answers normally (the change is made even if the client gave up meanwhile).
 */

export const faultRoutes = ['read', 'update', 'notes'] as const;
export type FaultRoute = (typeof faultRoutes)[number];

export const FaultRequestSchema = z.strictObject({
  route: z.enum([...faultRoutes, 'any']),
  kind: z.enum(['http_500', 'http_429', 'slow']),
  times: faultTimes,
  delayMs: z.number().int().min(0).max(600_000).default(2000),
  /** Sent as Retry-After with http_429. */
  retryAfterSeconds: z.number().int().min(0).max(86_400).default(3),
});
export type FaultRequest = z.infer<typeof FaultRequestSchema>;

export type Fault = QueuedFault<FaultRequest>;
export type FaultQueue = SharedFaultQueue<FaultRequest, FaultRoute>;

export function createFaultQueue(): FaultQueue {
  return new SharedFaultQueue();
}
