import express, { type ErrorRequestHandler } from 'express';
import { listen, type Listening } from '../shared/listen.js';
import { createAdminRouter } from './admin.js';
import { seededCatalog, type SimProduct } from './catalog.js';
import { shipDueOrders, type SimContext } from './context.js';
import { createFaultQueue, routeNames, type RouteName } from './faults.js';
import { createRestRouter } from './routes.js';
import { SimState } from './state.js';
import { sendPlainError } from './wire.js';

export { SupplierSimulatorAdmin } from './admin-client.js';
export { seededCatalog, type SimProduct } from './catalog.js';
export type { FaultRequest, RouteName } from './faults.js';
export type { SimOrder, SimTracking } from './state.js';

export interface SupplierSimulatorOptions {
  /** Bearer token every /rest call must carry. */
  apiKey: string;
  /** Load state from this JSON file at start and rewrite it after each mutation. */
  statePath?: string;
  /** Orders get a tracking number this long after creation; null/undefined: only through the admin route. */
  shipAfterMs?: number | null;
  /** Replaces the seeded catalogue. */
  catalog?: SimProduct[];
  now?: () => number;
  /**
   * VAT applied to products + shipping. Defaults to 0: merchants buy as EU businesses under reverse charge,
   * so BigBuy's `total` equals `totalWithoutTaxes`.
   */
  vatRate?: number;
}

export interface SupplierSimulator {
  app: express.Express;
  listen(port?: number, host?: string): Promise<Listening>;
}

export function createSupplierSimulator(opts: SupplierSimulatorOptions): SupplierSimulator {
  const ctx: SimContext = {
    apiKey: opts.apiKey,
    state: new SimState(opts.catalog ?? seededCatalog, opts.statePath),
    faults: createFaultQueue(),
    counts: Object.fromEntries(routeNames.map((r) => [r, 0])) as Record<RouteName, number>,
    now: opts.now ?? Date.now,
    vatRate: opts.vatRate ?? 0,
    shipAfterMs: opts.shipAfterMs ?? null,
  };

  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.use((_req, _res, next) => {
    shipDueOrders(ctx);
    next();
  });
  app.use('/rest', createRestRouter(ctx));
  app.use('/_admin', createAdminRouter(ctx));
  app.use((req, res) => sendPlainError(res, 404, `No route found for "${req.method} ${req.path}"`));
  app.use(errorHandler);

  return {
    app,
    listen: (port = 0, host = '127.0.0.1') => listen(app, port, host, () => ctx.faults.timers.cancelAll()),
  };
}

/** Malformed bodies and other client mistakes get a 4xx in BigBuy's shape, never a stack trace. */
const errorHandler: ErrorRequestHandler = (err: unknown, _req, res, next) => {
  if (res.headersSent) return next(err);
  const status = typeof err === 'object' && err !== null ? Number((err as { status?: unknown }).status) : NaN;
  const type = typeof err === 'object' && err !== null ? (err as { type?: unknown }).type : undefined;
  if (type === 'entity.parse.failed')
    return sendPlainError(res, 400, 'The request body is not valid JSON (an object is expected)');
  if (status >= 400 && status < 500)
    return sendPlainError(res, status, err instanceof Error ? err.message : 'Bad request');
  console.error('supplier simulator: unexpected error', err);
  sendPlainError(res, 500, 'Internal Server Error');
};
