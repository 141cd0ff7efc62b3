import express, { type Response } from 'express';
import { z } from 'zod';
import type { ShopContext } from './context.js';
import { faultAdminRoutes, issueList } from '../shared/fault-injection.js';
import { FaultRequestSchema } from './faults.js';
import { fixtureNames, shopifyOrderFixture } from './fixtures/index.js';
import { deepMerge, shopTime, type JsonObject } from './json.js';
import { fulfillmentJson, fulfillmentOrderJson, syncFulfillmentState } from './representations.js';
import { DuplicateOrderError, OrderShapeError, type ShopOrder } from './state.js';
import { summary } from './webhooks.js';

/**
 * Unauthenticated control surface under /_admin: what a merchant or a customer does in the shop (configure,
 * place, pay, cancel orders), raw deliveries for signature tests, and what the platform did through the Admin API.
 */

const ConfigChange = z.strictObject({
  webhookUrl: z
    .url({ protocol: /^https?$/ })
    .nullable()
    .optional(),
  webhookSecret: z.string().min(1).max(500).nullable().optional(),
  accessToken: z.string().min(1).max(500).optional(),
});

const CreateOrder = z.strictObject({
  fixture: z.enum(fixtureNames),
  /** Deep-merged into the fixture: objects merge, arrays and null replace. */
  overrides: z.record(z.string(), z.unknown()).optional(),
  send: z.boolean().default(true),
});

const ShopCancel = z.strictObject({
  reason: z.enum(['customer', 'declined', 'fraud', 'inventory', 'other', 'staff']).default('customer'),
});

const OrderEdit = z.strictObject({
  addLineItems: z
    .array(
      z.strictObject({
        sku: z.string().trim().min(1).max(64).nullable(),
        quantity: z.number().int().min(1).max(999),
        title: z.string().trim().min(1).max(255).default('Added product'),
        price: z
          .string()
          .regex(/^\d+\.\d{2}$/, 'a decimal amount such as "19.90"')
          .default('0.00'),
      }),
    )
    .min(1)
    .max(50),
  send: z.boolean().default(true),
});

const RawSend = z.strictObject({
  topic: z.string().trim().min(1).max(100),
  payload: z.unknown().refine((v) => v !== undefined, { message: 'payload is required' }),
  deliveryId: z.string().trim().min(1).max(200).optional(),
  signature: z.enum(['valid', 'wrong', 'missing']).default('valid'),
});

export function createAdminRouter(ctx: ShopContext): express.Router {
  const router = express.Router();
  router.use(express.json({ limit: '1mb' }));

  router.get('/config', (_req, res) => {
    res.json({ config: ctx.config });
  });

  router.put('/config', (req, res) => {
    const parsed = ConfigChange.safeParse(req.body);
    if (!parsed.success) return invalid(res, parsed.error);
    const change = parsed.data;
    if (change.webhookUrl !== undefined) ctx.config.webhookUrl = change.webhookUrl;
    if (change.webhookSecret !== undefined) ctx.config.webhookSecret = change.webhookSecret;
    if (change.accessToken !== undefined) ctx.config.accessToken = change.accessToken;
    res.json({ config: ctx.config });
  });

  router.get('/orders', (_req, res) => {
    res.json({ orders: ctx.state.listOrders().map((o) => o.json) });
  });

  router.post('/orders', async (req, res) => {
    const parsed = CreateOrder.safeParse(req.body);
    if (!parsed.success) return invalid(res, parsed.error);
    const { fixture, overrides = {}, send } = parsed.data;
    const now = ctx.now();
    const base = shopifyOrderFixture(fixture);
    ctx.state.freshLineIds(base);
    const json = deepMerge({ ...base, ...ctx.state.freshIdentity(now) }, overrides as JsonObject);
    if (overrides['id'] !== undefined && overrides['admin_graphql_api_id'] === undefined)
      delete json['admin_graphql_api_id'];
    let order: ShopOrder;
    try {
      order = ctx.state.addOrder(json, now);
    } catch (err) {
      if (err instanceof OrderShapeError) return problem(res, 400, `The order cannot be stored: ${err.message}`);
      if (err instanceof DuplicateOrderError) return problem(res, 409, err.message);
      throw err;
    }
    const delivery = send ? summary(await ctx.webhooks.send('orders/create', JSON.stringify(order.json))) : null;
    res.status(201).json({ order: order.json, delivery });
  });

  router.get('/orders/:id', (req, res) => {
    const order = ctx.state.order(req.params.id);
    if (!order) return problem(res, 404, `No order ${req.params.id} in the shop`);
    res.json({
      order: order.json,
      fulfillmentOrders: order.fulfillmentOrders.map((fo) => fulfillmentOrderJson(order, fo)),
      fulfillments: order.fulfillments.map((f) => fulfillmentJson(order, f)),
    });
  });

  // The merchant marks a bank deposit (or a delivered COD order) as paid.
  router.post('/orders/:id/pay', async (req, res) => {
    const order = ctx.state.order(req.params.id);
    if (!order) return problem(res, 404, `No order ${req.params.id} in the shop`);
    if (order.json['cancelled_at']) return problem(res, 409, 'The order is cancelled');
    if (order.json['financial_status'] === 'paid') return problem(res, 409, 'The order is already paid');
    order.json['financial_status'] = 'paid';
    order.json['total_outstanding'] = '0.00';
    order.json['updated_at'] = shopTime(ctx.now());
    const delivery = await ctx.webhooks.send('orders/paid', JSON.stringify(order.json));
    res.json({ order: order.json, delivery: summary(delivery) });
  });

  // The merchant cancels in the shop's admin (e.g. the customer asked). Not listed in /cancellations, which
  // records only what came through the Admin API.
  router.post('/orders/:id/cancel', async (req, res) => {
    const order = ctx.state.order(req.params.id);
    if (!order) return problem(res, 404, `No order ${req.params.id} in the shop`);
    const parsed = ShopCancel.safeParse(req.body ?? {});
    if (!parsed.success) return invalid(res, parsed.error);
    if (order.json['cancelled_at']) return problem(res, 409, 'The order is already cancelled');
    ctx.state.cancelOrder(order, parsed.data.reason, ctx.now(), false);
    const delivery = await ctx.webhooks.send('orders/cancelled', JSON.stringify(order.json));
    res.json({ order: order.json, delivery: summary(delivery) });
  });

  // The merchant edits the order to add products; Shopify then sends orders/updated.
  router.post('/orders/:id/edit', async (req, res) => {
    const order = ctx.state.order(req.params.id);
    if (!order) return problem(res, 404, `No order ${req.params.id} in the shop`);
    const parsed = OrderEdit.safeParse(req.body);
    if (!parsed.success) return invalid(res, parsed.error);
    if (order.json['cancelled_at']) return problem(res, 409, 'The order is cancelled');
    ctx.state.addLineItems(order, parsed.data.addLineItems, ctx.now());
    syncFulfillmentState(order, ctx.now());
    const delivery = parsed.data.send
      ? summary(await ctx.webhooks.send('orders/updated', JSON.stringify(order.json)))
      : null;
    res.json({ order: order.json, delivery });
  });

  router.get('/deliveries', (_req, res) => {
    res.json({ deliveries: ctx.webhooks.list() });
  });

  router.post('/deliveries/:deliveryId/redeliver', async (req, res) => {
    const delivery = await ctx.webhooks.redeliver(req.params.deliveryId);
    if (!delivery) return problem(res, 404, `No delivery ${req.params.deliveryId}`);
    res.json({ delivery: summary(delivery) });
  });

  router.post('/send', async (req, res) => {
    const parsed = RawSend.safeParse(req.body);
    if (!parsed.success) return invalid(res, parsed.error);
    const { topic, payload, deliveryId, signature } = parsed.data;
    const delivery = await ctx.webhooks.send(topic, JSON.stringify(payload), { deliveryId, signature });
    res.json({ delivery: summary(delivery) });
  });

  router.get('/fulfillments', (_req, res) => {
    res.json({
      fulfillments: ctx.state.fulfillments.map((f) => ({
        id: String(f.id),
        orderId: String(f.orderId),
        trackingNumber: f.trackingNumber,
        trackingCompany: f.trackingCompany,
        trackingUrl: f.trackingUrl,
        createdAt: f.createdAt,
      })),
    });
  });

  router.get('/cancellations', (_req, res) => {
    res.json({ cancellations: ctx.state.cancellations });
  });

  faultAdminRoutes(router, ctx.faults, FaultRequestSchema, invalid);

  // Forgets orders, deliveries, fulfilments, cancellations and faults; the shop's configuration stays.
  router.post('/reset', (_req, res) => {
    ctx.state.reset();
    ctx.webhooks.reset();
    ctx.faults.clear();
    res.json({ ok: true });
  });

  router.use((req, res) => problem(res, 404, `No admin route ${req.method} ${req.path}`));
  return router;
}

function invalid(res: Response, error: z.ZodError): void {
  res.status(400).json({ error: 'Invalid request', issues: issueList(error) });
}

function problem(res: Response, status: number, message: string): void {
  res.status(status).json({ error: message });
}
