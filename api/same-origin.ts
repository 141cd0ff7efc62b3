import type { Request, RequestHandler } from 'express';
import { HttpError } from './errors.js';

/**
 * Cross-site request forgery defence for cookie sessions. A browser attaches the session cookie by itself, so a
 * state-changing request authenticated by a session is accepted only when (1) its `Origin` is this API's own
 * origin — or, when a browser sent none or withheld it (`Origin: null` under `Referrer-Policy: no-referrer`), its
 * `Sec-Fetch-Site` says `same-origin` (both headers are set by the browser, never by a page's script; Chromium
 * started with `--disable-web-security` omits Origin but still sends Sec-Fetch-Site) — and (2) it carries a JSON body, a content type no cross-site HTML form can send. API keys are
 * sent explicitly by their holder, so requests authenticated by a key are not concerned.
 */

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export interface RequestFacts {
  method: string;
  /** The Origin header, if any. */
  origin: string | undefined;
  /** The Sec-Fetch-Site header (fetch metadata), if any. */
  fetchSite?: string | undefined;
  /** The Content-Type header, if any. */
  contentType: string | undefined;
  /** Whether the request has a body (Content-Length > 0 or chunked). */
  hasBody: boolean;
  /** Origins this API is reached at: the request's own (scheme and Host) and PUBLIC_BASE_URL's. */
  ownOrigins: readonly string[];
  /** Signing in and setting up (no session yet): scripts send no Origin; a browser's must still be ours. */
  originOptional?: boolean;
}

function isJson(contentType: string | undefined): boolean {
  return /^application\/json\s*(;|$)/i.test(contentType ?? '');
}

/** Why a session's request must be refused, or null when it may go on. Pure, for unit tests. */
export function crossOriginProblem(r: RequestFacts): string | null {
  if (SAFE_METHODS.has(r.method.toUpperCase())) return null;
  // "null" is an origin withheld (a page under Referrer-Policy: no-referrer, a sandboxed frame): not ours as such.
  const withheld = r.origin?.trim().toLowerCase() === 'null';
  if (r.origin && !withheld) {
    if (!r.ownOrigins.includes(r.origin.toLowerCase()))
      return `requests from ${r.origin} may not act with this site's session`;
  } else if (r.fetchSite !== undefined) {
    if (r.fetchSite.toLowerCase() !== 'same-origin')
      return `a ${r.fetchSite} request may not act with this site's session`;
  } else if (withheld || !r.originOptional) {
    return 'a signed-in browser request that changes something must send an Origin header';
  }
  // DELETE has nothing to say; everything else speaks JSON. An empty DELETE is as safe as a GET with an Origin.
  if (r.method.toUpperCase() === 'DELETE' && !r.hasBody && !r.contentType) return null;
  if (!isJson(r.contentType)) return 'a signed-in browser request that changes something must send a JSON body';
  return null;
}

/** Lower-case scheme://host[:port] of a URL, or null. */
export function originOf(url: string | undefined): string | null {
  if (!url) return null;
  try {
    return new URL(url).origin.toLowerCase();
  } catch {
    return null;
  }
}

function hasBody(req: Request): boolean {
  const length = req.get('content-length');
  return (length !== undefined && length !== '0') || req.get('transfer-encoding') !== undefined;
}

/** The request's own origin and the configured public one (a proxy may rewrite Host). */
export function ownOriginsOf(req: Request, publicBaseUrl: string | undefined): string[] {
  return [`${req.protocol}://${req.get('host') ?? ''}`.toLowerCase(), originOf(publicBaseUrl)].filter(
    (o): o is string => o !== null,
  );
}

/**
 * Refuses (403 CROSS_ORIGIN) a session's state-changing request that is not same-origin JSON. `signingIn`: the
 * routes that create a session (sign-in, set-up) check every request the same way, except that a script's request
 * without an Origin is accepted (a forged sign-in would plant the attacker's session in the victim's browser).
 */
export function sameOriginForSessions(opts: {
  publicBaseUrl: string | undefined;
  signingIn?: boolean;
}): RequestHandler {
  return (req, _res, next) => {
    if (!opts.signingIn && !req.principal?.user) return next();
    const problem = crossOriginProblem({
      method: req.method,
      origin: req.get('origin'),
      fetchSite: req.get('sec-fetch-site'),
      contentType: req.get('content-type'),
      hasBody: hasBody(req),
      ownOrigins: ownOriginsOf(req, opts.publicBaseUrl),
      originOptional: opts.signingIn === true,
    });
    if (problem) throw new HttpError(403, 'CROSS_ORIGIN', problem);
    next();
  };
}
