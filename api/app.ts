import express, { type Express, type Router } from 'express';
import { pinoHttp } from 'pino-http';
import type { Logger } from 'pino';
import swaggerUi from 'swagger-ui-express';
import type { Db } from '../db/pool.js';
import { authenticate } from './auth.js';
import { errorHandler, unknownRoute } from './errors.js';
import { IDEMPOTENCY_TTL_SETTING } from './idempotency.js';
import { traceRequests } from './tracing.js';
import { measureRequests } from './metrics.js';
import { rejectUnsafeBody, rejectUnsafeQuery } from './hygiene.js';
import { captureOrderIds, orderLogProps } from './log-context.js';
import { pathIdChecks } from './path-ids.js';
import { rateLimits, type RateLimits } from './rate-limit.js';
import { corsPolicy, securityHeaders } from './security-headers.js';
import { refuseClientVaultIds } from './vault-id-guard.js';
import { enforceRoles } from './roles.js';
import { sameOriginForSessions } from './same-origin.js';
import type { SessionLifetime } from '../db/sessions.js';
import { consoleRoutes } from './console.js';

export interface AppDeps {
  db: Db;
  logger: Logger;
  operatorKey: string | undefined;
  bodyLimit: string;
  /** The document served at /openapi.json and /docs (api/openapi.ts). */
  openapi: object;
  /**
   * Routes reached without an API key (health probes, PayPal sending the merchant's browser back), mounted before
   * authentication.
   */
  publicRoutes?: Router[];
  /** Routes that read the raw body (signed webhooks, imports), mounted before the JSON parser. */
  rawRoutes?: Router[];
  /** Authenticated routes with JSON bodies (orders, merchants, channels, the wallet…). */
  routes: Router[];
  rateLimits: RateLimits;
  /** Origins allowed to call from a browser; CORS is closed when empty. */
  corsOrigins: readonly string[];
  /** How long an Idempotency-Key's answer is replayed (IDEMPOTENCY_TTL); api/idempotency.ts reads it. */
  idempotencyTtlMs?: number;
  /** Console sessions' lifetimes (SESSION_IDLE_TIMEOUT, SESSION_MAX_AGE): api/auth.ts keeps them. */
  sessions: SessionLifetime;
  /** PUBLIC_BASE_URL: one more origin of this API (behind a proxy), for the same-origin check of sessions. */
  publicBaseUrl: string | undefined;
  /** The built console (dist/console), served at `/`; none: the API answers alone. */
  consoleDir?: string | null;
}

export function createApp(deps: AppDeps): Express {
  const app = express();
  // First, so every request is measured and traced, refusals included.
  app.use(traceRequests, measureRequests);
  app.disable('x-powered-by');
  // Forwarded addresses are believed only from proxies on this host or a private network: a client on the
  // internet must not choose the IP its failed logins are counted against.
  app.set('trust proxy', 'loopback, linklocal, uniquelocal');
  if (deps.idempotencyTtlMs !== undefined) app.set(IDEMPOTENCY_TTL_SETTING, deps.idempotencyTtlMs);
  app.use(securityHeaders);
  app.use(corsPolicy(deps.corsOrigins));
  app.use(
    pinoHttp({
      logger: deps.logger,
      customProps: orderLogProps,
      autoLogging: { ignore: (req) => req.url === '/healthz' || req.url === '/readyz' },
    }),
  );
  app.use(captureOrderIds);
  // Boundary hygiene before any handler or query: query strings, then ids in paths.
  app.use(rejectUnsafeQuery);
  app.use(pathIdChecks());

  app.get('/openapi.json', (_req, res) => {
    res.json(deps.openapi);
  });
  app.use('/docs', swaggerUi.serve, swaggerUi.setup(deps.openapi as swaggerUi.JsonObject));

  const limits = rateLimits(deps.db, deps.rateLimits);
  const { publicBaseUrl } = deps;
  for (const router of deps.publicRoutes ?? []) app.use(router);
  app.use('/webhooks/:shop/:connectionId', limits.perWebhookConnection);
  // Authentication needs no body: it runs before any body is read (so no upload is parsed for an unknown key).
  // A signed-in browser's writes must then be same-origin JSON, and staff reach only orders and channels.
  app.use(
    '/v1',
    limits.guardAuthentication(authenticate(deps.db, deps.operatorKey, deps.sessions)),
    limits.perKey,
    sameOriginForSessions({ publicBaseUrl }),
    enforceRoles,
  );

  // Before the JSON parser: webhooks verify signatures on the raw bytes; imports take large text bodies.
  for (const router of deps.rawRoutes ?? []) app.use(router);

  app.use(express.json({ limit: deps.bodyLimit, strict: true }));
  app.use(rejectUnsafeBody);
  app.use('/v1', refuseClientVaultIds);
  for (const router of deps.routes) app.use(router);
  if (deps.consoleDir) app.use(consoleRoutes(deps.consoleDir));

  app.use(unknownRoute);
  app.use(errorHandler(deps.logger));
  return app;
}
