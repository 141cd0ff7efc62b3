-- Up Migration

-- People who sign in to the console with an e-mail and a password: a merchant's owner and staff, and operators
-- (the finance desk, support). API keys stay for scripts; a session is one more kind of principal beside them.
CREATE TABLE users (
  id                 text PRIMARY KEY,
  -- As typed; compared case-insensitively (index below).
  email              text NOT NULL,
  name               text NOT NULL DEFAULT '',
  role               text NOT NULL CHECK (role IN ('owner', 'staff', 'operator')),
  merchant_id        text REFERENCES merchants (id),
  -- argon2id (PHC string); null until the person completes the set-up link.
  password_hash      text,
  -- Only the SHA-256 of the one-time set-up token; the link itself is shown once, to whoever created it.
  setup_token_hash   text UNIQUE,
  setup_expires_at   timestamptz,
  created_at         timestamptz NOT NULL DEFAULT now(),
  created_by         text NOT NULL,
  last_sign_in_at    timestamptz,
  -- A removed user keeps its row (the audit log names it) and frees its e-mail for a new invitation.
  disabled_at        timestamptz,
  disabled_by        text,
  CHECK ((role = 'operator') = (merchant_id IS NULL)),
  CHECK ((setup_token_hash IS NULL) = (setup_expires_at IS NULL))
);
CREATE UNIQUE INDEX users_email ON users (lower(email)) WHERE disabled_at IS NULL;
CREATE INDEX users_merchant ON users (merchant_id, created_at) WHERE merchant_id IS NOT NULL;

-- Signed-in browsers. Only the SHA-256 of the cookie's random token is kept: a copy of this table signs nobody in.
-- A session ends at the first of idle_expires_at (moved forward as it is used) and expires_at (fixed at sign-in).
CREATE TABLE sessions (
  token_hash       text PRIMARY KEY,
  user_id          text NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  created_at       timestamptz NOT NULL DEFAULT now(),
  last_seen_at     timestamptz NOT NULL DEFAULT now(),
  idle_expires_at  timestamptz NOT NULL,
  expires_at       timestamptz NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);
CREATE INDEX sessions_expires ON sessions (expires_at);

-- Down Migration

DROP TABLE sessions;
DROP TABLE users;
