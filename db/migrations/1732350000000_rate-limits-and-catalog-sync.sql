-- Up Migration

-- Rate-limit counters shared by every API replica (rate-limiter-flexible's PostgreSQL store: this exact shape).
CREATE TABLE rate_limits (
  key    varchar(255) PRIMARY KEY,
  points integer NOT NULL DEFAULT 0,
  expire bigint
);

-- When the supplier's catalogue was last copied: readiness waits for the first copy, so that a new platform
-- never lists an empty catalogue just because the schedule has not run yet.
CREATE TABLE catalog_sync (
  id        boolean PRIMARY KEY DEFAULT true CHECK (id),
  synced_at timestamptz NOT NULL,
  products  integer NOT NULL
);

-- Down Migration

DROP TABLE catalog_sync;
DROP TABLE rate_limits;
