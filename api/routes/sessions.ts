import { randomBytes } from 'node:crypto';
import express, { Router, type Request } from 'express';
import { z } from 'zod';
import { recordAudit } from '../../db/audit.js';
import type { Db } from '../../db/pool.js';
import { createSession, deleteSession, deleteUserSessions, type SessionLifetime } from '../../db/sessions.js';
import { tokenHash } from '../../db/token-hash.js';
import { completeSetup, findUserByEmail, getUser, recordSignIn, type UserView } from '../../db/users.js';
import { principalOf } from '../auth.js';
import { HttpError } from '../errors.js';
import { rejectUnsafeBody } from '../hygiene.js';
import { checkPassword, hashPassword } from '../passwords.js';
import type { SignInLimits } from '../rate-limit.js';
import { sameOriginForSessions } from '../same-origin.js';
import { clearSessionCookie, newSessionToken, setSessionCookie } from '../session-cookie.js';
import { CompleteSetup, Me, SignedIn, SignIn } from '../user-schemas.js';
import { parseBody } from '../validation.js';
import type { Spec } from '../openapi-spec.js';

const signedOut = z.null().meta({ description: 'No content; the session cookie is cleared' });

export const sessionSpecs: Spec[] = [
  {
    method: 'post',
    path: '/v1/sessions',
    summary:
      'Sign in with e-mail and password: sets the `__Host-session` cookie (HttpOnly, Secure, SameSite=Lax). A wrong password and an unknown e-mail answer the same 401 `INVALID_CREDENTIALS`; failures are limited per account and per address (429)',
    body: SignIn,
    ok: [201, SignedIn, 'Signed in; the cookie is set'],
    errors: [400, 401, 403, 422, 429],
    auth: false,
  },
  {
    method: 'post',
    path: '/v1/setup',
    summary:
      'Complete a one-time set-up link (new owner, invited user, new link): sets the password and signs in. 400 `SETUP_LINK_INVALID` when unknown, used or expired',
    body: CompleteSetup,
    ok: [201, SignedIn, 'Password set and signed in; the cookie is set'],
    errors: [400, 403, 422, 429],
    auth: false,
  },
  {
    method: 'get',
    path: '/v1/me',
    summary: 'Who is calling: the signed-in person and its merchant, or what an API key stands for',
    ok: [200, Me, 'The principal'],
    errors: [401],
  },
  {
    method: 'delete',
    path: '/v1/sessions/current',
    summary: 'Sign this browser out (a session only: an API key is revoked instead)',
    ok: [204, signedOut, 'Signed out'],
    errors: [401, 403],
  },
  {
    method: 'delete',
    path: '/v1/sessions',
    summary: 'Sign out everywhere: every session of the signed-in person ends',
    ok: [204, signedOut, 'Signed out everywhere'],
    errors: [401, 403],
  },
];

export interface SessionRouteOptions {
  lifetime: SessionLifetime;
  limits: SignInLimits;
  publicBaseUrl: string | undefined;
}

const clientIp = (req: Request): string => req.ip ?? req.socket.remoteAddress ?? 'unknown';

/**
 * Signing in and completing a set-up link: the two routes reached without a principal (mounted before
 * authentication, with their own small JSON parser). Both answer the user and set the session cookie.
 */
export function signInRoutes(db: Db, opts: SessionRouteOptions): Router {
  const router = Router();
  const start = async (res: express.Response, user: UserView): Promise<void> => {
    const token = newSessionToken();
    await createSession(db, { userId: user.id, tokenHash: tokenHash(token), lifetime: opts.lifetime });
    setSessionCookie(res, token, opts.lifetime.maxAgeMs);
  };
  const body = [
    sameOriginForSessions({ publicBaseUrl: opts.publicBaseUrl, signingIn: true }),
    express.json({ limit: '16kb', strict: true }),
    rejectUnsafeBody,
  ];

  router.post('/v1/sessions', ...body, async (req, res) => {
    const { email, password } = parseBody(SignIn, req);
    const ip = clientIp(req);
    await opts.limits.check(ip, email);
    const found = await findUserByEmail(db, email);
    // An unknown e-mail is checked against a dummy hash: same answer, comparable time.
    if (!(await checkPassword(found?.passwordHash ?? null, password)) || !found) {
      await opts.limits.failed(ip, email);
      throw new HttpError(401, 'INVALID_CREDENTIALS', 'Wrong e-mail or password');
    }
    await opts.limits.succeeded(email);
    await start(res, found.user);
    await recordSignIn(db, found.user.id);
    res.status(201).json({ user: { ...found.user, lastSignInAt: new Date().toISOString() } });
  });

  router.post('/v1/setup', ...body, async (req, res) => {
    const input = parseBody(CompleteSetup, req);
    const ip = clientIp(req);
    await opts.limits.check(ip);
    const done = await completeSetup(db, tokenHash(input.token), await hashPassword(input.password), input.name);
    if (!done) {
      await opts.limits.failed(ip);
      throw new HttpError(
        400,
        'SETUP_LINK_INVALID',
        'This set-up link is unknown, already used or expired: ask for a new one',
      );
    }
    await recordAudit(db, {
      actor: { name: done.user.email, keyId: done.user.id },
      action: 'user.setup',
      merchantId: done.user.merchantId,
      target: done.user.id,
      details: { email: done.user.email, role: done.user.role },
      key: `user.setup:${done.user.id}:${randomBytes(8).toString('hex')}`,
    });
    await start(res, done.user);
    await recordSignIn(db, done.user.id);
    res.status(201).json({ user: { ...done.user, lastSignInAt: new Date().toISOString() } });
  });

  return router;
}

/** Who is calling, and signing out (this browser, or everywhere). */
export function sessionRoutes(db: Db): Router {
  const router = Router();

  router.get('/v1/me', async (req, res) => {
    const p = principalOf(req);
    const user = p.user ? await getUser(db, p.user.id) : null;
    res.json({
      user,
      merchant: p.kind === 'merchant' ? { id: p.merchantId, name: p.name } : null,
      principal: {
        via: p.user ? 'session' : 'api_key',
        role: p.user?.role ?? (p.kind === 'operator' ? 'operator' : 'owner'),
        root: p.kind === 'operator' && p.root,
        name: p.kind === 'operator' ? p.operator : p.name,
        keyId: p.user ? null : p.keyId,
      },
    });
  });

  const signedIn = (req: Request) => {
    const { user } = principalOf(req);
    if (!user)
      throw new HttpError(403, 'SESSION_REQUIRED', 'Only a signed-in browser signs out; an API key is revoked');
    return user;
  };

  router.delete('/v1/sessions/current', async (req, res) => {
    await deleteSession(db, signedIn(req).sessionHash);
    clearSessionCookie(res);
    res.status(204).end();
  });

  router.delete('/v1/sessions', async (req, res) => {
    await deleteUserSessions(db, signedIn(req).id);
    clearSessionCookie(res);
    res.status(204).end();
  });

  return router;
}
