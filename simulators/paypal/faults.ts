import type { RequestHandler } from 'express';
import { z } from 'zod';
import { FaultQueue as SharedFaultQueue } from '../shared/fault-queue.js';
import { faultTimes, injectFaults } from '../shared/fault-injection.js';
import { sendError } from './errors.js';
import { apiRoutes, type ApiRoute, type PayPalState } from './state.js';

export const FaultSchema = z.object({
  route: z.enum([...apiRoutes, 'any']),
  // http_429 and malformed_body go beyond 5xx/slow so clients can be tested on rate limits and unreadable 2xx bodies.
  kind: z.enum(['http_500', 'http_503', 'http_429', 'slow', 'malformed_body']),
  times: faultTimes,
  delayMs: z.number().int().min(0).max(120_000).default(3_000),
});
export type FaultRequest = z.input<typeof FaultSchema>;
export type Fault = z.output<typeof FaultSchema>;

export type FaultQueue = SharedFaultQueue<Fault, ApiRoute>;

export function createFaultQueue(): FaultQueue {
  return new SharedFaultQueue();
}

/** PayPal's admin lists faults as posted, with `times` counting down; id and remaining stay internal. */
export function pendingFaults(faults: FaultQueue): Fault[] {
  return faults.list().map(({ id: _id, remaining, ...fault }) => ({ ...fault, times: remaining }));
}

/**
 * Counts the request, then applies the next matching fault. A slow fault only delays: the request is then
 * served for real, which is how a response gets lost while the charge still happens.
 */
export function countAndInjectFaults(state: PayPalState, faults: FaultQueue, route: ApiRoute): RequestHandler {
  const inject = injectFaults(faults, route, (fault, res) => {
    switch (fault.kind) {
      case 'http_500':
        return sendError(res, 500, 'INTERNAL_SERVER_ERROR', 'An internal error occurred (injected fault).');
      case 'http_503':
        res.setHeader('Retry-After', '1');
        return sendError(res, 503, 'SERVICE_UNAVAILABLE', 'The service is temporarily unavailable (injected fault).');
      case 'http_429':
        res.setHeader('Retry-After', '2');
        return sendError(res, 429, 'RATE_LIMIT_REACHED', 'Too many requests in a short time (injected fault).');
      case 'malformed_body':
        res
          .status(createsResource(route) ? 201 : 200)
          .type('application/json')
          .send('{"id":"5O19012');
        return;
    }
  });
  return (req, res, next) => {
    state.counts[route] += 1;
    return inject(req, res, next);
  };
}

/** The routes whose success is 201 Created; reads and deletes answer 200 (a body cannot be malformed on a 204). */
function createsResource(route: ApiRoute): boolean {
  return (
    route === 'create' ||
    route === 'capture' ||
    route === 'refund' ||
    route === 'setup-token' ||
    route === 'payment-token'
  );
}
