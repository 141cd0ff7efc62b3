import { Router, type Request } from 'express';
import { decodeCursor, findOrderIds, listOrderEvents, listOrders } from '../../db/orders.js';
import type { Db } from '../../db/pool.js';
import { actionNames, orderActions, type ActionName } from '../../domain/order-actions.js';
import { NewOrder } from '../../domain/order.js';
import { merchantOf, principalOf, scopeOf } from '../auth.js';
import { HttpError, validationFailed } from '../errors.js';
import { idempotencyKeyOf, idempotent, principalIdOf } from '../idempotency.js';
import type { OrderService } from '../order-service.js';
import { BulkResend, OrderListQuery } from '../schemas.js';
import { parseBody, parseQuery } from '../validation.js';

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
