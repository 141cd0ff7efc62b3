import { z } from 'zod';

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
    times: z.number().int().min(1).max(1000).default(1),
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

export interface Fault extends FaultRequest {
  id: number;
  remaining: number;
}

export class FaultQueue {
  private faults: Fault[] = [];
  private nextId = 1;

  add(request: FaultRequest): Fault {
    const fault: Fault = { ...request, id: this.nextId++, remaining: request.times };
    this.faults.push(fault);
    return fault;
  }

  /** Consumes one occurrence of the first fault that applies to this route, if any. */
  take(route: RouteName): Fault | undefined {
    const fault = this.faults.find(
      (f) => (f.route === route || f.route === 'any') && (f.kind !== 'timeout_after_create' || route === 'create'),
    );
    if (!fault) return undefined;
    fault.remaining -= 1;
    if (fault.remaining <= 0) this.faults = this.faults.filter((f) => f !== fault);
    return { ...fault };
  }

  list(): Fault[] {
    return this.faults.map((f) => ({ ...f }));
  }

  clear(): number {
    const count = this.faults.length;
    this.faults = [];
    return count;
  }
}
