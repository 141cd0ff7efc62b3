import { timingSafeEqual } from 'node:crypto';
import express, { type Request, type RequestHandler, type Response } from 'express';
import { z } from 'zod';
import type { JsonObject } from './deep-merge.js';
import type { WooSimContext } from './context.js';
import type { FaultRoute } from './faults.js';
import {
  addNote,
  changeStatus,
  metaValue,
  touch,
  trackingMetaKeys,
  updateMeta,
  wooStatuses,
  type WooStatus,
} from './order-lifecycle.js';
import type { SimNote } from './state.js';
import { sendNoRoute, sendWp, sendWpError } from './wire.js';
import { wooDate } from './woo-dates.js';
import { injectFaults } from '../shared/fault-injection.js';

/** The part of WooCommerce's REST API v3 the platform uses: one order, its status and meta, its notes. */

const OrderUpdate = z.looseObject({
  status: z.string().optional(),
  set_paid: z.boolean().optional(),
  transaction_id: z.string().optional(),
  customer_note: z.string().optional(),
  meta_data: z
    .array(
      z.looseObject({
        id: z.number().int().positive().optional(),
        key: z.string().min(1),
        value: z.unknown().optional(),
      }),
    )
    .optional(),
});

const NoteCreate = z.looseObject({
  note: z.string().trim().min(1),
  customer_note: z.boolean().default(false),
  added_by_user: z.boolean().default(false),
});

const NoteType = z.enum(['any', 'customer', 'internal']).default('any');

export function createRestRouter(ctx: WooSimContext): express.Router {
  const router = express.Router();
  const json = express.json({ limit: '1mb', type: () => true });
  const guard = (route: FaultRoute): RequestHandler[] => [requireConsumerKey(ctx), applyFault(ctx, route)];
  const api = '/wp-json/wc/v3';

  router.get(`${api}/orders/:id`, ...guard('read'), (req, res) => {
    const order = findOrder(ctx, req, res);
    if (order) sendWp(res, 200, order);
  });

  // WordPress routes its "editable" methods alike: POST, PUT and PATCH all update.
  for (const method of ['put', 'post', 'patch'] as const)
    router[method](`${api}/orders/:id`, ...guard('update'), json, updateOrder(ctx));

  router.get(`${api}/orders/:id/notes`, ...guard('notes'), (req, res) => {
    const order = findOrder(ctx, req, res);
    if (!order) return;
    const type = NoteType.safeParse(req.query['type']);
    if (!type.success)
      return sendWpError(res, 400, 'rest_invalid_param', 'Invalid parameter(s): type', {
        params: { type: 'type is not one of any, customer, and internal.' },
      });
    const notes = [...ctx.state.notesOf(Number(order['id']))]
      .filter((n) => type.data === 'any' || n.customer_note === (type.data === 'customer'))
      .reverse();
    sendWp(
      res,
      200,
      notes.map((n) => noteView(ctx, Number(order['id']), n)),
    );
  });

  router.post(`${api}/orders/:id/notes`, ...guard('notes'), json, (req, res) => {
    const order = findOrder(ctx, req, res);
    if (!order) return;
    const parsed = NoteCreate.safeParse(req.body ?? {});
    if (!parsed.success) {
      const missing = typeof (req.body as { note?: unknown } | undefined)?.note !== 'string';
      return missing
        ? sendWpError(res, 400, 'rest_missing_callback_param', 'Missing parameter(s): note', { params: ['note'] })
        : sendWpError(res, 400, 'rest_invalid_param', `Invalid parameter(s): ${paramsOf(parsed.error).join(', ')}`);
    }
    const { note, customer_note, added_by_user } = parsed.data;
    const created = addNote(ctx.state, order, note, customer_note, added_by_user ? 'admin' : 'system', ctx.now());
    sendWp(res, 201, noteView(ctx, Number(order['id']), created));
  });

  router.use('/wp-json', (_req, res) => sendNoRoute(res));
  return router;
}

function updateOrder(ctx: WooSimContext): RequestHandler {
  return (req, res) => {
    const order = findOrder(ctx, req, res);
    if (!order) return;
    const parsed = OrderUpdate.safeParse(req.body ?? {});
    if (!parsed.success)
      return sendWpError(res, 400, 'rest_invalid_param', `Invalid parameter(s): ${paramsOf(parsed.error).join(', ')}`);
    const change = parsed.data;
    const status = change.status;
    if (status !== undefined && !(wooStatuses as readonly string[]).includes(status)) {
      return sendWpError(res, 400, 'rest_invalid_param', 'Invalid parameter(s): status', {
        params: { status: `status is not one of ${wooStatuses.join(', ')}.` },
      });
    }
    const at = ctx.now();
    if (change.meta_data) updateMeta(ctx.state, order, change.meta_data);
    if (change.transaction_id !== undefined) order['transaction_id'] = change.transaction_id;
    if (change.customer_note !== undefined) order['customer_note'] = change.customer_note;
    // `set_paid` is WooCommerce's payment_complete(): the order moves to processing with a payment date.
    const target = (status ?? (change.set_paid ? 'processing' : undefined)) as WooStatus | undefined;
    const transition = target === undefined ? undefined : changeStatus(ctx.state, order, target, at);
    if (change.set_paid && !order['date_paid']) {
      const date = wooDate(at);
      order['date_paid'] = date.local;
      order['date_paid_gmt'] = date.gmt;
    }
    touch(order, at);

    const orderId = String(order['id']);
    if (transition?.changed && target === 'completed') {
      ctx.state.completions.push({
        orderId,
        trackingNumber: metaValue(order, trackingMetaKeys.number),
        trackingProvider: metaValue(order, trackingMetaKeys.provider),
        trackingUrl: metaValue(order, trackingMetaKeys.url) || null,
        at: at.toISOString(),
      });
    }
    if (transition?.changed && target === 'cancelled') ctx.state.cancellations.push({ orderId, at: at.toISOString() });
    sendWp(res, 200, order);
    ctx.webhooks.deliverInBackground('order.updated', order);
  };
}

function findOrder(ctx: WooSimContext, req: Request, res: Response): JsonObject | undefined {
  const raw = String(req.params['id'] ?? '');
  // WordPress registers the route as orders/(?P<id>[\d]+): anything else is not a route at all.
  if (!/^\d+$/.test(raw)) {
    sendNoRoute(res);
    return undefined;
  }
  const order = ctx.state.orders.get(Number(raw));
  if (!order) sendWpError(res, 404, 'woocommerce_rest_shop_order_invalid_id', 'Invalid ID.');
  return order;
}

function noteView(ctx: WooSimContext, orderId: number, note: SimNote): JsonObject {
  const api = `${ctx.config.shopUrl}wp-json/wc/v3`;
  return {
    ...note,
    _links: {
      self: [{ href: `${api}/orders/${orderId}/notes/${note.id}` }],
      collection: [{ href: `${api}/orders/${orderId}/notes` }],
      up: [{ href: `${api}/orders/${orderId}` }],
    },
  };
}

/** HTTP Basic with the consumer key and secret, as WooCommerce accepts over HTTPS. */
function requireConsumerKey(ctx: WooSimContext): RequestHandler {
  return (req, res, next) => {
    const match = /^Basic\s+(\S+)$/i.exec(req.get('authorization') ?? '');
    const decoded = match?.[1] ? Buffer.from(match[1], 'base64').toString('utf8') : '';
    const colon = decoded.indexOf(':');
    const ok =
      colon > 0 &&
      sameText(decoded.slice(0, colon), ctx.consumerKey) &&
      sameText(decoded.slice(colon + 1), ctx.consumerSecret);
    if (!ok) return sendWpError(res, 401, 'woocommerce_rest_cannot_view', 'Sorry, you cannot view this resource.');
    next();
  };
}

function sameText(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

function applyFault(ctx: WooSimContext, route: FaultRoute): RequestHandler {
  return injectFaults(ctx.faults, route, (fault, res) => {
    switch (fault.kind) {
      case 'http_429':
        res
          .status(429)
          .set('Retry-After', String(fault.retryAfterSeconds))
          .type('html')
          .send(
            '<html><head><title>429 Too Many Requests</title></head><body><h1>Too Many Requests</h1></body></html>\n',
          );
        return;
      case 'http_500':
        // What WordPress's fatal-error handler answers on REST requests.
        sendWpError(res, 500, 'internal_server_error', '<p>There has been a critical error on this website.</p>');
        return;
    }
  });
}

function paramsOf(error: z.ZodError): string[] {
  return [...new Set(error.issues.map((i) => String(i.path[0] ?? 'body')))];
}
