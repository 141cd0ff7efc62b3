import pg from 'pg';

export type Db = pg.Pool;

export function createPool(databaseUrl: string, max = 10): Db {
  // A database that does not answer (down, unreachable) fails a request in bounded time (a 503) instead of holding it.
  const pool = new pg.Pool({ connectionString: databaseUrl, max, connectionTimeoutMillis: 10_000 });
  // An idle client losing its connection must not crash the process; the next query reconnects.
  pool.on('error', () => undefined);
  // Nor a checked-out one between two queries of a transaction (PostgreSQL restarted: 57P01 "terminating connection
  // due to administrator command"): pg emits that on the client, and an unheard 'error' event kills the process.
  // The transaction's next query fails and is retried like any failed activity or request.
  pool.on('connect', (client) => client.on('error', () => undefined));
  return pool;
}

/** Runs fn in a transaction on one client; rolls back on any error. */
export async function inTransaction<T>(db: Db, fn: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await db.connect();
  try {
    await client.query('BEGIN');
    const result = await fn(client);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}

/** pg returns bigint columns as strings; our amounts fit in a JS number (< 2^53 cents). */
export function toInt(value: unknown): number {
  return typeof value === 'number' ? value : Number(value);
}
