import { Router, type Request } from 'express';
import { z } from 'zod';
import {
  createConnection,
  deleteConnection,
  getConnection,
  listConnections,
  listDeliveries,
  rotateWebhookSecret,
  type ChannelConnection,
} from '../../db/channels.js';
import type { Db } from '../../db/pool.js';
import { mapChannels, type SalesChannels } from '../../channels/sales-channel.js';
import type { SecretBox } from '../../db/secret-box.js';
import { merchantOf, scopeOf } from '../auth.js';
import { HttpError, notFound } from '../errors.js';
import { idempotent } from '../idempotency.js';
import { parseBody, parseQuery } from '../validation.js';
import type { Spec } from '../openapi-spec.js';
import { channelDirectory, SalesChannelInfo } from '../channel-directory.js';

const shopUrl = z
  .url({ protocol: /^https?$/ })
  .max(2048)
  .transform((u) => u.replace(/\/+$/, ''))
  .meta({ example: 'https://shop.example.com' });
const secret = z.string().min(8).max(500);

export const RotateSecret = z.object({ webhookSecret: secret }).strict().meta({ id: 'RotateWebhookSecret' });

/** The connection schemas, which follow the sales channels the platform registers. */
export function channelSchemas(channels: SalesChannels) {
  return {
    /** One variant per sales channel: the shop, its webhook secret, and that channel's API credentials. */
    CreateChannel: z
      .discriminatedUnion(
        'type',
        mapChannels(channels, (channel) =>
          z
            .object({ type: z.literal(channel.type), shopUrl, webhookSecret: secret, ...channel.credentials.shape })
            .strict(),
        ),
      )
      .meta({ id: 'CreateChannel' }),
    ChannelView: z
      .object({
        id: z.string(),
        type: z.enum(mapChannels(channels, (channel) => channel.type)),
        shopUrl: z.string(),
        webhookUrl: z
          .string()
          .meta({ description: "Paste it into the shop's webhook settings (order creation and update topics)" }),
        createdAt: z.string(),
        secretRotatedUntil: z
          .string()
          .nullable()
          .meta({ description: 'Until then the previous webhook secret is still accepted' }),
      })
      .meta({ id: 'Channel' }),
  };
}

export const DeliveryQuery = z.object({
  outcome: z.enum(['created', 'updated', 'ignored', 'unmapped']).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

type ChannelViewBody = z.infer<ReturnType<typeof channelSchemas>['ChannelView']>;

/** Shop connections: credentials are write-only (stored encrypted, never returned). */
export function channelRoutes(
  db: Db,
  box: SecretBox | null,
  channels: SalesChannels,
  opts: { publicBaseUrl: string | undefined; secretGraceMs: number },
): Router {
  const { CreateChannel } = channelSchemas(channels);
  const { publicBaseUrl } = opts;
  const router = Router();
  const requireBox = (): SecretBox => {
    if (!box)
      throw new HttpError(
        503,
        'CHANNELS_NOT_CONFIGURED',
        'SECRETS_KEY is not set on this platform: shop connections are unavailable',
      );
    return box;
  };
  const view = (req: Request, c: ChannelConnection): ChannelViewBody => {
    const base = publicBaseUrl ?? `${req.protocol}://${req.get('host') ?? 'localhost'}`;
    return {
      id: c.id,
      type: c.type,
      shopUrl: c.shopUrl,
      webhookUrl: `${base}/webhooks/${c.type}/${c.id}`,
      createdAt: c.createdAt,
      secretRotatedUntil: c.secretRotatedUntil,
    };
  };

  // What the console shows for each order's channel, and how each shop platform's webhooks are signed and named.
  const directory = { items: channelDirectory(channels) };
  router.get('/v1/sales-channels', (_req, res) => {
    res.json(directory);
  });

  router.post('/v1/channels', idempotent(db), async (req, res) => {
    const merchantId = merchantOf(req);
    const { type, shopUrl, webhookSecret, ...credentials } = parseBody(CreateChannel, req);
    const created = await createConnection(db, requireBox(), { merchantId, type, shopUrl, webhookSecret, credentials });
    res.status(201).json(view(req, created));
  });

  router.get('/v1/channels', async (req, res) => {
    res.json({ items: (await listConnections(db, merchantOf(req))).map((c) => view(req, c)) });
  });

  router.get('/v1/channels/:id', async (req, res) => {
    const c = await getConnection(db, req.params.id, scopeOf(req));
    if (!c) throw notFound('Channel');
    res.json(view(req, c));
  });

  router.delete('/v1/channels/:id', async (req, res) => {
    if (!(await deleteConnection(db, req.params.id, merchantOf(req)))) throw notFound('Channel');
    res.status(204).end();
  });

  router.put('/v1/channels/:id/webhook-secret', async (req, res) => {
    const merchantId = merchantOf(req);
    const body = parseBody(RotateSecret, req);
    const rotated = await rotateWebhookSecret(db, requireBox(), {
      id: req.params.id,
      merchantId,
      secret: body.webhookSecret,
      graceMs: opts.secretGraceMs,
    });
    if (!rotated) throw notFound('Channel');
    res.json(view(req, rotated));
  });

  router.get('/v1/channels/:id/deliveries', async (req, res) => {
    const c = await getConnection(db, req.params.id, scopeOf(req));
    if (!c) throw notFound('Channel');
    const q = parseQuery(DeliveryQuery, req);
    res.json({ items: await listDeliveries(db, c.id, q.outcome, q.limit) });
  });

  return router;
}

/** The rows of /openapi.json these routes serve. */
export function channelSpecs(channels: SalesChannels): Spec[] {
  const { CreateChannel, ChannelView } = channelSchemas(channels);
  return [
    {
      method: 'get',
      path: '/v1/sales-channels',
      summary: "Every channel an order can come from, with its label and kind; shops' webhook headers and topics",
      ok: [200, z.object({ items: z.array(SalesChannelInfo) }).meta({ id: 'SalesChannelList' }), 'Channels'],
      errors: [401],
    },
    {
      method: 'post',
      path: '/v1/channels',
      summary: `Connect a ${channels.map((c) => c.label).join(' or ')} shop; answers the webhook URL to paste into the shop`,
      body: CreateChannel,
      ok: [201, ChannelView, 'Connected (credentials are stored encrypted and never returned)'],
      errors: [400, 401, 403, 422, 503],
      idempotent: true,
    },
    {
      method: 'get',
      path: '/v1/channels',
      summary: "The merchant's shop connections",
      ok: [200, z.object({ items: z.array(ChannelView) }), 'Connections'],
      errors: [401, 403],
    },
    {
      method: 'get',
      path: '/v1/channels/{id}',
      summary: 'One shop connection',
      ok: [200, ChannelView, 'The connection'],
      errors: [401, 404],
    },
    {
      method: 'delete',
      path: '/v1/channels/{id}',
      summary: 'Disconnect a shop (its webhooks are refused from then on)',
      ok: [204, z.null(), 'Disconnected'],
      errors: [401, 403, 404],
    },
    {
      method: 'put',
      path: '/v1/channels/{id}/webhook-secret',
      summary: "Rotate the shop's webhook secret; the previous one stays valid for WEBHOOK_SECRET_GRACE",
      body: RotateSecret,
      ok: [200, ChannelView, 'Rotated'],
      errors: [400, 401, 403, 404, 422],
    },
    {
      method: 'get',
      path: '/v1/channels/{id}/deliveries',
      summary:
        'Webhook deliveries received, incl. those that could not be mapped (outcome=unmapped) with the reason and payload',
      query: DeliveryQuery,
      ok: [200, z.object({ items: z.array(z.unknown()) }), 'Deliveries, newest first'],
      errors: [401, 404, 422],
    },
  ];
}
