import { createHash } from 'node:crypto';
import type { RequestHandler } from 'express';
import { RateLimiterPostgres, RateLimiterRes } from 'rate-limiter-flexible';
import type { Db } from '../db/pool.js';
import { HttpError } from './errors.js';

/**
 * Rate limits, counted in PostgreSQL (table `rate_limits`, db/migrations) so that every API replica shares the
 * same counts. Three budgets: requests per API key, failed authentications per client IP (brute force), and
 * webhook deliveries per shop connection. A limit of 0 turns that budget off.
 */
export interface Limit {
  points: number;
  windowMs: number;
}

export interface RateLimits {
  perKey: Limit;
  authFailuresPerIp: Limit;
  webhooksPerConnection: Limit;
}

function limiter(db: Db, prefix: string, limit: Limit): RateLimiterPostgres | null {
  if (limit.points <= 0) return null;
  return new RateLimiterPostgres({
    storeClient: db,
    storeType: 'pool',
    tableName: 'rate_limits',
    tableCreated: true,
    keyPrefix: prefix,
    points: limit.points,
    duration: Math.max(1, Math.ceil(limit.windowMs / 1000)),
  });
}

function tooMany(res: RateLimiterRes, what: string): HttpError {
  const seconds = Math.max(1, Math.ceil(res.msBeforeNext / 1000));
  return new HttpError(429, 'RATE_LIMITED', `Too many ${what}; try again in ${seconds} s`, undefined, seconds);
}

/** Consumes one point; a budget exhausted is a 429, a store failure propagates (an outage: 503). */
async function consume(l: RateLimiterPostgres, key: string, what: string): Promise<void> {
  try {
    await l.consume(key);
  } catch (error) {
    if (error instanceof RateLimiterRes) throw tooMany(error, what);
    throw error;
  }
}

/** The caller's key, never stored as such: its hash names the budget when the principal carries no key id. */
function bearerHash(header: string | undefined): string | null {
  const key = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '')?.[1];
  return key ? createHash('sha256').update(key).digest('base64url').slice(0, 32) : null;
}

export function rateLimits(
  db: Db,
  limits: RateLimits,
): {
  guardAuthentication(authenticate: RequestHandler): RequestHandler;
  perKey: RequestHandler;
  perWebhookConnection: RequestHandler;
} {
  const keys = limiter(db, 'key', limits.perKey);
  const failures = limiter(db, 'authfail', limits.authFailuresPerIp);
  const webhooks = limiter(db, 'webhook', limits.webhooksPerConnection);
  return {
    /**
     * Wraps authentication: an IP over its budget of failed attempts is refused before any key lookup, and every
     * 401 the authentication answers costs that IP a point.
     */
    guardAuthentication(authenticate) {
      if (!failures) return authenticate;
      return async (req, res, next) => {
        const ip = req.ip ?? req.socket.remoteAddress ?? 'unknown';
        const seen = await failures.get(ip);
        if (seen && seen.consumedPoints >= limits.authFailuresPerIp.points)
          throw tooMany(seen, 'failed authentications from this address');
        try {
          await authenticate(req, res, next);
        } catch (error) {
          if ((error as { status?: unknown }).status === 401) await failures.penalty(ip).catch(() => undefined);
          throw error;
        }
      };
    },
    perKey: async (req, _res, next) => {
      if (!keys) return next();
      const principal = req.principal as { keyId?: string } | undefined;
      const key = principal?.keyId ?? bearerHash(req.get('authorization'));
      if (key) await consume(keys, key, 'requests with this API key');
      next();
    },
    perWebhookConnection: async (req, _res, next) => {
      if (!webhooks) return next();
      await consume(webhooks, String(req.params.connectionId), 'webhook deliveries for this connection');
      next();
    },
  };
}
