import { z } from 'zod';
import { FaultQueue as SharedFaultQueue, type QueuedFault } from '../shared/fault-queue.js';
import { faultTimes } from '../shared/fault-injection.js';

/**
 * Queued misbehaviour, so tests and demos can make the simulator act like BigBuy on a bad day.
 * Each request to a matching route consumes one occurrence of the oldest matching fault.
 * `slow` delays and then processes the request even if the client gave up meanwhile (a slow create still
 * creates). `timeout_after_create` only holds the answer when the order really was created; a refused
 * order is answered normally.
 */

export const routeNames = ['check', 'create', 'reference', 'order', 'tracking', 'catalog'] as const;
export type RouteName = (typeof routeNames)[number];

export const FaultRequestSchema = z
  .strictObject({
    route: z.enum([...routeNames, 'any']),
    kind: z.enum(['http_500', 'html_502', 'rate_limit', 'slow', 'timeout_after_create', 'error_body_200', 'empty_200']),
    times: faultTimes,
    delayMs: z.number().int().min(0).max(600_000).optional(),
    resetInSeconds: z.number().int().min(0).max(86_400).optional(),
    /** For error_body_200: a BigBuy JSON error (default) or an HTML fragment. */
    variant: z.enum(['json', 'html']).default('json'),
  })
  .refine((f) => f.kind !== 'timeout_after_create' || f.route === 'create' || f.route === 'any', {
    message: 'timeout_after_create only applies to the create route',
    path: ['route'],
  });

export type FaultRequest = z.infer<typeof FaultRequestSchema>;

export type Fault = QueuedFault<FaultRequest>;
export type FaultQueue = SharedFaultQueue<FaultRequest, RouteName>;

export function createFaultQueue(): FaultQueue {
  // A held answer only means something after a create, so such a fault waits for one even when queued for 'any'.
  return new SharedFaultQueue({ applies: (f, route) => f.kind !== 'timeout_after_create' || route === 'create' });
}
