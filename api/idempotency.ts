import { createHash } from 'node:crypto';
import type { Request, RequestHandler } from 'express';
import { claimIdempotencyKey, completeIdempotencyKey, releaseIdempotencyKey } from '../db/idempotency.js';
import type { Db } from '../db/pool.js';
import { principalOf } from './auth.js';
import { HttpError } from './errors.js';

/** The request's `Idempotency-Key`, checked (422 when malformed), or undefined when it has none. */
export function idempotencyKeyOf(req: Request): string | undefined {
  const key = req.get('idempotency-key');
  if (key !== undefined && !/^[\x21-\x7e]{1,255}$/.test(key)) {
    throw new HttpError(422, 'VALIDATION_FAILED', 'Idempotency-Key must be 1-255 visible ASCII characters');
  }
  return key;
}

/** Whose keys these are: a key is scoped to the merchant (or the operator) that sent it. */
export function principalIdOf(req: Request): string {
  const p = principalOf(req);
  return p.kind === 'operator' ? 'operator' : p.merchantId;
}

/**
 * Honours `Idempotency-Key` on create requests: the same key and body answer the first result again and do
 * nothing twice. Answers of 5xx are not kept, so a retry after our failure runs again.
 */
export function idempotent(db: Db): RequestHandler {
  return async (req, res, next) => {
    const key = idempotencyKeyOf(req);
    if (key === undefined) return next();
    const principal = principalIdOf(req);
    const requestHash = createHash('sha256').update(JSON.stringify(req.body ?? null)).digest('hex');
    const claim = await claimIdempotencyKey(db, { principal, key, method: req.method, path: req.originalUrl, requestHash });
    if (claim.state === 'mismatch') {
      throw new HttpError(422, 'IDEMPOTENCY_KEY_REUSED', 'This Idempotency-Key was used with a different request');
    }
    if (claim.state === 'in_flight') throw new HttpError(409, 'IDEMPOTENCY_KEY_IN_USE', 'A request with this Idempotency-Key is still running');
    if (claim.state === 'replay') {
      res.set('Idempotent-Replayed', 'true').status(claim.statusCode).json(claim.response);
      return;
    }
    const json = res.json.bind(res);
    res.json = (body: unknown) => {
      const done = res.statusCode < 500
        ? completeIdempotencyKey(db, { principal, key, statusCode: res.statusCode, response: body })
        : releaseIdempotencyKey(db, { principal, key });
      done.then(() => json(body), (error: unknown) => next(error));
      return res;
    };
    next();
  };
}
