import { existsSync } from 'node:fs';
import path from 'node:path';
import express, { Router, type RequestHandler } from 'express';
import helmet from 'helmet';

/**
 * The console's page policy: its scripts and styles come from our origin only; it talks to our API only. React
 * Aria positions popovers with style attributes, hence 'unsafe-inline' for styles (never for scripts).
 */
const consoleHeaders = helmet({
  // The page's own requests must carry their Origin (the API refuses a session's write without it): under
  // helmet's default `no-referrer` Chromium sends none on a same-origin fetch. Other sites still get no referrer.
  referrerPolicy: { policy: 'same-origin' },
  contentSecurityPolicy: {
    useDefaults: false,
    directives: {
      defaultSrc: ["'self'"],
      scriptSrc: ["'self'"],
      styleSrc: ["'self'", "'unsafe-inline'"],
      imgSrc: ["'self'", 'data:'],
      connectSrc: ["'self'"],
      objectSrc: ["'none'"],
      frameAncestors: ["'none'"],
      baseUri: ["'self'"],
      formAction: ["'self'"],
    },
  },
});

/** Paths the API owns (and missing assets): never answered with the console's page. */
const apiPrefixes = ['/v1', '/webhooks', '/docs', '/openapi.json', '/healthz', '/readyz', '/metrics', '/assets'];

function ownedByApi(urlPath: string): boolean {
  return apiPrefixes.some((p) => urlPath === p || urlPath.startsWith(`${p}/`));
}

/**
 * The built console (dist/console): its hashed assets cached for a year, and index.html for every other GET a
 * browser makes (the console routes in the page: /orders/ord_123 is the console's, not a 404).
 */
export function consoleRoutes(dir: string): Router {
  const router = Router();
  const index = path.join(dir, 'index.html');
  const page: RequestHandler = (req, res, next) => {
    if ((req.method !== 'GET' && req.method !== 'HEAD') || ownedByApi(req.path) || !req.accepts('html')) return next();
    res.set('Cache-Control', 'no-cache');
    res.sendFile(index);
  };
  router.use(
    '/assets',
    consoleHeaders,
    express.static(path.join(dir, 'assets'), { immutable: true, maxAge: '1y', index: false }),
  );
  router.use(consoleHeaders, page);
  return router;
}

/** Where the built console is: dist/console beside the sources, or console/ beside the compiled code in dist/. */
export function findConsoleDir(): string | null {
  const here = path.dirname(new URL(import.meta.url).pathname);
  const candidates = [path.resolve(here, '../dist/console'), path.resolve(here, '../console')];
  return (
    candidates.find((dir) => existsSync(path.join(dir, 'index.html')) && existsSync(path.join(dir, 'assets'))) ?? null
  );
}
