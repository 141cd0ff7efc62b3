import { randomBytes } from 'node:crypto';
import type { SecretBox } from './secret-box.js';
import type { Db } from './pool.js';

/**
 * A shop's API credentials as the merchant posted them (accessToken; consumerKey + consumerSecret…). Their shape
 * is the sales channel's business (channels/): here they are only sealed, stored and opened.
 */
export type ChannelCredentials = Record<string, unknown>;

/** A connection as it may be shown: never its secrets. */
export interface ChannelConnection {
  id: string;
  merchantId: string;
  /** A registered sales channel's type (channel_types). */
  type: string;
  shopUrl: string;
  createdAt: string;
  secretRotatedUntil: string | null;
}

function toConnection(r: Record<string, unknown>): ChannelConnection {
  return {
    id: String(r.id),
    merchantId: String(r.merchant_id),
    type: String(r.type),
    shopUrl: String(r.shop_url),
    createdAt: new Date(r.created_at as string).toISOString(),
    secretRotatedUntil: r.previous_secret_valid_until
      ? new Date(r.previous_secret_valid_until as string).toISOString()
      : null,
  };
}

export async function createConnection(
  db: Db,
  box: SecretBox,
  input: { merchantId: string; type: string; shopUrl: string; webhookSecret: string; credentials: ChannelCredentials },
): Promise<ChannelConnection> {
  const id = `chc_${randomBytes(9).toString('base64url')}`;
  const { rows } = await db.query(
    `INSERT INTO channel_connections (id, merchant_id, type, shop_url, webhook_secret_enc, credentials_enc)
     VALUES ($1, $2, $3, $4, $5, $6) RETURNING *`,
    // The type is sealed with the credentials too, as it always was: older rows read the same.
    [
      id,
      input.merchantId,
      input.type,
      input.shopUrl,
      box.seal(input.webhookSecret),
      box.seal(JSON.stringify({ type: input.type, ...input.credentials })),
    ],
  );
  return toConnection(rows[0]);
}

export async function listConnections(db: Db, merchantId: string): Promise<ChannelConnection[]> {
  const { rows } = await db.query(
    'SELECT * FROM channel_connections WHERE merchant_id = $1 AND deleted_at IS NULL ORDER BY created_at ASC',
    [merchantId],
  );
  return rows.map(toConnection);
}

export async function getConnection(db: Db, id: string, merchantId: string | null): Promise<ChannelConnection | null> {
  const { rows } = await db.query(
    'SELECT * FROM channel_connections WHERE id = $1 AND deleted_at IS NULL AND ($2::text IS NULL OR merchant_id = $2)',
    [id, merchantId],
  );
  return rows[0] ? toConnection(rows[0]) : null;
}

export async function deleteConnection(db: Db, id: string, merchantId: string): Promise<boolean> {
  const res = await db.query(
    'UPDATE channel_connections SET deleted_at = now() WHERE id = $1 AND merchant_id = $2 AND deleted_at IS NULL',
    [id, merchantId],
  );
  return res.rowCount === 1;
}

/** The new secret signs from now on; the old one stays valid for `graceMs` for deliveries already in flight. */
export async function rotateWebhookSecret(
  db: Db,
  box: SecretBox,
  input: { id: string; merchantId: string; secret: string; graceMs: number },
): Promise<ChannelConnection | null> {
  const { rows } = await db.query(
    `UPDATE channel_connections
     SET previous_webhook_secret_enc = webhook_secret_enc,
         previous_secret_valid_until = now() + make_interval(secs => $4::double precision / 1000),
         webhook_secret_enc = $3
     WHERE id = $1 AND merchant_id = $2 AND deleted_at IS NULL RETURNING *`,
    [input.id, input.merchantId, box.seal(input.secret), input.graceMs],
  );
  return rows[0] ? toConnection(rows[0]) : null;
}

/** What a webhook needs: the connection and every secret that may sign a delivery right now. */
export async function loadForWebhook(
  db: Db,
  box: SecretBox,
  id: string,
): Promise<{ connection: ChannelConnection; secrets: string[] } | null> {
  const { rows } = await db.query(
    `SELECT *, previous_secret_valid_until > now() AS previous_valid FROM channel_connections WHERE id = $1 AND deleted_at IS NULL`,
    [id],
  );
  const r = rows[0];
  if (!r) return null;
  const secrets = [box.open(String(r.webhook_secret_enc))];
  if (r.previous_valid && r.previous_webhook_secret_enc) secrets.push(box.open(String(r.previous_webhook_secret_enc)));
  return { connection: toConnection(r), secrets };
}

/**
 * API credentials to call the shop back; still readable after the merchant removed the connection. Unknown until
 * the connection's sales channel checks them against its schema.
 */
export async function loadCredentials(
  db: Db,
  box: SecretBox,
  id: string,
): Promise<{ connection: ChannelConnection; credentials: unknown } | null> {
  const { rows } = await db.query('SELECT * FROM channel_connections WHERE id = $1', [id]);
  const r = rows[0];
  if (!r) return null;
  return { connection: toConnection(r), credentials: JSON.parse(box.open(String(r.credentials_enc))) as unknown };
}

/**
 * Makes channel_types list the sales channels the code registers (channels/registry.ts), so that a connection's
 * type is one of them (a foreign key). Run at every start, after the migrations; idempotent and safe for
 * processes starting together. A channel dropped from the code keeps its row: its connections still reference it.
 */
export async function syncChannelTypes(db: Db, channels: readonly { type: string; label: string }[]): Promise<void> {
  await db.query(
    `INSERT INTO channel_types (type, label) SELECT * FROM unnest($1::text[], $2::text[])
     ON CONFLICT (type) DO UPDATE SET label = EXCLUDED.label WHERE channel_types.label IS DISTINCT FROM EXCLUDED.label`,
    [channels.map((c) => c.type), channels.map((c) => c.label)],
  );
}

export type DeliveryOutcome = 'created' | 'updated' | 'ignored' | 'unmapped';

export interface DeliveryRecord {
  connectionId: string;
  deliveryId: string;
  topic: string;
  outcome: DeliveryOutcome;
  externalId?: string | null;
  orderId?: string | null;
  reason?: string | null;
  payload?: unknown;
}

export async function findDelivery(
  db: Db,
  connectionId: string,
  deliveryId: string,
): Promise<{ outcome: DeliveryOutcome; orderId: string | null } | null> {
  const { rows } = await db.query(
    'SELECT outcome, order_id FROM webhook_deliveries WHERE connection_id = $1 AND delivery_id = $2',
    [connectionId, deliveryId],
  );
  return rows[0]
    ? { outcome: rows[0].outcome as DeliveryOutcome, orderId: (rows[0].order_id as string | null) ?? null }
    : null;
}

export async function recordDelivery(db: Db, d: DeliveryRecord): Promise<void> {
  await db.query(
    `INSERT INTO webhook_deliveries (connection_id, delivery_id, topic, outcome, external_id, order_id, reason, payload)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT DO NOTHING`,
    [
      d.connectionId,
      d.deliveryId,
      d.topic,
      d.outcome,
      d.externalId ?? null,
      d.orderId ?? null,
      d.reason ?? null,
      d.payload === undefined ? null : JSON.stringify(d.payload),
    ],
  );
}

export interface DeliveryView {
  deliveryId: string;
  topic: string;
  receivedAt: string;
  outcome: DeliveryOutcome;
  externalId: string | null;
  orderId: string | null;
  reason: string | null;
  payload: unknown;
}

export async function listDeliveries(
  db: Db,
  connectionId: string,
  outcome: DeliveryOutcome | undefined,
  limit: number,
): Promise<DeliveryView[]> {
  const { rows } = await db.query(
    `SELECT * FROM webhook_deliveries WHERE connection_id = $1 AND ($2::text IS NULL OR outcome = $2)
     ORDER BY received_at DESC LIMIT $3`,
    [connectionId, outcome ?? null, limit],
  );
  return rows.map((r) => ({
    deliveryId: String(r.delivery_id),
    topic: String(r.topic),
    receivedAt: new Date(r.received_at).toISOString(),
    outcome: r.outcome as DeliveryOutcome,
    externalId: (r.external_id as string | null) ?? null,
    orderId: (r.order_id as string | null) ?? null,
    reason: (r.reason as string | null) ?? null,
    payload: r.payload ?? null,
  }));
}
