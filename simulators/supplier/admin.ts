import express from 'express';
import { z } from 'zod';
import type { SimContext } from './context.js';
import { FaultRequestSchema, routeNames } from './faults.js';
import { newTracking } from './state.js';
import { sendPlainError } from './wire.js';
import { faultAdminRoutes, issueList } from '../shared/fault-injection.js';

/** Unauthenticated control surface under /_admin for tests, demos and the dev runner. */

const ProductChange = z
  .strictObject({
    stock: z.number().int().min(0).max(1_000_000).optional(),
    price: z.number().min(0).max(100_000).optional(),
  })
  .refine((c) => c.stock !== undefined || c.price !== undefined, { message: 'give stock and/or price' });

const ShipRequest = z.strictObject({
  trackingNumber: z.string().trim().min(1).max(64).optional(),
  carrier: z.string().trim().min(1).max(40).optional(),
});

export function createAdminRouter(ctx: SimContext): express.Router {
  const router = express.Router();
  router.use(express.json({ limit: '100kb' }));

  router.get('/orders', (req, res) => {
    const reference = req.query['internalReference'];
    if (reference !== undefined && typeof reference !== 'string')
      return sendPlainError(res, 400, 'internalReference must be given once');
    const orders =
      reference === undefined ? ctx.state.orders : ctx.state.orders.filter((o) => o.internalReference === reference);
    res.json({ orders });
  });

  router.post('/orders/:id/ship', (req, res) => {
    const order = ctx.state.orderById(req.params.id);
    if (!order) return sendPlainError(res, 404, 'Order not found');
    const parsed = ShipRequest.safeParse(req.body ?? {});
    if (!parsed.success) return invalid(res, parsed.error);
    const tracking = newTracking(order, new Date(ctx.now()), parsed.data);
    ctx.state.addTracking(order, tracking);
    res.status(201).json({ order });
  });

  router.get('/products', (_req, res) => {
    res.json({ products: ctx.state.products });
  });

  router.put('/products/:sku', (req, res) => {
    const parsed = ProductChange.safeParse(req.body);
    if (!parsed.success) return invalid(res, parsed.error);
    const product = ctx.state.updateProduct(req.params.sku, parsed.data);
    if (!product) return sendPlainError(res, 404, 'Product not found');
    res.json({ product });
  });

  faultAdminRoutes(router, ctx.faults, FaultRequestSchema, invalid);

  router.get('/requests', (_req, res) => {
    res.json({ counts: { ...ctx.counts } });
  });

  router.post('/reset', (_req, res) => {
    ctx.state.reset();
    ctx.faults.clear();
    for (const route of routeNames) ctx.counts[route] = 0;
    res.json({ ok: true });
  });

  return router;
}

function invalid(res: express.Response, error: z.ZodError): void {
  res.status(400).json({
    code: 400,
    message: 'Invalid request',
    issues: issueList(error),
  });
}
