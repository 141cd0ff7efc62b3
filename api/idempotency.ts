import { createHash } from 'node:crypto';
import type { Request, RequestHandler } from 'express';
import type { z } from 'zod';
import { claimIdempotencyKey } from '../db/idempotency.js';
import type { Db } from '../db/pool.js';
import { principalOf } from './auth.js';
import { HttpError } from './errors.js';
import { maskSecretFields, SHOWN_ONCE_FIELD } from './secret-fields.js';

/** Express app setting (createApp): how long a stored answer is replayed (IDEMPOTENCY_TTL). */
export const IDEMPOTENCY_TTL_SETTING = 'idempotency ttl ms';
const DEFAULT_TTL_MS = 24 * 60 * 60_000;

/** The request's `Idempotency-Key`, checked (422 when malformed), or undefined when it has none. */
export function idempotencyKeyOf(req: Request): string | undefined {
  const key = req.get('idempotency-key');
  if (key !== undefined && !/^[\x21-\x7e]{1,255}$/.test(key)) {
    throw new HttpError(422, 'VALIDATION_FAILED', 'Idempotency-Key must be 1-255 visible ASCII characters', [
      { path: 'headers.idempotency-key', message: '1-255 visible ASCII characters' },
    ]);
  }
  return key;
}

/** Whose keys these are: a key is scoped to the merchant, or to the operator by name, that sent it. */
export function principalIdOf(req: Request): string {
  const p = principalOf(req);
  return p.kind === 'operator' ? `operator:${p.operator}` : p.merchantId;
}

export interface IdempotentOptions {
  /**
   * The answer's schema, when it holds secrets (fields marked `.meta({ secret: true })`): the answer is stored with
   * them masked and a replay lists them in `secretsShownOnce` (api/secret-fields.ts). No secret is kept in clear.
   */
  answer?: z.ZodType;
}

/**
 * Honours `Idempotency-Key` on create requests: the same key and body answer the first result again and do
 * nothing twice, for IDEMPOTENCY_TTL (24 h); afterwards the key is free again (a schedule purges the records).
 * Answers of 5xx are not kept, so a retry after our failure (or an outage) runs again; the claim is held by a
 * database transaction (db/idempotency.ts), so no failure can leave the key locked.
 */
export function idempotent(db: Db, opts: IdempotentOptions = {}): RequestHandler {
  /** What is kept of an answer: secret fields masked, and the replay told so. */
  const storable = (body: unknown): unknown => {
    if (!opts.answer) return body;
    const { masked, paths } = maskSecretFields(opts.answer, body);
    return paths.length > 0 && masked !== null && typeof masked === 'object'
      ? { ...masked, [SHOWN_ONCE_FIELD]: paths }
      : masked;
  };
  return async (req, res, next) => {
    const key = idempotencyKeyOf(req);
    if (key === undefined) return next();
    const principal = principalIdOf(req);
    const requestHash = createHash('sha256')
      .update(JSON.stringify(req.body ?? null))
      .digest('hex');
    const claim = await claimIdempotencyKey(db, {
      principal,
      key,
      method: req.method,
      path: req.originalUrl,
      requestHash,
      ttlMs: Number(req.app.get(IDEMPOTENCY_TTL_SETTING) ?? DEFAULT_TTL_MS),
    });
    if (claim.state === 'mismatch') {
      throw new HttpError(422, 'IDEMPOTENCY_KEY_REUSED', 'This Idempotency-Key was used with a different request');
    }
    if (claim.state === 'in_flight')
      throw new HttpError(409, 'IDEMPOTENCY_KEY_IN_USE', 'A request with this Idempotency-Key is still running');
    if (claim.state === 'replay') {
      res.set('Idempotent-Replayed', 'true').status(claim.statusCode).json(claim.response);
      return;
    }

    // The answer is stored before it is sent (so a retry racing the answer replays it); a 5xx is forgotten.
    const json = res.json.bind(res);
    let settled = false;
    res.json = (body: unknown) => {
      if (settled) return json(body);
      settled = true;
      res.json = json;
      const done = res.statusCode < 500 ? claim.complete(res.statusCode, storable(body)) : claim.abandon();
      done.then(
        () => json(body),
        // Storing the answer failed (the database went away after the work was done): the answer is still the
        // truth. Without a stored copy a retry runs the create again (orders and top-ups find their first result
        // by business key).
        () => json(body),
      );
      return res;
    };
    // Answers sent without res.json (204, a dropped client) must not keep the claim's connection.
    res.on('close', () => {
      if (!settled) {
        settled = true;
        void claim.abandon().catch(() => undefined);
      }
    });
    next();
  };
}
