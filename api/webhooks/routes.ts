import { createHash } from 'node:crypto';
import { z } from 'zod';
import express, { Router, type Request, type Response } from 'express';
import type { Logger } from 'pino';
import {
  findDelivery,
  loadForWebhook,
  recordDelivery,
  type ChannelConnection,
  type DeliveryOutcome,
} from '../../db/channels.js';
import type { Db } from '../../db/pool.js';
import type { SecretBox } from '../../db/secret-box.js';
import { errorBody } from '../errors.js';
import { findUnsafeString, storableCopy, stringProblem } from '../hygiene.js';
import { apiMetrics } from '../metrics.js';
import type { OrderService } from '../order-service.js';
import type { SalesChannel, SalesChannels } from '../../channels/sales-channel.js';
import type { Spec } from '../openapi-spec.js';
import type { ShopOrderEvent } from '../../channels/shop-order-event.js';

export interface WebhookDeps {
  db: Db;
  /** The sales channels whose webhooks are received (channels/registry.ts). */
  channels: SalesChannels;
  box: SecretBox | null;
  orders: OrderService;
  logger: Logger;
  bodyLimit: string;
}

/**
 * Shop webhooks in, at /webhooks/<type>/<connection id> for every registered sales channel. The signature is
 * checked on the raw bytes before anything is stored; a delivery seen before is acknowledged without effect; an
 * order is acknowledged once its workflow is durably started or signalled — not after it is processed, so the
 * shop's few-second deadline is met.
 */
export function webhookRoutes(deps: WebhookDeps): Router {
  const router = Router();
  const raw = express.raw({ type: () => true, limit: deps.bodyLimit });
  for (const channel of deps.channels) {
    router.post(
      `/webhooks/${channel.type}/:connectionId`,
      raw,
      async (req: Request<{ connectionId: string }>, res: Response) => {
        await receive(deps, channel, req, res);
      },
    );
  }
  return router;
}

/** The rows of /openapi.json these routes serve: one webhook endpoint per sales channel. */
export function webhookSpecs(channels: SalesChannels): Spec[] {
  return channels.map(({ type, label, webhook }) => ({
    method: 'post',
    path: `/webhooks/${type}/{id}`,
    summary: `${label} order webhooks (${webhook.topics.join(', ')}), signed with ${webhook.signatureHeader}`,
    ok: [200, z.object({ received: z.boolean() }), 'Accepted (also for a repeated delivery)'],
    errors: [401, 404],
    auth: false,
  }));
}

async function receive(
  deps: WebhookDeps,
  channel: SalesChannel,
  req: Request<{ connectionId: string }>,
  res: Response,
): Promise<void> {
  const body = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
  if (!deps.box) {
    res.status(503).json(errorBody('CHANNELS_NOT_CONFIGURED', 'SECRETS_KEY is not set on this platform'));
    return;
  }
  const loaded = await loadForWebhook(deps.db, deps.box, req.params.connectionId);
  if (!loaded || loaded.connection.type !== channel.type) {
    res.status(404).json(errorBody('NOT_FOUND', 'Unknown webhook endpoint'));
    return;
  }
  const protocol = channel.webhook;
  // A platform's ping when the webhook is saved (e.g. an unsigned `webhook_id=N` form): acknowledge, store nothing.
  if (protocol.isPing?.(body, req.get('content-type'))) {
    res.json({ received: true, ping: true });
    return;
  }
  if (!protocol.verify(body, req.get(protocol.signatureHeader), loaded.secrets)) {
    res.status(401).json(errorBody('UNAUTHORIZED', `Missing or wrong ${protocol.signatureHeader} signature`));
    return;
  }
  const { connection } = loaded;
  const topicHeader = header(req, protocol.topicHeader);
  const deliveryHeader = header(req, protocol.deliveryHeader);
  const topic = topicHeader.value ?? 'unknown';
  // Some senders omit the delivery id (or send one we cannot store): the body's hash then identifies the delivery.
  const deliveryId = deliveryHeader.value ?? `sha256:${createHash('sha256').update(body).digest('hex')}`;
  const seen = await findDelivery(deps.db, connection.id, deliveryId);
  if (seen) {
    apiMetrics.webhookDelivery(channel.type, 'duplicate');
    res.json({ received: true, duplicate: true, outcome: seen.outcome, orderId: seen.orderId });
    return;
  }
  // A signed delivery whose headers cannot be stored (over-long, a NUL…) is kept for the operator with the reason,
  // like any delivery that cannot be mapped, and acknowledged: a refusal would only make the shop send it again
  // until it gives up on the webhook, and the operator would never see it.
  const headerProblem = topicHeader.problem ?? deliveryHeader.problem;
  if (headerProblem) {
    let payload: unknown;
    try {
      payload = JSON.parse(body.toString('utf8'));
    } catch {
      payload = { raw: body.toString('utf8').slice(0, 10_000) };
    }
    await record(deps, connection, deliveryId, topic, {
      outcome: 'unmapped',
      reason: headerProblem,
      payload: storableCopy(payload),
    });
    apiMetrics.webhookDelivery(channel.type, 'unmapped');
    deps.logger.warn(
      { connectionId: connection.id, deliveryId, reason: headerProblem },
      'webhook kept for the operator',
    );
    res.json({ received: true, outcome: 'unmapped' });
    return;
  }

  let payload: unknown;
  try {
    payload = JSON.parse(body.toString('utf8'));
  } catch {
    await record(deps, connection, deliveryId, topic, {
      outcome: 'unmapped',
      reason: 'The body is not JSON',
      payload: storableCopy({ raw: body.toString('utf8').slice(0, 10_000) }),
    });
    res.json({ received: true, outcome: 'unmapped' });
    return;
  }
  // A value no order could hold (a NUL, broken Unicode, an absurd length) is kept for the operator, escaped so
  // that it can be stored, and goes no further.
  const unsafe = findUnsafeString(payload, ['payload']);
  if (unsafe) {
    const reason = `${unsafe.path}: ${unsafe.problem}`;
    await record(deps, connection, deliveryId, topic, { outcome: 'unmapped', reason, payload: storableCopy(payload) });
    deps.logger.warn({ connectionId: connection.id, deliveryId, reason }, 'webhook kept for the operator');
    res.json({ received: true, outcome: 'unmapped' });
    return;
  }

  const event = protocol.map(topic, payload);
  const result = await apply(deps, connection, channel.type, event);
  await record(deps, connection, deliveryId, topic, {
    ...result,
    ...(result.outcome === 'unmapped' ? { payload } : {}),
  });
  apiMetrics.webhookDelivery(channel.type, result.outcome);
  if (result.outcome === 'unmapped')
    deps.logger.warn(
      { connectionId: connection.id, deliveryId, reason: result.reason },
      'webhook kept for the operator',
    );
  res.json({ received: true, outcome: result.outcome, orderId: result.orderId ?? null });
}

/**
 * A header the platform stores: bounded and printable. One that is not is not used (value undefined); `problem`
 * says why, for the unmapped delivery the caller records.
 */
function header(req: Request, name: string): { value?: string; problem?: string } {
  const value = req.get(name);
  if (value === undefined) return {};
  const problem = stringProblem(value, 255);
  return problem ? { problem: `headers.${name}: ${problem}` } : { value };
}

interface Applied {
  outcome: DeliveryOutcome;
  orderId?: string | null;
  externalId?: string | null;
  reason?: string;
  payload?: unknown;
}

async function apply(
  deps: WebhookDeps,
  connection: ChannelConnection,
  shop: string,
  event: ShopOrderEvent,
): Promise<Applied> {
  if (event.kind === 'ignored') return { outcome: 'ignored', reason: event.reason };
  if (event.kind === 'unmappable') return { outcome: 'unmapped', reason: event.reason, externalId: event.externalId };

  const { merchantId } = connection;
  const existing = await deps.orders.findByExternalId(merchantId, event.order.channel, event.externalId);
  if (event.cancelled) {
    if (!existing)
      return {
        outcome: 'ignored',
        externalId: event.externalId,
        reason: 'Cancelled on the shop before the platform received it',
      };
    // Typically the shop echoing a cancellation the platform itself sent.
    if (existing.status === 'CANCELLED')
      return { outcome: 'ignored', orderId: existing.id, externalId: event.externalId, reason: 'Already cancelled' };
    await deps.orders.signal(existing.id, 'cancel', {
      by: `${shop} (cancelled on the shop)`,
      reason: `cancelled on ${shop}`,
      fromChannel: true,
    });
    return { outcome: 'updated', orderId: existing.id, externalId: event.externalId };
  }
  if (existing) {
    if (event.paid && existing.status === 'AWAITING_PAYMENT') {
      await deps.orders.signal(existing.id, 'paymentAccepted', { by: `${shop} (payment received)` });
      return { outcome: 'updated', orderId: existing.id, externalId: event.externalId };
    }
    return {
      outcome: 'ignored',
      orderId: existing.id,
      externalId: event.externalId,
      reason: 'Nothing new for an order already received',
    };
  }
  // Paid on the shop by the time we hear of it: no reason to wait for a payment confirmation.
  const order =
    event.paid && event.order.payment.method === 'bank_transfer'
      ? { ...event.order, payment: { ...event.order.payment, method: 'prepaid' as const } }
      : event.order;
  const created = await deps.orders.createOrder(merchantId, order, { channelConnectionId: connection.id });
  return { outcome: created.created ? 'created' : 'ignored', orderId: created.order.id, externalId: event.externalId };
}

async function record(
  deps: WebhookDeps,
  connection: ChannelConnection,
  deliveryId: string,
  topic: string,
  result: Applied,
): Promise<void> {
  await recordDelivery(deps.db, {
    connectionId: connection.id,
    deliveryId,
    topic,
    outcome: result.outcome,
    externalId: result.externalId ?? null,
    orderId: result.orderId ?? null,
    reason: result.reason ?? null,
    ...(result.payload !== undefined ? { payload: result.payload } : {}),
  });
}
