import pg from 'pg';
import { expect } from 'vitest';

/**
 * A table the platform keeps from one of its registries at start (channel_types, top_up_methods): it lists exactly
 * the registered entries, and a row naming anything else is refused by its foreign key (23503).
 */
export async function expectRegistryTable(opts: {
  databaseUrl: string;
  /** `SELECT key, label FROM …`: the table's rows, as `{ key, label }`. */
  select: string;
  registered: readonly { key: string; label: string }[];
  /** An insert naming an unregistered entry ($1: a merchant id). */
  foreignRow: string;
  merchantId: string;
}): Promise<void> {
  const client = new pg.Client({ connectionString: opts.databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query(opts.select);
    const byKey = (a: { key: string }, b: { key: string }): number => a.key.localeCompare(b.key);
    expect([...rows].sort(byKey)).toEqual([...opts.registered].sort(byKey));
    const refused = await client.query(opts.foreignRow, [opts.merchantId]).then(
      () => null,
      (err: { code?: string }) => err.code,
    );
    expect(refused).toBe('23503');
  } finally {
    await client.end();
  }
}
