import express, { type Express, type Router } from 'express';
import type { Client } from '@temporalio/client';
import { pinoHttp } from 'pino-http';
import type { Logger } from 'pino';
import swaggerUi from 'swagger-ui-express';
import type { Db } from '../db/pool.js';
import { authenticate } from './auth.js';
import { errorHandler, unknownRoute } from './errors.js';
import { buildOpenApi } from './openapi.js';
import type { OrderService } from './order-service.js';
import { accountRoutes } from './routes/account.js';
import { healthRoutes } from './routes/health.js';
import { refuseClientVaultIds } from './vault-id-guard.js';
import { orderRoutes } from './routes/orders.js';

export interface AppDeps {
  db: Db;
  temporal: Client;
  namespace: string;
  orders: OrderService;
  logger: Logger;
  operatorKey: string | undefined;
  bodyLimit: string;
  /** Routes that read the raw body (signed webhooks), mounted before the JSON parser and without API keys. */
  rawRoutes?: Router[];
  /** Authenticated routes added by other modules (channels). */
  routes?: Router[];
}

export function createApp(deps: AppDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', true);
  app.use(pinoHttp({ logger: deps.logger, autoLogging: { ignore: (req) => req.url === '/healthz' } }));

  const openapi = buildOpenApi();
  app.get('/openapi.json', (_req, res) => {
    res.json(openapi);
  });
  app.use('/docs', swaggerUi.serve, swaggerUi.setup(openapi as swaggerUi.JsonObject));
  app.use(healthRoutes(deps.db, deps.temporal, deps.namespace));

  // Before the JSON parser: webhooks verify signatures on the raw bytes; imports take large text bodies.
  for (const router of deps.rawRoutes ?? []) app.use(router);

  app.use(express.json({ limit: deps.bodyLimit, strict: true }));
  app.use('/v1', authenticate(deps.db, deps.operatorKey));
  app.use('/v1', refuseClientVaultIds);
  app.use(orderRoutes(deps.db, deps.orders));
  app.use(accountRoutes(deps.db));
  for (const router of deps.routes ?? []) app.use(router);

  app.use(unknownRoute);
  app.use(errorHandler(deps.logger));
  return app;
}
