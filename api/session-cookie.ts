import { randomBytes } from 'node:crypto';
import { parseCookie } from 'cookie';
import type { CookieOptions, Request, Response } from 'express';

/**
 * The session cookie. `__Host-` makes browsers insist on Secure, Path=/ and no Domain, so the cookie belongs to this
 * host alone (no sibling subdomain can set or shadow it); HttpOnly keeps it from scripts; SameSite=Lax keeps it off
 * cross-site subrequests and form posts. Browsers accept Secure cookies from http://localhost and http://127.0.0.1
 * (both are potentially trustworthy origins), so `npm start` works without TLS.
 */
export const SESSION_COOKIE = '__Host-session';

const baseOptions: CookieOptions = { httpOnly: true, secure: true, sameSite: 'lax', path: '/' };

/** 256 random bits: the only copy is the browser's; the database keeps its SHA-256. */
export function newSessionToken(): string {
  return randomBytes(32).toString('base64url');
}

/** The session token the request carries, or null. */
export function sessionTokenOf(req: Request): string | null {
  const header = req.get('cookie');
  if (!header) return null;
  const token = parseCookie(header)[SESSION_COOKIE];
  return token && /^[A-Za-z0-9_-]{20,100}$/.test(token) ? token : null;
}

export function setSessionCookie(res: Response, token: string, maxAgeMs: number): void {
  res.cookie(SESSION_COOKIE, token, { ...baseOptions, maxAge: maxAgeMs });
}

export function clearSessionCookie(res: Response): void {
  res.clearCookie(SESSION_COOKIE, baseOptions);
}
