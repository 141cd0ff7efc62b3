import express, { type Response } from 'express';
import { z } from 'zod';
import type { WooSimContext } from './context.js';
import type { JsonObject } from './deep-merge.js';
import { FaultRequestSchema } from './faults.js';
import { checkoutNotes, fixtureNames, orderFromFixture } from './fixtures/index.js';
import { addNote, changeStatus } from './order-lifecycle.js';
import type { DeliveryRecord } from './state.js';
import { NoDeliveryUrl } from './webhooks.js';
import { faultAdminRoutes, issueList } from '../shared/fault-injection.js';

/**
 * Unauthenticated control surface under /_admin for tests and demos: what a merchant or a customer does on the
 * shop (orders placed, paid, cancelled), the webhook settings, and what the platform did to the shop.
 */

const ConfigChange = z.strictObject({
  webhookUrl: z
    .url({ protocol: /^https?$/ })
    .nullable()
    .optional(),
  webhookSecret: z.string().min(1).max(500).optional(),
});

const CreateOrder = z.strictObject({
  fixture: z.enum(fixtureNames),
  overrides: z
    .record(z.string(), z.unknown())
    .refine((o) => o['id'] === undefined || (Number.isSafeInteger(o['id']) && Number(o['id']) > 0), {
      message: 'id must be a positive integer',
      path: ['id'],
    })
    .optional(),
  send: z.boolean().default(true),
});

const StatusChange = z.strictObject({
  status: z.enum(['pending', 'processing', 'completed', 'cancelled', 'on-hold', 'refunded', 'failed']),
  send: z.boolean().default(true),
});

const SendRequest = z.strictObject({
  topic: z.string().regex(/^[a-z_]+\.[a-z0-9_]+$/i, 'resource.event, e.g. order.created'),
  payload: z.unknown().refine((p) => p !== undefined, 'payload is required'),
  deliveryId: z.string().trim().min(1).max(100).optional(),
  signature: z.enum(['valid', 'wrong', 'missing']).default('valid'),
});

export function createAdminRouter(ctx: WooSimContext): express.Router {
  const router = express.Router();
  router.use(express.json({ limit: '1mb' }));

  router.get('/config', (_req, res) => {
    res.json({ config: ctx.config });
  });

  router.put('/config', (req, res) => {
    const parsed = ConfigChange.safeParse(req.body ?? {});
    if (!parsed.success) return invalid(res, parsed.error);
    if (parsed.data.webhookUrl !== undefined) ctx.config.deliveryUrl = parsed.data.webhookUrl;
    if (parsed.data.webhookSecret !== undefined) ctx.config.secret = parsed.data.webhookSecret;
    res.json({ config: ctx.config });
  });

  router.get('/orders', (_req, res) => {
    res.json({ orders: [...ctx.state.orders.values()] });
  });

  router.post('/orders', async (req, res) => {
    const parsed = CreateOrder.safeParse(req.body ?? {});
    if (!parsed.success) return invalid(res, parsed.error);
    const { fixture, overrides, send } = parsed.data;
    const wantedId = overrides?.['id'] as number | undefined;
    if (wantedId !== undefined && ctx.state.orders.has(wantedId))
      return conflict(res, `Order ${wantedId} already exists`);
    if (send && !ctx.config.deliveryUrl) return conflict(res, new NoDeliveryUrl().message + ', or pass "send": false');

    const id = wantedId ?? ctx.state.takeOrderId();
    ctx.state.claimOrderId(id);
    const at = ctx.now();
    const order = orderFromFixture(fixture, {
      id,
      shopUrl: ctx.config.shopUrl,
      at,
      nextRowId: () => ctx.state.takeRowId(),
      ...(overrides ? { overrides } : {}),
    });
    ctx.state.orders.set(id, order);
    for (const text of checkoutNotes(fixture, order)) addNote(ctx.state, order, text, false, 'system', at);
    const delivery = send ? await ctx.webhooks.deliver('order.created', order) : null;
    res.status(201).json({ order, delivery: delivery && summary(delivery) });
  });

  router.get('/orders/:id', (req, res) => {
    const order = orderOf(ctx, req.params.id, res);
    if (!order) return;
    res.json({ order, notes: ctx.state.notesOf(Number(order['id'])) });
  });

  router.post('/orders/:id/status', async (req, res) => {
    const order = orderOf(ctx, req.params.id, res);
    if (!order) return;
    const parsed = StatusChange.safeParse(req.body ?? {});
    if (!parsed.success) return invalid(res, parsed.error);
    if (parsed.data.send && !ctx.config.deliveryUrl)
      return conflict(res, new NoDeliveryUrl().message + ', or pass "send": false');
    changeStatus(ctx.state, order, parsed.data.status, ctx.now());
    const delivery = parsed.data.send ? await ctx.webhooks.deliver('order.updated', order) : null;
    res.json({ order, delivery: delivery && summary(delivery) });
  });

  router.get('/deliveries', (_req, res) => {
    res.json({ deliveries: ctx.state.deliveries });
  });

  router.post('/deliveries/:deliveryId/redeliver', async (req, res) => {
    const delivery = await ctx.webhooks.redeliver(req.params.deliveryId);
    if (!delivery) return notFound(res, `No delivery ${req.params.deliveryId}`);
    res.json({ delivery: summary(delivery) });
  });

  router.post('/send', async (req, res) => {
    const parsed = SendRequest.safeParse(req.body ?? {});
    if (!parsed.success) return invalid(res, parsed.error);
    if (!ctx.config.deliveryUrl) return conflict(res, new NoDeliveryUrl().message);
    const { topic, payload, deliveryId, signature } = parsed.data;
    const delivery = await ctx.webhooks.deliver(topic, payload, { deliveryId, signature });
    res.json({ delivery: summary(delivery) });
  });

  router.post('/ping', async (_req, res) => {
    if (!ctx.config.deliveryUrl) return conflict(res, new NoDeliveryUrl().message);
    res.json({ delivery: summary(await ctx.webhooks.ping()) });
  });

  router.get('/completions', (_req, res) => {
    res.json({ completions: ctx.state.completions });
  });

  router.get('/cancellations', (_req, res) => {
    res.json({ cancellations: ctx.state.cancellations });
  });

  faultAdminRoutes(router, ctx.faults, FaultRequestSchema, invalid);

  /** Forgets orders, notes, deliveries, records and faults; the webhook settings stay as configured. */
  router.post('/reset', (_req, res) => {
    ctx.state.reset();
    ctx.faults.clear();
    res.json({ ok: true });
  });

  return router;
}

function orderOf(ctx: WooSimContext, raw: string, res: Response): JsonObject | undefined {
  const order = /^\d+$/.test(raw) ? ctx.state.orders.get(Number(raw)) : undefined;
  if (!order) notFound(res, `No order ${raw}`);
  return order;
}

function summary(d: DeliveryRecord) {
  return { id: d.id, attempt: d.attempt, topic: d.topic, status: d.status, error: d.error };
}

function invalid(res: Response, error: z.ZodError): void {
  res.status(400).json({
    error: 'invalid_request',
    message: 'Invalid request',
    issues: issueList(error),
  });
}

function conflict(res: Response, message: string): void {
  res.status(409).json({ error: 'conflict', message });
}

function notFound(res: Response, message: string): void {
  res.status(404).json({ error: 'not_found', message });
}
