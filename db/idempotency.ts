import { createHash } from 'node:crypto';
import type pg from 'pg';
import type { Db } from './pool.js';

/**
 * Stored answers of create requests sent with an `Idempotency-Key`: the same key and body get the first answer
 * again; the same key with another body is refused; a request still running blocks its twin. A record expires after
 * the TTL (IDEMPOTENCY_TTL): ignored from then on, and deleted by purgeExpiredIdempotencyKeys (a Temporal schedule,
 * worker/maintenance-schedule.ts). The answers are kept without secrets (api/idempotency.ts masks them).
 *
 * A claim is a transaction held open on its own connection for the length of the request: a transaction-scoped
 * advisory lock marks the key as running, and the stored row is committed only with the answer. So a claim cannot
 * outlive what interrupted it — a database outage, a crashed process or a lost connection ends the transaction,
 * and with it the lock and the uncommitted row, and the client's retry runs afresh.
 */
export type Claim =
  | { state: 'new'; complete(statusCode: number, response: unknown): Promise<void>; abandon(): Promise<void> }
  | { state: 'replay'; statusCode: number; response: unknown }
  | { state: 'in_flight' }
  | { state: 'mismatch' };

/**
 * Claims hold a pooled connection while their request runs; at most half of the pool may be held so, leaving the
 * other half to the requests themselves (a create needs a connection of its own while its claim is held).
 */
const slots = new WeakMap<Db, { free: number; waiting: (() => void)[] }>();

async function acquireSlot(db: Db): Promise<() => void> {
  let s = slots.get(db);
  if (!s) {
    s = { free: Math.max(1, Math.floor((db.options.max ?? 10) / 2)), waiting: [] };
    slots.set(db, s);
  }
  const slot = s;
  if (slot.free > 0) slot.free -= 1;
  else await new Promise<void>((resolve) => slot.waiting.push(resolve));
  let released = false;
  return () => {
    if (released) return;
    released = true;
    const next = slot.waiting.shift();
    if (next) next();
    else slot.free += 1;
  };
}

/** Two 32-bit advisory-lock keys from the claim's identity. */
function lockKeys(principal: string, key: string): [number, number] {
  const digest = createHash('sha256').update(`idempotency\u0000${principal}\u0000${key}`).digest();
  return [digest.readInt32BE(0), digest.readInt32BE(4)];
}

export async function claimIdempotencyKey(
  db: Db,
  c: { principal: string; key: string; method: string; path: string; requestHash: string; ttlMs: number },
): Promise<Claim> {
  const releaseSlot = await acquireSlot(db);
  let client: pg.PoolClient;
  try {
    client = await db.connect();
  } catch (error) {
    releaseSlot();
    throw error;
  }
  // Held idle while the request runs: a connection dropped meanwhile must not become an uncaught 'error' event.
  let broken: Error | null = null;
  const onError = (error: Error): void => {
    broken = error;
  };
  client.on('error', onError);
  let finished = false;
  const finish = async (sql: 'COMMIT' | 'ROLLBACK'): Promise<void> => {
    if (finished) return;
    finished = true;
    try {
      if (broken) throw broken;
      await client.query(sql);
      client.off('error', onError);
      client.release();
    } catch (error) {
      client.off('error', onError);
      // The connection is broken: destroy it rather than return it to the pool.
      client.release(error as Error);
      if (sql === 'COMMIT') throw error;
    } finally {
      releaseSlot();
    }
  };
  try {
    await client.query('BEGIN');
    const [k1, k2] = lockKeys(c.principal, c.key);
    const { rows: lock } = await client.query<{ locked: boolean }>(
      'SELECT pg_try_advisory_xact_lock($1, $2) AS locked',
      [k1, k2],
    );
    if (!lock[0]?.locked) {
      await finish('ROLLBACK');
      return { state: 'in_flight' };
    }
    // An expired record (not purged yet) is as good as none: the key is free again.
    const { rows } = await client.query(
      `SELECT method, path, request_hash, status_code, response FROM idempotency_keys
       WHERE principal = $1 AND key = $2 AND created_at > now() - make_interval(secs => $3)`,
      [c.principal, c.key, c.ttlMs / 1000],
    );
    const r = rows[0];
    if (r && r.status_code !== null) {
      await finish('ROLLBACK');
      if (r.request_hash !== c.requestHash || r.method !== c.method || r.path !== c.path) return { state: 'mismatch' };
      return { state: 'replay', statusCode: Number(r.status_code), response: r.response };
    }
    return {
      state: 'new',
      async complete(statusCode, response) {
        try {
          await client.query(
            `INSERT INTO idempotency_keys (principal, key, method, path, request_hash, status_code, response) VALUES ($1, $2, $3, $4, $5, $6, $7)
           ON CONFLICT (principal, key) DO UPDATE SET method = $3, path = $4, request_hash = $5, status_code = $6, response = $7, created_at = now()`,
            [c.principal, c.key, c.method, c.path, c.requestHash, statusCode, JSON.stringify(response)],
          );
        } catch (error) {
          await finish('ROLLBACK');
          throw error;
        }
        await finish('COMMIT');
      },
      abandon: () => finish('ROLLBACK'),
    };
  } catch (error) {
    await finish('ROLLBACK').catch(() => undefined);
    throw error;
  }
}

/** Deletes the records older than the TTL; answers how many went. */
export async function purgeExpiredIdempotencyKeys(db: Db, ttlMs: number): Promise<number> {
  const { rowCount } = await db.query(
    'DELETE FROM idempotency_keys WHERE created_at <= now() - make_interval(secs => $1)',
    [ttlMs / 1000],
  );
  return rowCount ?? 0;
}
