-- Up Migration

CREATE TABLE merchants (
  id             text PRIMARY KEY,
  name           text NOT NULL,
  -- Only a SHA-256 of the key is kept: keys are 256-bit random, so a fast hash is enough and lookups stay indexed.
  api_key_hash   text NOT NULL UNIQUE,
  api_key_prefix text NOT NULL,
  created_at     timestamptz NOT NULL DEFAULT now()
);

-- The balance lives in one row updated in the same transaction as its ledger entry; the CHECKs make an
-- overdraft impossible whatever runs concurrently.
CREATE TABLE wallets (
  merchant_id text PRIMARY KEY REFERENCES merchants (id),
  currency    char(3) NOT NULL DEFAULT 'EUR',
  balance     bigint NOT NULL DEFAULT 0 CHECK (balance >= 0),
  reserved    bigint NOT NULL DEFAULT 0 CHECK (reserved >= 0),
  updated_at  timestamptz NOT NULL DEFAULT now(),
  CHECK (reserved <= balance)
);

CREATE TABLE wallet_transactions (
  id              bigserial PRIMARY KEY,
  merchant_id     text NOT NULL REFERENCES merchants (id),
  kind            text NOT NULL CHECK (kind IN ('top_up', 'hold', 'capture', 'release', 'refund')),
  amount          bigint NOT NULL CHECK (amount > 0),
  currency        char(3) NOT NULL,
  balance_delta   bigint NOT NULL,
  reserved_delta  bigint NOT NULL,
  balance_after   bigint NOT NULL,
  reserved_after  bigint NOT NULL,
  order_id        text,
  reference       text,
  -- Business key of the movement (order id + step, or the top-up reference): a retry lands on the same row.
  idempotency_key text NOT NULL,
  -- A hold is settled (captured or released) exactly once.
  settles         text,
  created_at      timestamptz NOT NULL DEFAULT now(),
  UNIQUE (merchant_id, idempotency_key),
  UNIQUE (merchant_id, settles)
);
CREATE INDEX wallet_transactions_merchant ON wallet_transactions (merchant_id, id DESC);
CREATE INDEX wallet_transactions_order ON wallet_transactions (order_id) WHERE order_id IS NOT NULL;

CREATE TABLE merchant_settings (
  merchant_id     text PRIMARY KEY REFERENCES merchants (id),
  paypal_enabled  boolean NOT NULL DEFAULT false,
  paypal_vault_id text,
  updated_at      timestamptz NOT NULL DEFAULT now()
);

-- The listing projection of the order workflows (the workflow is the source of truth).
CREATE TABLE orders (
  id             text PRIMARY KEY,
  merchant_id    text NOT NULL REFERENCES merchants (id),
  channel        text NOT NULL,
  external_id    text NOT NULL,
  status         text NOT NULL,
  review_reasons text[] NOT NULL DEFAULT '{}',
  cost_total     bigint,
  view           jsonb NOT NULL,
  -- Monotonic per order: a late projection write never overwrites a newer one.
  version        integer NOT NULL,
  created_at     timestamptz NOT NULL,
  updated_at     timestamptz NOT NULL,
  UNIQUE (merchant_id, channel, external_id)
);
CREATE INDEX orders_merchant_created ON orders (merchant_id, created_at DESC, id DESC);
CREATE INDEX orders_created ON orders (created_at DESC, id DESC);
CREATE INDEX orders_merchant_status ON orders (merchant_id, status);
CREATE INDEX orders_review_reasons ON orders USING gin (review_reasons);

CREATE TABLE order_events (
  order_id text NOT NULL REFERENCES orders (id),
  seq      integer NOT NULL,
  at       timestamptz NOT NULL,
  type     text NOT NULL,
  status   text NOT NULL,
  actor    text,
  details  jsonb NOT NULL DEFAULT '{}',
  PRIMARY KEY (order_id, seq)
);

-- The supplier's catalogue as it last reported it.
CREATE TABLE catalog_products (
  sku       text PRIMARY KEY,
  name      text NOT NULL,
  price     bigint NOT NULL,
  currency  char(3) NOT NULL,
  stock     integer NOT NULL,
  synced_at timestamptz NOT NULL
);

-- Responses of create requests sent with an Idempotency-Key header.
CREATE TABLE idempotency_keys (
  principal    text NOT NULL,
  key          text NOT NULL,
  method       text NOT NULL,
  path         text NOT NULL,
  request_hash text NOT NULL,
  status_code  integer,
  response     jsonb,
  created_at   timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (principal, key)
);

-- Down Migration

DROP TABLE idempotency_keys;
DROP TABLE catalog_products;
DROP TABLE order_events;
DROP TABLE orders;
DROP TABLE merchant_settings;
DROP TABLE wallet_transactions;
DROP TABLE wallets;
DROP TABLE merchants;
