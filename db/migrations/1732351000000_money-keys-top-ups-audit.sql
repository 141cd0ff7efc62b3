-- Up Migration

-- Every API key, merchant or operator, in one table: a merchant holds several (rotation), an operator acts with a
-- named key so that the audit log says who did what. Only a SHA-256 of a key is kept (keys are 256-bit random),
-- `display` is what a listing shows of it.
CREATE TABLE api_keys (
  id            text PRIMARY KEY,
  kind          text NOT NULL CHECK (kind IN ('merchant', 'operator')),
  merchant_id   text REFERENCES merchants (id),
  operator_name text,
  label         text NOT NULL,
  key_hash      text NOT NULL UNIQUE,
  display       text NOT NULL,
  created_at    timestamptz NOT NULL DEFAULT now(),
  created_by    text NOT NULL,
  -- Written at most about once a minute per key: enough to tell a key in use from a forgotten one.
  last_used_at  timestamptz,
  revoked_at    timestamptz,
  revoked_by    text,
  CHECK ((kind = 'merchant') = (merchant_id IS NOT NULL)),
  CHECK ((kind = 'operator') = (operator_name IS NOT NULL))
);
CREATE INDEX api_keys_merchant ON api_keys (merchant_id, created_at) WHERE merchant_id IS NOT NULL;

-- Existing merchant keys keep working: they move here with what was known of them (the first characters).
INSERT INTO api_keys (id, kind, merchant_id, label, key_hash, display, created_at, created_by)
SELECT 'key_' || substr(md5(id), 1, 20), 'merchant', id, 'first key', api_key_hash, api_key_prefix || '…', created_at, 'operator'
FROM merchants;
ALTER TABLE merchants DROP COLUMN api_key_hash, DROP COLUMN api_key_prefix;

-- Who did what to whose money, and why: every confirm, reject and adjustment by an operator, and key management.
CREATE TABLE audit_log (
  id              bigserial PRIMARY KEY,
  at              timestamptz NOT NULL DEFAULT now(),
  -- The operator's name ("root" for the configured root key) and the key it used.
  actor           text NOT NULL,
  actor_key_id    text NOT NULL,
  action          text NOT NULL,
  merchant_id     text REFERENCES merchants (id),
  target          text,
  amount          bigint,
  currency        char(3),
  reason          text,
  details         jsonb NOT NULL DEFAULT '{}',
  -- The business key of the action: a retried action records one row.
  idempotency_key text NOT NULL UNIQUE
);
CREATE INDEX audit_log_merchant ON audit_log (merchant_id, id DESC);

-- The listing projection of the top-up workflows (the workflow is the source of truth), as for orders.
CREATE TABLE top_ups (
  id                text PRIMARY KEY,
  merchant_id       text NOT NULL REFERENCES merchants (id),
  method            text NOT NULL CHECK (method IN ('paypal', 'bank_transfer')),
  status            text NOT NULL CHECK (status IN ('PENDING', 'COMPLETED', 'FAILED', 'REJECTED', 'EXPIRED')),
  amount            bigint NOT NULL CHECK (amount > 0),
  currency          char(3) NOT NULL,
  -- What the merchant writes on a bank transfer: how the finance desk matches a transfer to its top-up. Unique
  -- because its digits are the id's (a UNIQUE here would only make the API's first write and the workflow's race).
  payment_reference text,
  view              jsonb NOT NULL,
  version           integer NOT NULL,
  created_at        timestamptz NOT NULL,
  updated_at        timestamptz NOT NULL
);
CREATE INDEX top_ups_merchant ON top_ups (merchant_id, created_at DESC, id DESC);
CREATE INDEX top_ups_reference ON top_ups (payment_reference) WHERE payment_reference IS NOT NULL;
CREATE INDEX top_ups_pending ON top_ups (created_at, id) WHERE status = 'PENDING';

-- Money enters a wallet only through a completed top-up or an audited adjustment; the database holds that too.
-- Top-ups credited before this migration (by the withdrawn merchant call) stay as history, marked legacy.
ALTER TABLE wallet_transactions DROP CONSTRAINT wallet_transactions_kind_check;
ALTER TABLE wallet_transactions
  ADD CONSTRAINT wallet_transactions_kind_check CHECK (kind IN ('top_up', 'adjustment', 'hold', 'capture', 'release', 'refund')),
  ADD COLUMN top_up_id text REFERENCES top_ups (id),
  ADD COLUMN audit_id bigint REFERENCES audit_log (id),
  ADD COLUMN legacy boolean NOT NULL DEFAULT false;
UPDATE wallet_transactions SET legacy = true WHERE kind = 'top_up';
ALTER TABLE wallet_transactions
  ADD CONSTRAINT wallet_transactions_top_up_traced CHECK (kind <> 'top_up' OR top_up_id IS NOT NULL OR legacy),
  ADD CONSTRAINT wallet_transactions_adjustment_audited CHECK (kind <> 'adjustment' OR audit_id IS NOT NULL),
  ADD CONSTRAINT wallet_transactions_legacy_top_ups CHECK (NOT legacy OR kind = 'top_up');
CREATE UNIQUE INDEX wallet_transactions_one_credit_per_top_up ON wallet_transactions (top_up_id) WHERE top_up_id IS NOT NULL;

-- PayPal is linked through PayPal's vault flow only. Vault ids typed in by merchants cannot be trusted (one could
-- have entered another merchant's), so they are dropped and those merchants link PayPal again.
UPDATE merchant_settings SET paypal_enabled = false WHERE paypal_vault_id IS NOT NULL;
ALTER TABLE merchant_settings
  DROP COLUMN paypal_vault_id,
  -- The payment token id, sealed with SECRETS_KEY: whoever reads it can charge the merchant's PayPal.
  ADD COLUMN paypal_vault_id_enc text,
  -- Its last characters, so that a listing can show which token is linked without unsealing it.
  ADD COLUMN paypal_vault_hint text,
  ADD COLUMN paypal_payer_email text,
  ADD COLUMN paypal_customer_id text,
  ADD COLUMN paypal_linked_at timestamptz;

-- Links started (a setup token awaiting the merchant's approval at PayPal), found again by the setup token id
-- PayPal appends to the return URL.
CREATE TABLE paypal_link_attempts (
  setup_token_id text PRIMARY KEY,
  merchant_id    text NOT NULL REFERENCES merchants (id),
  status         text NOT NULL CHECK (status IN ('PENDING', 'LINKED', 'CANCELLED', 'FAILED')),
  approve_url    text NOT NULL,
  failure        text,
  created_at     timestamptz NOT NULL DEFAULT now(),
  finished_at    timestamptz
);
CREATE INDEX paypal_link_attempts_merchant ON paypal_link_attempts (merchant_id, created_at DESC);

-- Down Migration

DROP TABLE paypal_link_attempts;
ALTER TABLE merchant_settings
  DROP COLUMN paypal_vault_id_enc,
  DROP COLUMN paypal_vault_hint,
  DROP COLUMN paypal_payer_email,
  DROP COLUMN paypal_customer_id,
  DROP COLUMN paypal_linked_at,
  ADD COLUMN paypal_vault_id text;
DROP INDEX wallet_transactions_one_credit_per_top_up;
DELETE FROM wallet_transactions WHERE kind = 'adjustment' OR top_up_id IS NOT NULL;
ALTER TABLE wallet_transactions
  DROP CONSTRAINT wallet_transactions_legacy_top_ups,
  DROP CONSTRAINT wallet_transactions_adjustment_audited,
  DROP CONSTRAINT wallet_transactions_top_up_traced,
  DROP CONSTRAINT wallet_transactions_kind_check,
  DROP COLUMN legacy,
  DROP COLUMN audit_id,
  DROP COLUMN top_up_id,
  ADD CONSTRAINT wallet_transactions_kind_check CHECK (kind IN ('top_up', 'hold', 'capture', 'release', 'refund'));
DROP TABLE top_ups;
DROP TABLE audit_log;
ALTER TABLE merchants ADD COLUMN api_key_hash text, ADD COLUMN api_key_prefix text;
UPDATE merchants m SET api_key_hash = k.key_hash, api_key_prefix = left(k.display, 7)
FROM (SELECT DISTINCT ON (merchant_id) merchant_id, key_hash, display FROM api_keys
      WHERE kind = 'merchant' AND revoked_at IS NULL ORDER BY merchant_id, created_at) k
WHERE k.merchant_id = m.id;
DROP TABLE api_keys;
