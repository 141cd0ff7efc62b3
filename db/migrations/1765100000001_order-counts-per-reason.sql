-- Up Migration

-- The counts per status kept since 1765100000000 become counts per status and per review reason, so that the
-- listing's reason counts are read, not counted (a scan of every order with a reason of a large merchant).
DROP TRIGGER orders_count_statuses ON orders;
DROP FUNCTION count_order_statuses();
DROP FUNCTION bump_order_status_count(text, text, integer);
DROP TABLE order_status_counts;

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

-- Down Migration

DROP TRIGGER orders_count_moves ON orders;
DROP TRIGGER orders_count ON orders;
DROP FUNCTION count_orders();
DROP TABLE order_counts;

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
