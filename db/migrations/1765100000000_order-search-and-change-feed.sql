-- Up Migration

-- Trigram indexes answer "contains" searches (a part of an e-mail, of a name, of an order number) from an index.
-- pg_trgm ships with PostgreSQL (contrib) and is a trusted extension: the database owner may create it.
CREATE EXTENSION IF NOT EXISTS pg_trgm;

-- What the order listing searches and sorts by, kept from the projected view by PostgreSQL itself, so that no
-- projection write can forget it: the shop's order number, the customer's name and e-mail and the SKUs, in lower
-- case; and the order's total as the customer paid it.
ALTER TABLE orders
  ADD COLUMN search_text text GENERATED ALWAYS AS (
    lower(
      external_id || ' ' || coalesce(view #>> '{customer,name}', '') || ' ' || coalesce(view #>> '{customer,email}', '')
        || ' ' || coalesce(jsonb_path_query_array(view, '$.items[*].sku')::text, '')
    )
  ) STORED,
  ADD COLUMN total bigint GENERATED ALWAYS AS ((view #>> '{payment,amountPaid}')::bigint) STORED;

CREATE INDEX orders_search ON orders USING gin (search_text gin_trgm_ops);
-- Status tabs, newest first (per merchant, and across merchants for operators); also counts per status.
DROP INDEX orders_merchant_status;
CREATE INDEX orders_merchant_status_created ON orders (merchant_id, status, created_at DESC, id DESC);
CREATE INDEX orders_status_created ON orders (status, created_at DESC, id DESC);
-- A channel's orders per status (its tab, its counts) from the index alone.
CREATE INDEX orders_merchant_channel_status ON orders (merchant_id, channel, status, created_at DESC, id DESC);
-- Sorted by total.
CREATE INDEX orders_merchant_total ON orders (merchant_id, total DESC, id DESC);
CREATE INDEX orders_total ON orders (total DESC, id DESC);
-- Counts per review reason read only the orders that have one, from the index alone.
CREATE INDEX orders_merchant_reasons ON orders (merchant_id) INCLUDE (review_reasons, status, channel, created_at)
  WHERE review_reasons <> '{}';

-- The listing's tabs count every order of a merchant per status: kept up to date by the orders table's own trigger
-- rather than counted on each request (a scan of every order of a large merchant). Filtered counts (a search, a
-- channel, dates) are still counted from the orders themselves.
CREATE TABLE order_status_counts (
  merchant_id text NOT NULL,
  status      text NOT NULL,
  n           bigint NOT NULL,
  PRIMARY KEY (merchant_id, status)
);
INSERT INTO order_status_counts (merchant_id, status, n)
SELECT merchant_id, status, count(*) FROM orders GROUP BY merchant_id, status;

CREATE FUNCTION bump_order_status_count(merchant text, order_status text, delta integer) RETURNS void
LANGUAGE sql AS $$
  INSERT INTO order_status_counts (merchant_id, status, n) VALUES (merchant, order_status, delta)
  ON CONFLICT (merchant_id, status) DO UPDATE SET n = order_status_counts.n + EXCLUDED.n
$$;

CREATE FUNCTION count_order_statuses() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    PERFORM bump_order_status_count(NEW.merchant_id, NEW.status, 1);
  ELSIF TG_OP = 'DELETE' THEN
    PERFORM bump_order_status_count(OLD.merchant_id, OLD.status, -1);
  ELSIF OLD.status IS DISTINCT FROM NEW.status THEN
    -- The two rows in the same order whichever way an order moves: two orders moving oppositely never deadlock.
    IF OLD.status < NEW.status THEN
      PERFORM bump_order_status_count(OLD.merchant_id, OLD.status, -1);
      PERFORM bump_order_status_count(NEW.merchant_id, NEW.status, 1);
    ELSE
      PERFORM bump_order_status_count(NEW.merchant_id, NEW.status, 1);
      PERFORM bump_order_status_count(OLD.merchant_id, OLD.status, -1);
    END IF;
  END IF;
  RETURN NULL;
END $$;

CREATE TRIGGER orders_count_statuses AFTER INSERT OR DELETE OR UPDATE OF status ON orders
  FOR EACH ROW EXECUTE FUNCTION count_order_statuses();

-- The audit log filtered by who did it and when.
CREATE INDEX audit_log_actor ON audit_log (actor, id DESC);
CREATE INDEX audit_log_at ON audit_log (at DESC);

-- The live feed (GET /v1/events): every projection write of an order, a top-up or a wallet notifies the API
-- processes listening on `platform_changes`, in the writing transaction (delivered only if it commits, in commit
-- order). The payload carries ids only; the sequence numbers the changes so that a browser can resume.
CREATE SEQUENCE change_events_seq;

CREATE FUNCTION notify_platform_change() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  entity text;
BEGIN
  -- Each branch is prepared only when taken: wallets have no id column, their merchant is the entity.
  IF TG_TABLE_NAME = 'wallets' THEN
    entity := NEW.merchant_id;
  ELSE
    entity := NEW.id;
  END IF;
  PERFORM pg_notify('platform_changes', json_build_object(
    's', nextval('change_events_seq'), 'k', TG_ARGV[0], 'i', entity, 'm', NEW.merchant_id)::text);
  RETURN NULL;
END $$;

CREATE TRIGGER orders_notify AFTER INSERT OR UPDATE ON orders
  FOR EACH ROW EXECUTE FUNCTION notify_platform_change('order');
CREATE TRIGGER top_ups_notify AFTER INSERT OR UPDATE ON top_ups
  FOR EACH ROW EXECUTE FUNCTION notify_platform_change('top-up');
CREATE TRIGGER wallets_notify AFTER INSERT OR UPDATE ON wallets
  FOR EACH ROW EXECUTE FUNCTION notify_platform_change('wallet');

-- Down Migration

DROP TRIGGER orders_count_statuses ON orders;
DROP FUNCTION count_order_statuses();
DROP FUNCTION bump_order_status_count(text, text, integer);
DROP TABLE order_status_counts;

DROP TRIGGER wallets_notify ON wallets;
DROP TRIGGER top_ups_notify ON top_ups;
DROP TRIGGER orders_notify ON orders;
DROP FUNCTION notify_platform_change();
DROP SEQUENCE change_events_seq;
DROP INDEX audit_log_at;
DROP INDEX audit_log_actor;
DROP INDEX orders_merchant_reasons;
DROP INDEX orders_total;
DROP INDEX orders_merchant_total;
DROP INDEX orders_merchant_channel_status;
DROP INDEX orders_status_created;
DROP INDEX orders_merchant_status_created;
CREATE INDEX orders_merchant_status ON orders (merchant_id, status);
DROP INDEX orders_search;
ALTER TABLE orders DROP COLUMN total, DROP COLUMN search_text;
