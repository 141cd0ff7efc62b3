import { Router, type RequestHandler } from 'express';
import { orderWorkflowId } from '../domain/ids.js';
import { notFound } from './errors.js';

/**
 * Ids in URL paths are checked against the shape the platform gives them before any handler (or query) sees
 * them: an id that cannot exist is a 404 at once, whatever bytes it holds (`%00`, `..`, a megabyte of text).
 */
export const ORDER_ID = /^ord_[0-9a-f]{24}$/;
export const CHANNEL_ID = /^chc_[A-Za-z0-9_-]{12}$/;
export const MERCHANT_ID = /^mer_[A-Za-z0-9_-]{12}$/;
export const TOP_UP_ID = /^tu_\d{16}$/;
export const API_KEY_ID = /^key_[0-9a-f]{20}$/;
export const USER_ID = /^usr_[0-9a-f]{20}$/;

/** Words under /v1/orders/ that name a route rather than an order. */
const orderRouteWords = new Set(['bulk', 'import', 'counts', 'export']);

const checkOrderId: RequestHandler = (req, res, next) => {
  const id = String(req.params.id);
  if (orderRouteWords.has(id)) return next();
  if (!ORDER_ID.test(id)) throw notFound('Order');
  // Read by the request logger: every line about an order carries its ids.
  res.locals.orderId = id;
  res.locals.workflowId = orderWorkflowId(id);
  next();
};

const checkId =
  (pattern: RegExp, param: string, what: string): RequestHandler =>
  (req, _res, next) => {
    if (!pattern.test(String(req.params[param]))) throw notFound(what);
    next();
  };

export function pathIdChecks(): Router {
  const router = Router();
  router.use('/v1/orders/:id', checkOrderId);
  router.use('/v1/channels/:id', checkId(CHANNEL_ID, 'id', 'Channel'));
  router.use('/webhooks/:shop/:connectionId', checkId(CHANNEL_ID, 'connectionId', 'Webhook endpoint'));
  router.use('/v1/wallet/top-ups/:id', checkId(TOP_UP_ID, 'id', 'Top-up'));
  router.use('/v1/finance/top-ups/:id', checkId(TOP_UP_ID, 'id', 'Top-up'));
  router.use('/v1/api-keys/:id', checkId(API_KEY_ID, 'id', 'API key'));
  router.use('/v1/operator-keys/:id', checkId(API_KEY_ID, 'id', 'API key'));
  router.use('/v1/merchants/:id', checkId(MERCHANT_ID, 'id', 'Merchant'));
  router.use('/v1/merchants/:id/api-keys/:keyId', checkId(API_KEY_ID, 'keyId', 'API key'));
  router.use('/v1/users/:id', checkId(USER_ID, 'id', 'User'));
  return router;
}
