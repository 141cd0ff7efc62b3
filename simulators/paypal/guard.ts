import express, { type RequestHandler } from 'express';
import { countAndInjectFaults, type FaultQueue } from './faults.js';
import { requireBearer } from './oauth.js';
import type { ApiRoute, PayPalState } from './state.js';

/**
 * What stands before every authenticated API route: the request count and injected faults first, like an outage
 * in front of the API would, then the Bearer token, then the JSON body.
 */
export function apiGuard(
  state: PayPalState,
  faults: FaultQueue,
  now: () => number,
): (route: ApiRoute) => RequestHandler[] {
  return (route) => [
    countAndInjectFaults(state, faults, route),
    requireBearer(state, now),
    express.json({ limit: '100kb' }),
  ];
}
