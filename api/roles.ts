import type { RequestHandler } from 'express';
import { HttpError } from './errors.js';

/**
 * What staff may reach. Staff work orders and channels; money (wallet, top-ups, PayPal), API keys and users are the
 * owner's. The list names what staff MAY do, so that a route added later is refused to staff until it is added
 * here on purpose. Owners, operators and API keys are not concerned (a merchant key acts with the owner's rights).
 */
const STAFF_MAY_REACH: readonly RegExp[] = [
  /^\/v1\/me$/,
  /^\/v1\/sessions(\/current)?$/,
  /^\/v1\/orders(\/.*)?$/,
  /^\/v1\/channels(\/.*)?$/,
  /^\/v1\/(products|sales-channels|events)$/,
  /^\/v1\/carriers(\/.*)?$/,
];

export function staffMayReach(path: string): boolean {
  return STAFF_MAY_REACH.some((allowed) => allowed.test(path));
}

/** Refuses staff (403 ROLE_FORBIDDEN) everything beyond orders and channels. */
export const enforceRoles: RequestHandler = (req, _res, next) => {
  if (req.principal?.user?.role === 'staff' && !staffMayReach(req.baseUrl + req.path))
    throw new HttpError(
      403,
      'ROLE_FORBIDDEN',
      'Staff work orders and channels; the wallet, top-ups, PayPal, API keys and users are for the owner',
    );
  next();
};
