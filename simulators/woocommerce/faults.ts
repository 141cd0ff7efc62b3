import { z } from 'zod';

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
  times: z.number().int().min(1).max(1000).default(1),
  delayMs: z.number().int().min(0).max(600_000).default(2000),
  /** Sent as Retry-After with http_429. */
  retryAfterSeconds: z.number().int().min(0).max(86_400).default(3),
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
    return { ...fault };
  }

  take(route: FaultRoute): Fault | undefined {
    const fault = this.faults.find((f) => f.route === route || f.route === 'any');
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
