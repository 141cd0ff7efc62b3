import type { Db } from './pool.js';

/**
 * Stored answers of create requests sent with an `Idempotency-Key`: the same key and body get the first answer
 * again; the same key with another body is refused; a request still running blocks its twin.
 */
export type Claim =
  | { state: 'new' }
  | { state: 'replay'; statusCode: number; response: unknown }
  | { state: 'in_flight' }
  | { state: 'mismatch' };

/** A claim left by a request that crashed before completing is taken over after this long. */
const STALE_AFTER_SECONDS = 60;

export async function claimIdempotencyKey(
  db: Db,
  c: { principal: string; key: string; method: string; path: string; requestHash: string },
): Promise<Claim> {
  const inserted = await db.query(
    `INSERT INTO idempotency_keys (principal, key, method, path, request_hash) VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT DO NOTHING RETURNING key`,
    [c.principal, c.key, c.method, c.path, c.requestHash],
  );
  if (inserted.rowCount === 1) return { state: 'new' };
  const { rows } = await db.query(
    `SELECT method, path, request_hash, status_code, response, created_at < now() - make_interval(secs => $3) AS stale
     FROM idempotency_keys WHERE principal = $1 AND key = $2`,
    [c.principal, c.key, STALE_AFTER_SECONDS],
  );
  const r = rows[0];
  if (!r) return claimIdempotencyKey(db, c);
  if (r.request_hash !== c.requestHash || r.method !== c.method || r.path !== c.path) return { state: 'mismatch' };
  if (r.status_code !== null) return { state: 'replay', statusCode: Number(r.status_code), response: r.response };
  if (r.stale) {
    const taken = await db.query(
      `UPDATE idempotency_keys SET created_at = now() WHERE principal = $1 AND key = $2 AND status_code IS NULL
       AND created_at < now() - make_interval(secs => $3)`,
      [c.principal, c.key, STALE_AFTER_SECONDS],
    );
    if (taken.rowCount === 1) return { state: 'new' };
  }
  return { state: 'in_flight' };
}

export async function completeIdempotencyKey(
  db: Db,
  c: { principal: string; key: string; statusCode: number; response: unknown },
): Promise<void> {
  await db.query('UPDATE idempotency_keys SET status_code = $3, response = $4 WHERE principal = $1 AND key = $2', [
    c.principal,
    c.key,
    c.statusCode,
    JSON.stringify(c.response),
  ]);
}

/** Forgets a claim whose request failed on our side, so that the client's retry runs again. */
export async function releaseIdempotencyKey(db: Db, c: { principal: string; key: string }): Promise<void> {
  await db.query('DELETE FROM idempotency_keys WHERE principal = $1 AND key = $2 AND status_code IS NULL', [c.principal, c.key]);
}
