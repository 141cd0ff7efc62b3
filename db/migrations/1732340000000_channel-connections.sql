-- Up Migration

-- A merchant's shop connectors. Secrets and API credentials are stored encrypted (AES-256-GCM, SECRETS_KEY).
CREATE TABLE channel_connections (
  id                          text PRIMARY KEY,
  merchant_id                 text NOT NULL REFERENCES merchants (id),
  type                        text NOT NULL CHECK (type IN ('shopify', 'woocommerce')),
  shop_url                    text NOT NULL,
  webhook_secret_enc          text NOT NULL,
  -- After a rotation the previous secret stays valid until this time, so deliveries signed before the
  -- shop picked up the new secret are not lost.
  previous_webhook_secret_enc text,
  previous_secret_valid_until timestamptz,
  credentials_enc             text NOT NULL,
  created_at                  timestamptz NOT NULL DEFAULT now(),
  deleted_at                  timestamptz
);
CREATE INDEX channel_connections_merchant ON channel_connections (merchant_id) WHERE deleted_at IS NULL;

-- Every webhook delivery accepted (signature valid): deduplicates at-least-once delivery and keeps what could
-- not be mapped for the operator.
CREATE TABLE webhook_deliveries (
  connection_id text NOT NULL REFERENCES channel_connections (id),
  delivery_id   text NOT NULL,
  topic         text NOT NULL,
  received_at   timestamptz NOT NULL DEFAULT now(),
  outcome       text NOT NULL CHECK (outcome IN ('created', 'updated', 'ignored', 'unmapped')),
  external_id   text,
  order_id      text,
  reason        text,
  payload       jsonb,
  PRIMARY KEY (connection_id, delivery_id)
);
CREATE INDEX webhook_deliveries_unmapped ON webhook_deliveries (connection_id, received_at DESC) WHERE outcome = 'unmapped';

-- Down Migration

DROP TABLE webhook_deliveries;
DROP TABLE channel_connections;
