import { Router, type Request } from 'express';
import { decodeCursor, findOrderIds, listOrderEvents, listOrders } from '../../db/orders.js';
import type { Db } from '../../db/pool.js';
import { actionNames, orderActions, type ActionName } from '../../domain/order-actions.js';
import { NewOrder, OrderView } from '../../domain/order.js';
import { z } from 'zod';
import { merchantOf, principalOf, scopeOf } from '../auth.js';
import { HttpError, validationFailed } from '../errors.js';
import { idempotencyKeyOf, idempotent, principalIdOf } from '../idempotency.js';
import type { OrderService } from '../order-service.js';
import { BulkResend, BulkResendResult, OrderEvent, OrderList, OrderListQuery } from '../schemas.js';
import { parseBody, parseQuery } from '../validation.js';
import type { Spec } from '../openapi-spec.js';

/** `/v1/orders/{id}/resend` → `/v1/orders/:id/resend`. */
function expressPath(openApiPath: string): string {
  return openApiPath.replace(/\{(\w+)\}/g, ':$1');
}

function asRecord(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null ? { ...value } : {};
}

/** Who did it, as the order's timeline shows it. */
function actor(req: Request): string {
  const p = principalOf(req);
  return p.kind === 'merchant' ? `merchant ${p.merchantId}` : 'operator';
}

export function orderRoutes(db: Db, orders: OrderService): Router {
  const router = Router();

  router.post('/v1/orders', idempotent(db), async (req, res) => {
    const merchantId = merchantOf(req);
    const input = parseBody(NewOrder, req);
    const result = await orders.createOrder(merchantId, input);
    res.status(result.created ? 201 : 200).json(result.order);
  });

  router.get('/v1/orders', async (req, res) => {
    const q = parseQuery(OrderListQuery, req);
    const cursor = q.cursor ? decodeCursor(q.cursor) : undefined;
    if (cursor === null)
      throw new HttpError(422, 'VALIDATION_FAILED', 'query.cursor: not a cursor from a previous page', [
        { path: 'query.cursor', message: 'invalid cursor' },
      ]);
    res.json(
      await listOrders(db, {
        merchantId: scopeOf(req),
        limit: q.limit,
        ...(q.status ? { status: q.status } : {}),
        ...(q.reason ? { reason: q.reason } : {}),
        ...(q.channel ? { channel: q.channel } : {}),
        ...(cursor ? { cursor } : {}),
      }),
    );
  });

  router.post('/v1/orders/bulk/resend', async (req, res) => {
    const merchantId = merchantOf(req);
    const body = parseBody(BulkResend, req);
    const ids = await findOrderIds(db, {
      merchantId,
      status: body.filter.status,
      limit: body.limit,
      ...(body.filter.reason ? { reason: body.filter.reason } : {}),
      ...(body.filter.channel ? { channel: body.filter.channel } : {}),
    });
    const resentIds: string[] = [];
    const refused: { id: string; code: string; message: string }[] = [];
    // A few at a time: each resend waits for its workflow to accept it.
    const queue = [...ids];
    const by = `${actor(req)} (bulk resend)`;
    await Promise.all(
      Array.from({ length: Math.min(4, queue.length) }, async () => {
        for (let id = queue.shift(); id; id = queue.shift()) {
          try {
            const order = await orders.requireOrder(id, merchantId);
            await orders.act(order, 'resend', { by });
            resentIds.push(id);
          } catch (error) {
            const e = error instanceof HttpError ? error : new HttpError(500, 'INTERNAL', 'unexpected error');
            refused.push({ id, code: e.code, message: e.message });
          }
        }
      }),
    );
    res.json({ matched: ids.length, resent: resentIds.length, resentIds, refused });
  });

  router.get('/v1/orders/:id', async (req, res) => {
    res.json(await orders.requireOrder(req.params.id, scopeOf(req)));
  });

  router.get('/v1/orders/:id/events', async (req, res) => {
    const order = await orders.requireOrder(req.params.id, scopeOf(req));
    const events = await listOrderEvents(db, order.id);
    res.json(events.map(({ seq: _seq, ...e }) => e));
  });

  // Every action with a REST exposure in its registry entry: the route, its body schema and its answer.
  const expose = <N extends ActionName>(name: N): void => {
    const { rest, body, message } = orderActions[name];
    if (!rest) return;
    router[rest.method](expressPath(rest.path), async (req, res) => {
      merchantOf(req);
      const order = await orders.requireOrder(String(req.params.id), scopeOf(req));
      const args = parseBody(body.optional(), req);
      const key = idempotencyKeyOf(req);
      const idempotency = key === undefined ? undefined : { key, principal: principalIdOf(req) };
      // The message's own rules (e.g. a PATCH that changes nothing) are the caller's mistake: 422, never a 500.
      const parsed = message.safeParse({ ...asRecord(args), by: actor(req) });
      if (!parsed.success) throw validationFailed(parsed.error.issues);
      const result = await orders.act(order, name, parsed.data, idempotency);
      res.json(rest.answer ? rest.answer.from(result) : result);
    });
  };
  for (const name of actionNames) expose(name);

  return router;
}

/** The merchant actions' rows, from their registry entries. */
function actionSpecs(): Spec[] {
  return actionNames.flatMap((name) => {
    const { rest, body } = orderActions[name];
    if (!rest) return [];
    const takesArguments = !(body instanceof z.ZodObject) || Object.keys(body.shape).length > 0;
    return [
      {
        method: rest.method,
        path: rest.path,
        summary: rest.summary,
        ...(takesArguments ? { body } : {}),
        ok: [200, rest.answer?.schema ?? OrderView, 'The order as it stands once the action was accepted'],
        errors: [400, 401, 403, 404, 409, 422, 503],
        idempotent: true,
      },
    ];
  });
}

/** The rows of /openapi.json these routes serve. */
export const orderSpecs: Spec[] = [
  {
    method: 'post',
    path: '/v1/orders',
    summary:
      'Enter an order (manual entry; the shape every connector maps to). The same (channel, externalId) again answers 200 with the existing order',
    body: NewOrder,
    ok: [201, OrderView, 'Created (200 when it already existed)'],
    errors: [400, 401, 403, 413, 422],
    idempotent: true,
  },
  {
    method: 'get',
    path: '/v1/orders',
    summary: 'List orders, newest first',
    query: OrderListQuery,
    ok: [200, OrderList, 'A page of orders'],
    errors: [401, 422],
  },
  {
    method: 'post',
    path: '/v1/orders/bulk/resend',
    summary: 'Resend every order matching a filter',
    body: BulkResend,
    ok: [200, BulkResendResult, 'How many were resent, which were refused and why'],
    errors: [400, 401, 403, 422],
  },
  {
    method: 'get',
    path: '/v1/orders/{id}',
    summary: 'Get an order',
    ok: [200, OrderView, 'The order'],
    errors: [401, 404],
  },
  {
    method: 'get',
    path: '/v1/orders/{id}/events',
    summary: "The order's timeline, oldest first",
    ok: [200, z.array(OrderEvent), 'Every state change, charge, refund, submission and message'],
    errors: [401, 404],
  },
  ...actionSpecs(),
];
