import { randomBytes } from 'node:crypto';
import express, { type ErrorRequestHandler } from 'express';
import { listen, type Listening } from '../shared/listen.js';
import { createAdminRouter } from './admin.js';
import type { WebhookConfig, WooSimContext } from './context.js';
import { createFaultQueue } from './faults.js';
import { createRestRouter } from './rest-routes.js';
import { WooState } from './state.js';
import { WebhookSender } from './webhooks.js';
import { sendNoRoute, sendWpError } from './wire.js';

export { WooCommerceSimulatorAdmin } from './admin-client.js';
export { fixtureNames, fixturePayload, type FixtureName } from './fixtures/index.js';
export type { FaultRequest } from './faults.js';
export type { Cancellation, Completion, DeliveryRecord, SimNote } from './state.js';
export type { WebhookConfig } from './context.js';

export interface WooCommerceSimulatorOptions {
  /** REST API credentials (WooCommerce → Settings → Advanced → REST API). */
  consumerKey: string;
  consumerSecret: string;
  /** The shop's home URL, sent as X-WC-Webhook-Source and used in `_links`. */
  shopUrl?: string;
  /** Where webhooks go; none are sent until one is set (here or through PUT /_admin/config). */
  webhookUrl?: string;
  /** The webhook secret; WooCommerce generates one when the merchant leaves it blank, and so does this. */
  webhookSecret?: string;
  now?: () => Date;
  /** First order id handed out (default 5001). */
  firstOrderId?: number;
}

export interface WooCommerceSimulator {
  app: express.Express;
  listen(port?: number, host?: string): Promise<Listening>;
}

export function createWooCommerceSimulator(opts: WooCommerceSimulatorOptions): WooCommerceSimulator {
  const state = new WooState(opts.firstOrderId);
  const now = opts.now ?? (() => new Date());
  const config: WebhookConfig = {
    shopUrl: (opts.shopUrl ?? 'https://demo-shop.example/').replace(/\/*$/, '/'),
    deliveryUrl: opts.webhookUrl ?? null,
    secret: opts.webhookSecret ?? randomBytes(24).toString('base64url'),
    webhookId: 12,
  };
  const ctx: WooSimContext = {
    consumerKey: opts.consumerKey,
    consumerSecret: opts.consumerSecret,
    config,
    state,
    faults: createFaultQueue(),
    webhooks: new WebhookSender(() => config, state, now),
    now,
  };

  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.use(createRestRouter(ctx));
  app.use('/_admin', createAdminRouter(ctx));
  app.use((req, res) =>
    req.path.startsWith('/wp-json')
      ? sendNoRoute(res)
      : res.status(404).json({ error: 'not_found', message: `No route ${req.method} ${req.path}` }),
  );
  app.use(errorHandler);

  return {
    app,
    listen: (port = 0, host = '127.0.0.1') =>
      listen(app, port, host, async () => {
        ctx.faults.timers.cancelAll();
        await ctx.webhooks.close();
      }),
  };
}

/** Malformed bodies get a 4xx in the shape of the surface they hit, never a stack trace. */
const errorHandler: ErrorRequestHandler = (err: unknown, req, res, next) => {
  if (res.headersSent) return next(err);
  const status = typeof err === 'object' && err !== null ? Number((err as { status?: unknown }).status) : NaN;
  const type = typeof err === 'object' && err !== null ? (err as { type?: unknown }).type : undefined;
  const wp = req.path.startsWith('/wp-json');
  if (type === 'entity.parse.failed') {
    if (wp) return sendWpError(res, 400, 'rest_invalid_json', 'Invalid JSON body passed.');
    return res.status(400).json({ error: 'invalid_request', message: 'The request body is not valid JSON' });
  }
  if (status >= 400 && status < 500) {
    const message = err instanceof Error ? err.message : 'Bad request';
    if (wp) return sendWpError(res, status, 'rest_invalid_request', message);
    return res.status(status).json({ error: 'invalid_request', message });
  }
  console.error('woocommerce simulator: unexpected error', err);
  if (wp) return sendWpError(res, 500, 'internal_server_error', 'There has been a critical error on this website.');
  res.status(500).json({ error: 'internal', message: 'Internal error' });
};
