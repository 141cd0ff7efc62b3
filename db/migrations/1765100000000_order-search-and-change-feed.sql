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

-- The listing's tabs count every order of a merchant per status, and per review reason: kept up to date by the
-- orders table's own trigger rather than counted on each request (a scan of every order of a large merchant).
-- A row with reason '' counts the orders in that status; a row with a reason, those in that status having it.
-- Filtered counts (a search, a channel, dates) are still counted from the orders themselves.
CREATE TABLE order_counts (
  merchant_id text NOT NULL,
  status      text NOT NULL,
  reason      text NOT NULL,
  n           bigint NOT NULL,
  PRIMARY KEY (merchant_id, status, reason)
);
INSERT INTO order_counts (merchant_id, status, reason, n)
SELECT merchant_id, status, reason, count(*)
FROM orders, unnest(array_prepend('', review_reasons)) AS reason
GROUP BY merchant_id, status, reason;

CREATE FUNCTION count_orders() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  change record;
BEGIN
  -- What the write adds and removes, per (status, reason); rows bumped in key order so that two orders moving
  -- oppositely at once never deadlock.
  FOR change IN
    SELECT k.status, k.reason, sum(k.delta) AS delta
    FROM (
      SELECT OLD.status AS status, r AS reason, -1 AS delta
      FROM unnest(array_prepend('', OLD.review_reasons)) AS r WHERE TG_OP <> 'INSERT'
      UNION ALL
      SELECT NEW.status, r, 1 FROM unnest(array_prepend('', NEW.review_reasons)) AS r WHERE TG_OP <> 'DELETE'
    ) k
    GROUP BY k.status, k.reason HAVING sum(k.delta) <> 0 ORDER BY k.status, k.reason
  LOOP
    INSERT INTO order_counts (merchant_id, status, reason, n)
    VALUES (coalesce(NEW.merchant_id, OLD.merchant_id), change.status, change.reason, change.delta)
    ON CONFLICT (merchant_id, status, reason) DO UPDATE SET n = order_counts.n + EXCLUDED.n;
  END LOOP;
  RETURN NULL;
END $$;

CREATE TRIGGER orders_count AFTER INSERT OR DELETE ON orders FOR EACH ROW EXECUTE FUNCTION count_orders();
-- Most projection writes change neither: they cost the comparison only.
CREATE TRIGGER orders_count_moves AFTER UPDATE ON orders FOR EACH ROW
  WHEN (OLD.status IS DISTINCT FROM NEW.status OR OLD.review_reasons IS DISTINCT FROM NEW.review_reasons)
  EXECUTE FUNCTION count_orders();

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

DROP TRIGGER orders_count_moves ON orders;
DROP TRIGGER orders_count ON orders;
DROP FUNCTION count_orders();
DROP TABLE order_counts;

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
