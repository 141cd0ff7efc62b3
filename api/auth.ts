import { createHash, timingSafeEqual } from 'node:crypto';
import type { Request, RequestHandler } from 'express';
import type { Db } from '../db/pool.js';
import { findMerchantByApiKey } from '../db/merchants.js';
import { HttpError } from './errors.js';

export type Principal = { kind: 'operator' } | { kind: 'merchant'; merchantId: string; name: string };

declare module 'express-serve-static-core' {
  interface Request {
    principal?: Principal;
  }
}

function sameSecret(a: string, b: string): boolean {
  const da = createHash('sha256').update(a).digest();
  const db = createHash('sha256').update(b).digest();
  return timingSafeEqual(da, db);
}

/** Bearer keys: the operator key from the environment, or a merchant key looked up by its hash. */
export function authenticate(db: Db, operatorKey: string | undefined): RequestHandler {
  return async (req, _res, next) => {
    const header = req.get('authorization') ?? '';
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (!match?.[1]) throw new HttpError(401, 'UNAUTHORIZED', 'Send an API key: Authorization: Bearer <key>');
    const key = match[1];
    if (operatorKey && sameSecret(key, operatorKey)) {
      req.principal = { kind: 'operator' };
      return next();
    }
    const merchant = await findMerchantByApiKey(db, key);
    if (!merchant) throw new HttpError(401, 'UNAUTHORIZED', 'Unknown API key');
    req.principal = { kind: 'merchant', merchantId: merchant.id, name: merchant.name };
    next();
  };
}

export function principalOf(req: Request): Principal {
  if (!req.principal) throw new HttpError(401, 'UNAUTHORIZED', 'Not authenticated');
  return req.principal;
}

/** The merchant acting; the operator key reads everything but does not act on a merchant's behalf. */
export function merchantOf(req: Request): string {
  const p = principalOf(req);
  if (p.kind !== 'merchant') throw new HttpError(403, 'MERCHANT_KEY_REQUIRED', 'This action needs a merchant API key');
  return p.merchantId;
}

/** Whose orders a request may see: its own merchant's, or everyone's for the operator. */
export function scopeOf(req: Request): string | null {
  const p = principalOf(req);
  return p.kind === 'merchant' ? p.merchantId : null;
}

export function requireOperator(req: Request): void {
  if (principalOf(req).kind !== 'operator') throw new HttpError(403, 'OPERATOR_KEY_REQUIRED', 'This action needs the operator key');
}
