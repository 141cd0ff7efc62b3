import express, { type Request, type RequestHandler, type Response } from 'express';
import { z } from 'zod';
import type { ShopContext } from './context.js';
import { injectFaults } from '../shared/fault-injection.js';
import type { ApiRoute } from './faults.js';
import { fulfillmentJson, fulfillmentOrderJson, syncFulfillmentState } from './representations.js';
import type { ShopOrder, SimFulfillmentOrder, SimFulfillmentOrderLine } from './state.js';

/**
 * The slice of Shopify's Admin REST API the platform uses, under /admin/api/{version}: read an order, its
 * fulfilments and fulfilment orders, create a fulfilment, cancel an order. Errors are worded as Shopify words
 * them: {"errors": …} for most, {"error": …} for the cancel refusals.
 */

const invalidToken = '[API] Invalid API key or access token (unrecognized login or wrong password)';

const NumericId = z.union([z.number().int().positive(), z.string().regex(/^\d+$/).transform(Number)]);

const FulfillmentCreate = z.object({
  fulfillment: z.object({
    line_items_by_fulfillment_order: z
      .array(
        z.object({
          fulfillment_order_id: NumericId,
          fulfillment_order_line_items: z
            .array(z.object({ id: NumericId, quantity: z.number().int().min(1) }))
            .nullish(),
        }),
      )
      .min(1),
    tracking_info: z
      .object({ number: z.string().nullish(), company: z.string().nullish(), url: z.string().nullish() })
      .nullish(),
    notify_customer: z.boolean().nullish(),
    message: z.string().nullish(),
  }),
});

const cancelReasons = ['customer', 'declined', 'fraud', 'inventory', 'other', 'staff'] as const;
const CancelBody = z.looseObject({
  reason: z.string().optional(),
  email: z.boolean().optional(),
});

export function createAdminApiRouter(ctx: ShopContext): express.Router {
  const router = express.Router({ mergeParams: true });
  router.use(checkVersion, requireToken(ctx), callLimitHeaders(ctx), express.json({ limit: '1mb' }));

  router.get('/orders/:id.json', applyFault(ctx, 'read'), (req, res) => {
    const order = findOrder(ctx, req, res);
    if (order) res.json({ order: order.json });
  });

  router.get('/orders/:id/fulfillments.json', applyFault(ctx, 'read'), (req, res) => {
    const order = findOrder(ctx, req, res);
    if (order) res.json({ fulfillments: order.fulfillments.map((f) => fulfillmentJson(order, f)) });
  });

  router.get('/orders/:id/fulfillment_orders.json', applyFault(ctx, 'read'), (req, res) => {
    const order = findOrder(ctx, req, res);
    if (order) res.json({ fulfillment_orders: order.fulfillmentOrders.map((fo) => fulfillmentOrderJson(order, fo)) });
  });

  router.post('/fulfillments.json', applyFault(ctx, 'fulfillment'), (req, res) => {
    const parsed = FulfillmentCreate.safeParse(req.body);
    if (!parsed.success)
      return void res.status(400).json({ errors: { fulfillment: 'Required parameter missing or invalid' } });
    const { fulfillment } = parsed.data;

    let order: ShopOrder | undefined;
    const requests: { fulfillmentOrder: SimFulfillmentOrder; lines: Map<SimFulfillmentOrderLine, number> }[] = [];
    for (const entry of fulfillment.line_items_by_fulfillment_order) {
      const found = ctx.state.fulfillmentOrder(entry.fulfillment_order_id);
      if (!found) return void res.status(404).json({ errors: 'Not Found' });
      if (order && order !== found.order)
        return void unprocessable(res, 'All fulfillment orders must belong to the same order.');
      order = found.order;
      const fo = found.fulfillmentOrder;
      if (fo.status !== 'open' && fo.status !== 'in_progress') {
        return void unprocessable(res, `Fulfillment order ${fo.id} has an unfulfillable status= ${fo.status}.`);
      }
      const lines = new Map<SimFulfillmentOrderLine, number>();
      for (const wanted of entry.fulfillment_order_line_items ?? []) {
        const line = fo.lines.find((l) => l.id === wanted.id);
        const quantity = line ? (lines.get(line) ?? 0) + wanted.quantity : Infinity;
        if (!line || quantity > line.remaining)
          return void unprocessable(res, 'Invalid fulfillment order line item quantity requested.');
        lines.set(line, quantity);
      }
      requests.push({ fulfillmentOrder: fo, lines });
    }
    if (!order) return void res.status(404).json({ errors: 'Not Found' });

    const tracking = fulfillment.tracking_info;
    const created = ctx.state.addFulfillment(
      order,
      requests,
      { number: nonEmpty(tracking?.number), company: nonEmpty(tracking?.company), url: nonEmpty(tracking?.url) },
      fulfillment.notify_customer ?? false,
      ctx.now(),
    );
    syncFulfillmentState(order, ctx.now());
    res.status(201).json({ fulfillment: fulfillmentJson(order, created) });
  });

  router.post('/orders/:id/cancel.json', applyFault(ctx, 'cancel'), (req, res) => {
    const order = findOrder(ctx, req, res);
    if (!order) return;
    const body = CancelBody.safeParse(req.body ?? {});
    if (!body.success) return void res.status(400).json({ errors: { order: 'Required parameter missing or invalid' } });
    const reason = body.data.reason ?? 'other';
    if (!(cancelReasons as readonly string[]).includes(reason))
      return void res.status(422).json({ errors: { reason: ['is not included in the list'] } });
    if (order.json['cancelled_at']) return void res.status(422).json({ error: 'Order has already been cancelled' });
    if (order.fulfillments.length > 0)
      return void res.status(422).json({ error: 'Cannot cancel an order that has fulfillments' });
    ctx.state.cancelOrder(order, reason, ctx.now(), true);
    res.json({ order: order.json });
  });

  router.use((_req, res) => {
    res.status(404).json({ errors: 'Not Found' });
  });
  return router;
}

const checkVersion: RequestHandler = (req, res, next) => {
  const version = String(req.params['version'] ?? '');
  if (!/^(\d{4}-\d{2}|unstable)$/.test(version)) return void res.status(404).json({ errors: 'Not Found' });
  next();
};

function requireToken(ctx: ShopContext): RequestHandler {
  return (req, res, next) => {
    if (req.get('x-shopify-access-token') !== ctx.config.accessToken)
      return void res.status(401).json({ errors: invalidToken });
    next();
  };
}

/** Shopify reports the leaky bucket on every answer; the simulator never fills it unless a fault says so. */
function callLimitHeaders(ctx: ShopContext): RequestHandler {
  return (req, res, next) => {
    res.set('X-Shopify-Shop-Api-Call-Limit', '1/40');
    res.set('X-Shopify-API-Version', String(req.params['version'] ?? ctx.config.apiVersion));
    next();
  };
}

function applyFault(ctx: ShopContext, route: ApiRoute): RequestHandler {
  return injectFaults(ctx.faults, route, (fault, res) => {
    switch (fault.kind) {
      case 'http_429':
        res.status(429).set('Retry-After', fault.retryAfterSeconds.toFixed(1)).json({
          errors: 'Exceeded 2 calls per second for api client. Reduce request rates to resume uninterrupted service.',
        });
        return;
      case 'http_500':
        res.status(500).json({ errors: 'Internal Server Error' });
        return;
    }
  });
}

function findOrder(ctx: ShopContext, req: Request, res: Response): ShopOrder | undefined {
  const order = ctx.state.order(String(req.params['id']));
  if (!order) res.status(404).json({ errors: 'Not Found' });
  return order;
}

function unprocessable(res: Response, message: string): void {
  res.status(422).json({ errors: [message] });
}

function nonEmpty(value: string | null | undefined): string | null {
  const trimmed = value?.trim();
  return trimmed ? trimmed : null;
}
