import { Router, type RequestHandler } from 'express';
import { orderWorkflowId } from '../domain/ids.js';
import { notFound } from './errors.js';

/**
 * Ids in URL paths are checked against the shape the platform gives them before any handler (or query) sees
 * them: an id that cannot exist is a 404 at once, whatever bytes it holds (`%00`, `..`, a megabyte of text).
 */
export const ORDER_ID = /^ord_[0-9a-f]{24}$/;
export const CHANNEL_ID = /^chc_[A-Za-z0-9_-]{12}$/;

/** Words under /v1/orders/ that name a route rather than an order. */
const orderRouteWords = new Set(['bulk', 'import']);

const checkOrderId: RequestHandler = (req, res, next) => {
  const id = String(req.params.id);
  if (orderRouteWords.has(id)) return next();
  if (!ORDER_ID.test(id)) throw notFound('Order');
  // Read by the request logger: every line about an order carries its ids.
  res.locals.orderId = id;
  res.locals.workflowId = orderWorkflowId(id);
  next();
};

const checkChannelId =
  (param: string, what: string): RequestHandler =>
  (req, _res, next) => {
    if (!CHANNEL_ID.test(String(req.params[param]))) throw notFound(what);
    next();
  };

export function pathIdChecks(): Router {
  const router = Router();
  router.use('/v1/orders/:id', checkOrderId);
  router.use('/v1/channels/:id', checkChannelId('id', 'Channel'));
  router.use('/webhooks/:shop/:connectionId', checkChannelId('connectionId', 'Webhook endpoint'));
  return router;
}
