import type { RequestHandler } from 'express';
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import { countOrdersByStatus, countPendingReviewByReason } from '../db/order-counts.js';
import type { Db } from '../db/pool.js';
import { orderStatuses } from '../domain/order.js';
import { reviewReasonCodes } from '../domain/review-reasons.js';
import { INVALID_ARGUMENT, INVALID_STATE } from '../workflows/messages.js';
import { routeTemplate } from './route-template.js';

/**
 * The API's Prometheus metrics, in a registry of their own (the worker has another: a process running both,
 * like `npm start`, keeps them apart). Served by app/metrics-server.ts on METRICS_PORT, not on the API's port.
 */
export const apiRegistry = new Registry();

const httpRequests = new Counter({
  name: 'dropship_http_requests_total',
  help: 'HTTP requests answered, by method, route template and status code',
  labelNames: ['method', 'route', 'status_code'] as const,
  registers: [apiRegistry],
});
const httpDuration = new Histogram({
  name: 'dropship_http_request_duration_seconds',
  help: 'Time to answer an HTTP request, by method and route template',
  labelNames: ['method', 'route'] as const,
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20],
  registers: [apiRegistry],
});

/** Rate, errors and duration of every request, labelled by route template (never the raw path). */
export const measureRequests: RequestHandler = (req, res, next) => {
  const stop = httpDuration.startTimer();
  res.once('finish', () => {
    const labels = { method: req.method, route: routeTemplate(req) };
    stop(labels);
    httpRequests.inc({ ...labels, status_code: String(res.statusCode) });
  });
  next();
};

const ordersCreated = new Counter({
  name: 'dropship_orders_created_total',
  help: 'Orders created (workflow started), by sales channel',
  labelNames: ['channel'] as const,
  registers: [apiRegistry],
});
const actions = new Counter({
  name: 'dropship_order_actions_total',
  help: 'Merchant actions sent to orders, by action and result (ok, invalid_state, invalid_argument, timeout, error)',
  labelNames: ['action', 'result'] as const,
  registers: [apiRegistry],
});
const webhookDeliveries = new Counter({
  name: 'dropship_webhook_deliveries_total',
  help: 'Shop webhook deliveries, by shop and outcome (created, updated, ignored, unmapped, duplicate)',
  labelNames: ['shop', 'outcome'] as const,
  registers: [apiRegistry],
});
const walletMovements = new Counter({
  name: 'dropship_wallet_movements_total',
  help: 'Wallet ledger movements written by this process, by kind',
  labelNames: ['kind'] as const,
  registers: [apiRegistry],
});

/** How an action that threw ended, for the actions metric. */
export function actionResult(
  error: unknown,
  timedOut: boolean,
): 'invalid_state' | 'invalid_argument' | 'timeout' | 'error' {
  if (timedOut) return 'timeout';
  const type = (error as { cause?: { type?: unknown } } | null)?.cause?.type;
  if (type === INVALID_STATE || /already completed|not found/i.test(String((error as Error | null)?.message)))
    return 'invalid_state';
  if (type === INVALID_ARGUMENT) return 'invalid_argument';
  return 'error';
}

/** What the API's modules count; one object so a caller needs no prom-client. */
export const apiMetrics = {
  orderCreated: (channel: string): void => void ordersCreated.inc({ channel }),
  action: (action: string, result: 'ok' | 'invalid_state' | 'invalid_argument' | 'timeout' | 'error'): void =>
    void actions.inc({ action, result }),
  webhookDelivery: (shop: string, outcome: string): void => void webhookDeliveries.inc({ shop, outcome }),
  walletMovement: (kind: string): void => void walletMovements.inc({ kind }),
};

/**
 * Orders by status and pending review by reason, read from the listing projection when Prometheus scrapes, at
 * most once per `cacheMs` whatever the number of scrapers (two GROUP BYs over an indexed table). Every known
 * status and reason is reported, zeros included, so a series does not vanish when its last order moves on.
 */
export function registerOrderGauges(db: Db, opts: { cacheMs?: number } = {}): void {
  if (apiRegistry.getSingleMetric('dropship_orders')) return;
  const cacheMs = opts.cacheMs ?? 15_000;
  let cached: { at: number; value: Promise<{ statuses: Map<string, number>; reasons: Map<string, number> }> } | null =
    null;
  const read = (): Promise<{ statuses: Map<string, number>; reasons: Map<string, number> }> => {
    if (!cached || Date.now() - cached.at > cacheMs) {
      const value = Promise.all([countOrdersByStatus(db), countPendingReviewByReason(db)]).then(
        ([statuses, reasons]) => ({ statuses, reasons }),
      );
      cached = { at: Date.now(), value };
      // A failed read is not kept: the next scrape tries again.
      value.catch(() => {
        cached = null;
      });
    }
    return cached.value;
  };
  new Gauge({
    name: 'dropship_orders',
    help: 'Orders by current status (listing projection)',
    labelNames: ['status'] as const,
    registers: [apiRegistry],
    async collect() {
      const { statuses } = await read();
      for (const status of orderStatuses) this.set({ status }, statuses.get(status) ?? 0);
    },
  });
  new Gauge({
    name: 'dropship_orders_pending_review',
    help: 'Orders in PENDING_REVIEW by review reason (an order with several reasons counts under each)',
    labelNames: ['reason'] as const,
    registers: [apiRegistry],
    async collect() {
      const { reasons } = await read();
      for (const reason of reviewReasonCodes) this.set({ reason }, reasons.get(reason) ?? 0);
    },
  });
}
