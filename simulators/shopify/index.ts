import express, { type ErrorRequestHandler, type Express } from 'express';
import { listen, type Listening } from '../shared/listen.js';
import { createAdminRouter } from './admin.js';
import { createAdminApiRouter } from './admin-api.js';
import type { ShopConfig, ShopContext } from './context.js';
import { createFaultQueue } from './faults.js';
import { ShopState } from './state.js';
import { WebhookSender } from './webhooks.js';

export { ShopifySimulatorAdmin } from './admin-client.js';
export type { FaultRequest } from './faults.js';
export { fixtureNames, shopifyOrderFixture, type FixtureName } from './fixtures/index.js';
export type { Json, JsonObject } from './json.js';
export type { Delivery, DeliverySummary, SignatureMode } from './webhooks.js';

/**
 * A Shopify-shaped shop: the Admin REST endpoints the platform calls (fulfilments, cancel), order webhooks sent
 * out signed as Shopify signs them, and /_admin to play the merchant and the customer. State lives in memory.
 * See admin-api.ts for the API, webhooks.ts for deliveries, admin.ts for the controls.
 */
export interface ShopifySimulatorOptions {
  /** The app's Admin API token the platform must send in X-Shopify-Access-Token. */
  accessToken: string;
  /** Default 'demo-shop.myshopify.com'. */
  shopDomain?: string;
  webhookUrl?: string;
  webhookSecret?: string;
  now?: () => number;
  /** First order id handed out (default Shopify-like 5811234100001). */
  firstOrderId?: number;
}

export interface ShopifySimulator {
  app: Express;
  /** Port 0 picks a free port; the url uses 127.0.0.1 when bound to every interface. */
  listen(port?: number, host?: string): Promise<Listening>;
}

/** Version of the payloads and of the X-Shopify-API-Version header on webhooks. */
const webhookApiVersion = '2024-10';

export function createShopifySimulator(opts: ShopifySimulatorOptions): ShopifySimulator {
  const now = opts.now ?? Date.now;
  const config: ShopConfig = {
    shopDomain: opts.shopDomain ?? 'demo-shop.myshopify.com',
    accessToken: opts.accessToken,
    webhookUrl: opts.webhookUrl ?? null,
    webhookSecret: opts.webhookSecret ?? null,
    apiVersion: webhookApiVersion,
  };
  const ctx: ShopContext = {
    config,
    state: new ShopState(opts.firstOrderId),
    faults: createFaultQueue(),
    webhooks: new WebhookSender(config, now),
    now,
  };

  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.use('/_admin', createAdminRouter(ctx));
  app.use('/admin/api/:version', createAdminApiRouter(ctx));
  app.use((_req, res) => {
    res.status(404).json({ errors: 'Not Found' });
  });
  app.use(errorHandler);

  return {
    app,
    listen: (port = 0, host = '127.0.0.1') => listen(app, port, host, () => ctx.faults.timers.cancelAll()),
  };
}

/** Unreadable bodies are the caller's mistake (4xx in the shape of the surface hit); anything else is a real 500. */
const errorHandler: ErrorRequestHandler = (err: unknown, req, res, next) => {
  if (res.headersSent) return next(err);
  const status = typeof err === 'object' && err !== null ? Number((err as { status?: unknown }).status) : NaN;
  const admin = req.originalUrl.startsWith('/_admin');
  if (status >= 400 && status < 500) {
    const message = err instanceof Error ? err.message : 'Bad request';
    if (admin) return void res.status(status).json({ error: `The request body could not be read: ${message}` });
    return void res.status(status).json({ errors: { base: [message] } });
  }
  console.error('shopify simulator: unexpected error', err);
  res.status(500).json(admin ? { error: 'Internal error in the simulator' } : { errors: 'Internal Server Error' });
};
