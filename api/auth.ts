import { createHash, timingSafeEqual } from 'node:crypto';
import type { Request, RequestHandler } from 'express';
import { findActiveKey, touchApiKey } from '../db/api-keys.js';
import type { Db } from '../db/pool.js';
import { tokenHash } from '../db/token-hash.js';
import { findActiveSession, touchSession, type ActiveSession, type SessionLifetime } from '../db/sessions.js';
import type { UserRole } from '../db/users.js';
import type { AuditActor } from '../db/audit.js';
import type { OperatorRef } from '../domain/top-up.js';
import { HttpError } from './errors.js';
import { clearSessionCookie, sessionTokenOf } from './session-cookie.js';

/** The person behind a signed-in browser, and the hash of the session's token (to sign that browser out). */
export interface SignedInUser {
  id: string;
  email: string;
  name: string;
  role: UserRole;
  sessionHash: string;
}

/**
 * Who is calling. Every principal carries the id of the key it used (`keyId`): per-key rate limits and the audit
 * log are keyed on it. Operators carry their name; the root key from the configuration is the operator "root".
 * A signed-in person (`user`) is one more principal: an operator user acts as a named operator under its e-mail,
 * an owner or staff member as its merchant; `keyId` is then the user's id.
 */
export type Principal =
  | { kind: 'operator'; operator: string; keyId: string; root: boolean; user?: SignedInUser }
  | { kind: 'merchant'; merchantId: string; name: string; keyId: string; user?: SignedInUser };

declare module 'express-serve-static-core' {
  interface Request {
    principal?: Principal;
  }
}

export const ROOT_OPERATOR = 'root';

function sameSecret(a: string, b: string): boolean {
  const da = createHash('sha256').update(a).digest();
  const db = createHash('sha256').update(b).digest();
  return timingSafeEqual(da, db);
}

/** How stale `last_used_at` may get before a request writes it again: one write a minute per key at most. */
const TOUCH_EVERY_MS = 60_000;

/** The principal of a signed-in browser. */
export function sessionPrincipal(s: ActiveSession): Principal {
  const { user } = s;
  const signedIn: SignedInUser = {
    id: user.id,
    email: user.email,
    name: user.name,
    role: user.role,
    sessionHash: s.tokenHash,
  };
  return user.role === 'operator'
    ? { kind: 'operator', operator: user.email, keyId: user.id, root: false, user: signedIn }
    : {
        kind: 'merchant',
        merchantId: user.merchantId ?? '',
        name: s.merchantName ?? '',
        keyId: user.id,
        user: signedIn,
      };
}

/**
 * Bearer keys: the root operator key from the environment, or a merchant or named operator key looked up by its
 * hash on every request, so that a revoked key is refused at once. Without an Authorization header, the session
 * cookie of a signed-in browser, looked up the same way (a signed-out or removed user is refused at once).
 */
export function authenticate(db: Db, operatorKey: string | undefined, sessions: SessionLifetime): RequestHandler {
  return async (req, res, next) => {
    const header = req.get('authorization');
    if (header === undefined) {
      const token = sessionTokenOf(req);
      if (!token) throw new HttpError(401, 'UNAUTHORIZED', 'Sign in, or send an API key: Authorization: Bearer <key>');
      const session = await findActiveSession(db, tokenHash(token));
      if (!session) {
        // The browser may forget it: it will not be accepted again.
        clearSessionCookie(res);
        throw new HttpError(401, 'SESSION_ENDED', 'The session has ended (signed out or expired): sign in again');
      }
      // Idle expiry moves forward as the session is used; one write per tenth of the idle timeout (a minute at most).
      if (Date.now() - session.lastSeenAt.getTime() > Math.min(TOUCH_EVERY_MS, sessions.idleMs / 10)) {
        touchSession(db, session.tokenHash, sessions.idleMs).catch(() => undefined);
      }
      req.principal = sessionPrincipal(session);
      return next();
    }
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (!match?.[1]) throw new HttpError(401, 'UNAUTHORIZED', 'Send an API key: Authorization: Bearer <key>');
    const key = match[1];
    if (operatorKey && sameSecret(key, operatorKey)) {
      req.principal = { kind: 'operator', operator: ROOT_OPERATOR, keyId: ROOT_OPERATOR, root: true };
      return next();
    }
    const owner = await findActiveKey(db, key);
    if (!owner) throw new HttpError(401, 'UNAUTHORIZED', 'Unknown or revoked API key');
    if (!owner.lastUsedAt || Date.now() - owner.lastUsedAt.getTime() > TOUCH_EVERY_MS) {
      // Bookkeeping, not part of the answer: a failure here must not fail the request.
      touchApiKey(db, owner.keyId).catch(() => undefined);
    }
    req.principal =
      owner.kind === 'operator'
        ? { kind: 'operator', operator: owner.operatorName ?? '?', keyId: owner.keyId, root: false }
        : { kind: 'merchant', merchantId: owner.merchantId ?? '', name: owner.merchantName ?? '', keyId: owner.keyId };
    next();
  };
}

export function principalOf(req: Request): Principal {
  if (!req.principal) throw new HttpError(401, 'UNAUTHORIZED', 'Not authenticated');
  return req.principal;
}

/** The merchant acting; operator keys read everything but do not act on a merchant's behalf. */
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

/** Any operator key: the root key or a named one. Returns who, for the audit log. */
export function requireOperator(req: Request): OperatorRef {
  const p = principalOf(req);
  if (p.kind !== 'operator') throw new HttpError(403, 'OPERATOR_KEY_REQUIRED', 'This action needs an operator key');
  return { name: p.operator, keyId: p.keyId };
}

/**
 * Money actions (confirming or rejecting a transfer, adjusting a wallet) need a NAMED operator key, so that the
 * audit log always names a person. The root key from the configuration creates those keys but moves no money.
 */
export function namedOperatorOf(req: Request): OperatorRef {
  const p = principalOf(req);
  if (p.kind !== 'operator') throw new HttpError(403, 'OPERATOR_KEY_REQUIRED', 'This action needs an operator key');
  if (p.root) {
    throw new HttpError(
      403,
      'NAMED_OPERATOR_KEY_REQUIRED',
      'Money actions need a named operator key, so that the audit log says who acted: create one with POST /v1/operator-keys (root key)',
    );
  }
  return { name: p.operator, keyId: p.keyId };
}

/** Managing operators' keys is for the root key alone. */
export function requireRoot(req: Request): OperatorRef {
  const p = principalOf(req);
  if (p.kind !== 'operator' || !p.root)
    throw new HttpError(
      403,
      'ROOT_KEY_REQUIRED',
      'Operator keys are managed with the root operator key (OPERATOR_API_KEY)',
    );
  return { name: p.operator, keyId: p.keyId };
}

/**
 * Who acted, as the audit log names it: the signed-in person's e-mail, a named operator's name ("root" for the root
 * key), or the merchant key used; with the user's or the key's id.
 */
export function actorOf(req: Request): AuditActor {
  const p = principalOf(req);
  if (p.user) return { name: p.user.email, keyId: p.user.id };
  return p.kind === 'operator'
    ? { name: p.operator, keyId: p.keyId }
    : { name: `merchant key ${p.keyId}`, keyId: p.keyId };
}
