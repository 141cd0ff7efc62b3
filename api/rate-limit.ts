import { createHash } from 'node:crypto';
import type { RequestHandler } from 'express';
import { RateLimiterPostgres, RateLimiterRes } from 'rate-limiter-flexible';
import type { Db } from '../db/pool.js';
import { HttpError } from './errors.js';

/**
 * Rate limits, counted in PostgreSQL (table `rate_limits`, db/migrations) so that every API replica shares the
 * same counts. Four budgets: requests per API key (or signed-in user), failed authentications per client IP (brute
 * force: wrong keys and wrong passwords alike), failed sign-ins per account, and webhook deliveries per shop
 * connection. A limit of 0 turns that budget off.
 */
export interface Limit {
  points: number;
  windowMs: number;
}

export interface RateLimits {
  perKey: Limit;
  authFailuresPerIp: Limit;
  /** Wrong passwords per e-mail address, whether or not an account has it (so the limit tells nothing). */
  signInFailuresPerAccount: Limit;
  webhooksPerConnection: Limit;
}

/** Failed sign-ins: checked before a password is verified, counted after a wrong one. */
export interface SignInLimits {
  /** 429 when the client's address or the e-mail (when there is one) is over its budget of failures. */
  check(ip: string, email?: string): Promise<void>;
  failed(ip: string, email?: string): Promise<void>;
  /** A right password clears the account's count (not the address's). */
  succeeded(email: string): Promise<void>;
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

/** A budget over its points answers 429 before any work is done. */
async function refuseIfSpent(l: RateLimiterPostgres | null, key: string, points: number, what: string): Promise<void> {
  const seen = l ? await l.get(key) : null;
  if (seen && seen.consumedPoints >= points) throw tooMany(seen, what);
}

/** An e-mail address as a budget's key: case-insensitive, and not kept in clear in the counters' table. */
function accountKey(email: string): string {
  return createHash('sha256').update(email.trim().toLowerCase()).digest('base64url').slice(0, 32);
}

const IP_FAILURES = 'failed authentications from this address';

/**
 * The sign-in routes' budgets: the same counters as the rest of the API (the per-address one is shared with wrong
 * API keys), kept in the same table, so a second limiter object on them counts the same.
 */
export function signInLimits(db: Db, limits: RateLimits): SignInLimits {
  const failures = limiter(db, 'authfail', limits.authFailuresPerIp);
  const accounts = limiter(db, 'signin', limits.signInFailuresPerAccount);
  return {
    async check(ip, email) {
      await refuseIfSpent(failures, ip, limits.authFailuresPerIp.points, IP_FAILURES);
      if (email !== undefined)
        await refuseIfSpent(
          accounts,
          accountKey(email),
          limits.signInFailuresPerAccount.points,
          'failed sign-ins for this account',
        );
    },
    async failed(ip, email) {
      await Promise.all([failures?.penalty(ip), email === undefined ? null : accounts?.penalty(accountKey(email))]);
    },
    async succeeded(email) {
      await accounts?.delete(accountKey(email));
    },
  };
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
     * wrong API key costs that IP a point. A request with no credential at all (a signed-out console asking who
     * it is) or with an ended session guesses nothing: it is answered 401 without a cost.
     */
    guardAuthentication(authenticate) {
      if (!failures) return authenticate;
      return async (req, res, next) => {
        const ip = req.ip ?? req.socket.remoteAddress ?? 'unknown';
        await refuseIfSpent(failures, ip, limits.authFailuresPerIp.points, IP_FAILURES);
        try {
          await authenticate(req, res, next);
        } catch (error) {
          if ((error as { status?: unknown }).status === 401 && req.get('authorization') !== undefined)
            await failures.penalty(ip).catch(() => undefined);
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
