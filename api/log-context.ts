import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RequestHandler, Response } from 'express';
import { orderWorkflowId } from '../domain/ids.js';
import { ORDER_ID } from './path-ids.js';

/**
 * Every request log line about an order carries `orderId` and `workflowId`, so one search finds an order's HTTP
 * requests, activities and workflow logs together. Ids come from the path (api/path-ids.ts) or, for requests that
 * create or touch an order without naming it in the path (POST /v1/orders, webhooks), from the JSON answer.
 */
export const captureOrderIds: RequestHandler = (_req, res, next) => {
  const json = res.json.bind(res);
  res.json = (body: unknown) => {
    if (res.locals.orderId === undefined && body !== null && typeof body === 'object') {
      const b = body as Record<string, unknown>;
      const id = typeof b.orderId === 'string' ? b.orderId : typeof b.workflowId === 'string' ? b.id : undefined;
      if (typeof id === 'string' && ORDER_ID.test(id)) {
        res.locals.orderId = id;
        res.locals.workflowId = orderWorkflowId(id);
      }
    }
    return json(body);
  };
  next();
};

/** pino-http's customProps: the order ids the request concerns, when it concerns one. */
export function orderLogProps(_req: IncomingMessage, res: ServerResponse): Record<string, string> {
  const locals = (res as Response).locals as Record<string, unknown> | undefined;
  return typeof locals?.orderId === 'string' ? { orderId: locals.orderId, workflowId: String(locals.workflowId) } : {};
}
