import type { Db } from './pool.js';
import { toUserView, type UserView } from './users.js';

/**
 * Signed-in browsers. A session is found by the SHA-256 of its cookie's token (the token itself is never stored),
 * and ends at the first of two moments: `idle_expires_at`, pushed forward while it is used, and `expires_at`,
 * fixed at sign-in.
 */

export interface SessionLifetime {
  /** Unused this long, a session ends. */
  idleMs: number;
  /** Used or not, a session ends this long after sign-in. */
  maxAgeMs: number;
}

export interface ActiveSession {
  tokenHash: string;
  user: UserView;
  merchantName: string | null;
  lastSeenAt: Date;
  expiresAt: Date;
}

const ms = "::double precision * interval '1 millisecond'";

/**
 * Starts a session. Sessions that have ended are forgotten on the way: every one past its absolute expiry (indexed,
 * so the table holds at most SESSION_MAX_AGE's worth of sign-ins without a purge schedule), and this user's idle ones.
 */
export async function createSession(
  db: Db,
  input: { userId: string; tokenHash: string; lifetime: SessionLifetime },
): Promise<{ expiresAt: Date }> {
  await db.query('DELETE FROM sessions WHERE expires_at <= now() OR (user_id = $1 AND idle_expires_at <= now())', [
    input.userId,
  ]);
  const { rows } = await db.query(
    `INSERT INTO sessions (token_hash, user_id, idle_expires_at, expires_at)
     VALUES ($1, $2, now() + least($3${ms}, $4${ms}), now() + $4${ms}) RETURNING expires_at`,
    [input.tokenHash, input.userId, input.lifetime.idleMs, input.lifetime.maxAgeMs],
  );
  return { expiresAt: new Date(rows[0].expires_at as string) };
}

/** The live session with this token hash and its (active) user, or null: unknown, ended, or the user removed. */
export async function findActiveSession(db: Db, tokenHash: string): Promise<ActiveSession | null> {
  const { rows } = await db.query(
    `SELECT u.*, m.name AS merchant_name, s.last_seen_at AS session_last_seen_at, s.expires_at AS session_expires_at
     FROM sessions s JOIN users u ON u.id = s.user_id LEFT JOIN merchants m ON m.id = u.merchant_id
     WHERE s.token_hash = $1 AND s.idle_expires_at > now() AND s.expires_at > now()
       AND u.disabled_at IS NULL AND u.password_hash IS NOT NULL`,
    [tokenHash],
  );
  const r = rows[0];
  if (!r) return null;
  return {
    tokenHash,
    user: toUserView(r),
    merchantName: (r.merchant_name as string | null) ?? null,
    lastSeenAt: new Date(r.session_last_seen_at as string),
    expiresAt: new Date(r.session_expires_at as string),
  };
}

/** Notes that a session was used: its idle expiry moves forward, never past its absolute one. */
export async function touchSession(db: Db, tokenHash: string, idleMs: number): Promise<void> {
  await db.query(
    `UPDATE sessions SET last_seen_at = now(), idle_expires_at = least(now() + $2${ms}, expires_at)
     WHERE token_hash = $1 AND idle_expires_at > now()`,
    [tokenHash, idleMs],
  );
}

/** Signs one browser out. */
export async function deleteSession(db: Db, tokenHash: string): Promise<void> {
  await db.query('DELETE FROM sessions WHERE token_hash = $1', [tokenHash]);
}

/** Signs a user out everywhere; returns how many sessions ended. */
export async function deleteUserSessions(db: Db, userId: string): Promise<number> {
  const { rowCount } = await db.query('DELETE FROM sessions WHERE user_id = $1', [userId]);
  return rowCount ?? 0;
}
