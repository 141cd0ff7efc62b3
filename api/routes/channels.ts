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
import { mapSalesChannels } from '../../channels/registry.js';
import type { SecretBox } from '../../db/secret-box.js';
import { merchantOf, scopeOf } from '../auth.js';
import { HttpError, notFound } from '../errors.js';
import { idempotent } from '../idempotency.js';
import { parseBody, parseQuery } from '../validation.js';

const shopUrl = z
  .url({ protocol: /^https?$/ })
  .max(2048)
  .transform((u) => u.replace(/\/+$/, ''))
  .meta({ example: 'https://acme.myshopify.com' });
const secret = z.string().min(8).max(500);

/** One variant per registered sales channel: the shop, its webhook secret, and that channel's API credentials. */
export const CreateChannel = z
  .discriminatedUnion(
    'type',
    mapSalesChannels((channel) =>
      z
        .object({ type: z.literal(channel.type), shopUrl, webhookSecret: secret, ...channel.credentials.shape })
        .strict(),
    ),
  )
  .meta({ id: 'CreateChannel' });

export const RotateSecret = z.object({ webhookSecret: secret }).strict().meta({ id: 'RotateWebhookSecret' });

export const ChannelView = z
  .object({
    id: z.string(),
    type: z.enum(mapSalesChannels((channel) => channel.type)),
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
  .meta({ id: 'Channel' });

export const DeliveryQuery = z.object({
  outcome: z.enum(['created', 'updated', 'ignored', 'unmapped']).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

/** Shop connections: credentials are write-only (stored encrypted, never returned). */
export function channelRoutes(
  db: Db,
  box: SecretBox | null,
  opts: { publicBaseUrl: string | undefined; secretGraceMs: number },
): Router {
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
  const view = (req: Request, c: ChannelConnection): z.infer<typeof ChannelView> => {
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
