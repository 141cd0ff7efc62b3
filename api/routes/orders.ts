import { Router, type Request } from 'express';
import { listOrderEvents } from '../../db/orders.js';
import {
  countOrders,
  decodeOrderCursor,
  eachOrder,
  findOrderIds,
  listOrders,
  type OrderQuery,
} from '../../db/order-listing.js';
import type { Db } from '../../db/pool.js';
import { actionNames, allowedActions, orderActions, type ActionName } from '../../domain/order-actions.js';
import { NewOrder, OrderView } from '../../domain/order.js';
import { z } from 'zod';
import { merchantOf, principalOf, scopeOf } from '../auth.js';
import { HttpError, validationFailed } from '../errors.js';
import { idempotencyKeyOf, idempotent, principalIdOf } from '../idempotency.js';
import type { OrderService } from '../order-service.js';
import {
  BulkAction,
  BulkActionResult,
  BulkResend,
  BulkResendResult,
  Order,
  OrderCounts,
  OrderEvent,
  OrderExportQuery,
  OrderFilterQuery,
  OrderList,
  OrderListQuery,
  orderAnswer,
  startOf,
  endOf,
} from '../schemas.js';
import { sendOrdersCsv } from '../order-export.js';
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

/** The listing's filters as the database takes them; `to` names the last day (or instant) included. */
function orderQuery(req: Request, q: z.output<typeof OrderFilterQuery>): OrderQuery {
  return {
    merchantId: scopeOf(req),
    ...(q.status ? { status: q.status } : {}),
    ...(q.reason ? { reason: q.reason } : {}),
    ...(q.channel ? { channel: q.channel } : {}),
    ...(q.q ? { q: q.q } : {}),
    ...(q.from ? { from: startOf(q.from) } : {}),
    ...(q.to ? { to: endOf(q.to) } : {}),
  };
}

/** Merchants act on their orders; an operator reads them (and is offered no action). */
const canAct = (req: Request): boolean => scopeOf(req) !== null;

export function orderRoutes(db: Db, orders: OrderService): Router {
  const router = Router();

  router.post('/v1/orders', idempotent(db), async (req, res) => {
    const merchantId = merchantOf(req);
    const input = parseBody(NewOrder, req);
    const result = await orders.createOrder(merchantId, input);
    res.status(result.created ? 201 : 200).json(orderAnswer(result.order, true));
  });

  router.get('/v1/orders', async (req, res) => {
    const q = parseQuery(OrderListQuery, req);
    const cursor = q.cursor ? decodeOrderCursor(q.cursor, q.sort) : undefined;
    if (cursor === null)
      throw new HttpError(422, 'VALIDATION_FAILED', 'query.cursor: not a cursor from a previous page of this sort', [
        { path: 'query.cursor', message: 'invalid cursor' },
      ]);
    const page = await listOrders(db, {
      ...orderQuery(req, q),
      sort: q.sort,
      limit: q.limit,
      ...(cursor ? { cursor } : {}),
    });
    res.json({ items: page.items.map((o) => orderAnswer(o, canAct(req))), nextCursor: page.nextCursor });
  });

  router.get('/v1/orders/counts', async (req, res) => {
    res.json(await countOrders(db, orderQuery(req, parseQuery(OrderFilterQuery, req))));
  });

  router.get('/v1/orders/export', async (req, res) => {
    const q = parseQuery(OrderExportQuery, req);
    const filename = `orders-${new Date().toISOString().slice(0, 10)}.csv`;
    await sendOrdersCsv(res, eachOrder(db, orderQuery(req, q), q.sort), filename);
  });

  router.post('/v1/orders/bulk', async (req, res) => {
    const merchantId = merchantOf(req);
    const body = parseBody(BulkAction, req);
    const by = `${actor(req)} (bulk ${body.action})`;
    const results = await forEachOrder(body.ids, async (id) => {
      const order = await orders.requireOrder(id, merchantId);
      // Refused here without asking the workflow when the listed status does not allow it.
      if (!allowedActions(order.status).includes(body.action))
        throw new HttpError(409, 'INVALID_STATE', `The order is ${order.status}: ${body.action} is not allowed`);
      const done = await orders.act(order, body.action, { by });
      return done.status;
    });
    res.json({ results });
  });

  router.post('/v1/orders/bulk/resend', async (req, res) => {
    const merchantId = merchantOf(req);
    const body = parseBody(BulkResend, req);
    const ids = await findOrderIds(
      db,
      {
        merchantId,
        status: body.filter.status,
        ...(body.filter.reason ? { reason: body.filter.reason } : {}),
        ...(body.filter.channel ? { channel: body.filter.channel } : {}),
      },
      body.limit,
    );
    const by = `${actor(req)} (bulk resend)`;
    const results = await forEachOrder(ids, async (id) => {
      await orders.act(await orders.requireOrder(id, merchantId), 'resend', { by });
      return undefined;
    });
    res.json({
      matched: ids.length,
      resent: results.filter((r) => r.ok).length,
      resentIds: results.filter((r) => r.ok).map((r) => r.id),
      refused: results.flatMap((r) => (r.error ? [{ id: r.id, ...r.error }] : [])),
    });
  });

  router.get('/v1/orders/:id', async (req, res) => {
    res.json(orderAnswer(await orders.requireOrder(req.params.id, scopeOf(req)), canAct(req)));
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
      const answer = rest.answer ? asRecord(rest.answer.from(result)) : result;
      res.json({ ...answer, allowedActions: allowedActions(result.status) });
    });
  };
  for (const name of actionNames) expose(name);

  return router;
}

interface BulkOutcome {
  id: string;
  ok: boolean;
  status?: string;
  error?: { code: string; message: string };
}

/** Runs one order's part of a bulk request for each id, a few at a time, and says for each how it went. */
async function forEachOrder(
  ids: readonly string[],
  act: (id: string) => Promise<string | undefined>,
): Promise<BulkOutcome[]> {
  const results = new Map<string, BulkOutcome>();
  const queue = [...ids];
  // A few at a time: each action waits for its workflow to accept it.
  await Promise.all(
    Array.from({ length: Math.min(4, queue.length) }, async () => {
      for (let id = queue.shift(); id; id = queue.shift()) {
        try {
          const status = await act(id);
          results.set(id, { id, ok: true, ...(status ? { status } : {}) });
        } catch (error) {
          const e = error instanceof HttpError ? error : new HttpError(500, 'INTERNAL', 'unexpected error');
          results.set(id, { id, ok: false, error: { code: e.code, message: e.message } });
        }
      }
    }),
  );
  return ids.map((id) => results.get(id) ?? { id, ok: false, error: { code: 'INTERNAL', message: 'not run' } });
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
        ok: [
          200,
          rest.answer ? z.intersection(rest.answer.schema(OrderView), Order.pick({ allowedActions: true })) : Order,
          'The order as it stands once the action was accepted',
        ],
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
    ok: [201, Order, 'Created (200 when it already existed)'],
    errors: [400, 401, 403, 413, 422],
    idempotent: true,
  },
  {
    method: 'get',
    path: '/v1/orders',
    summary:
      'List orders: filter by status, review reason, channel and creation date, search (`q`), sort; keyset pages (`nextCursor`)',
    query: OrderListQuery,
    ok: [200, OrderList, 'A page of orders'],
    errors: [401, 422],
  },
  {
    method: 'get',
    path: '/v1/orders/counts',
    summary:
      "The listing's counts in one call: per status for the filters other than status (the tabs), per review reason for all the filters",
    query: OrderFilterQuery,
    ok: [200, OrderCounts, 'Counts'],
    errors: [401, 422],
  },
  {
    method: 'get',
    path: '/v1/orders/export',
    summary: 'The orders matching the filters as a CSV download (every page), sorted as asked',
    query: OrderExportQuery,
    ok: [200, z.string().meta({ description: 'RFC 4180 CSV, UTF-8 with a byte order mark, a header row' }), 'CSV'],
    media: 'text/csv',
    errors: [401, 422],
  },
  {
    method: 'post',
    path: '/v1/orders/bulk',
    summary:
      'One action (any that needs no arguments: resend, cancel…) on up to 200 orders; says for each order whether it went and, if not, why',
    body: BulkAction,
    ok: [200, BulkActionResult, 'One result per order, in the order of `ids`'],
    errors: [400, 401, 403, 422],
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
    summary: 'Get an order, with the actions its status allows now',
    ok: [200, Order, 'The order'],
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
