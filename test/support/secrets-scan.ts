import pg from 'pg';

/** Where a secret was found: database, table, column, and which secret (by name, never the value). */
export interface SecretFound {
  database: string;
  table: string;
  column: string;
  secret: string;
}

export interface ScanReport {
  /** Every table read, with the columns read in it, per database. */
  read: { database: string; table: string; columns: string[]; rows: number }[];
  found: SecretFound[];
}

/**
 * Reads every column of every table of a PostgreSQL database (every schema but the system ones) and looks for each
 * secret in it: text, json and other columns as text, bytea columns as bytes (Temporal keeps its histories and
 * payloads as bytea). No sampling: a row anywhere with the secret is a finding.
 */
export async function scanDatabaseForSecrets(
  connectionString: string,
  secrets: Record<string, string>,
): Promise<ScanReport> {
  const client = new pg.Client({ connectionString });
  await client.connect();
  const database = new URL(connectionString).pathname.slice(1);
  const report: ScanReport = { read: [], found: [] };
  const names = Object.keys(secrets);
  const values = names.map((n) => secrets[n]!);
  try {
    const { rows: columns } = await client.query<{ schema: string; table: string; column: string; type: string }>(
      `SELECT c.table_schema AS schema, c.table_name AS table, c.column_name AS column, c.data_type AS type
       FROM information_schema.columns c
       JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name
       WHERE t.table_type = 'BASE TABLE' AND c.table_schema NOT IN ('pg_catalog', 'information_schema')
         AND c.table_schema NOT LIKE 'pg_toast%'
       ORDER BY c.table_schema, c.table_name, c.ordinal_position`,
    );
    const byTable = new Map<string, { schema: string; table: string; columns: { column: string; type: string }[] }>();
    for (const c of columns) {
      const key = `${c.schema}.${c.table}`;
      const entry = byTable.get(key) ?? { schema: c.schema, table: c.table, columns: [] };
      entry.columns.push({ column: c.column, type: c.type });
      byTable.set(key, entry);
    }
    const ident = (name: string): string => `"${name.replaceAll('"', '""')}"`;
    for (const { schema, table, columns: cols } of byTable.values()) {
      const qualified = `${ident(schema)}.${ident(table)}`;
      const { rows: count } = await client.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${qualified}`);
      report.read.push({
        database,
        table: schema === 'public' ? table : `${schema}.${table}`,
        columns: cols.map((c) => c.column),
        rows: count[0]?.n ?? 0,
      });
      for (const { column, type } of cols) {
        const match =
          type === 'bytea'
            ? `position(convert_to(s.value, 'UTF8') in t.${ident(column)}) > 0`
            : `position(s.value in t.${ident(column)}::text) > 0`;
        const { rows } = await client.query<{ i: number }>(
          `SELECT s.i FROM unnest($1::text[]) WITH ORDINALITY AS s(value, i)
           WHERE EXISTS (SELECT 1 FROM ${qualified} t WHERE ${match})`,
          [values],
        );
        for (const { i } of rows)
          report.found.push({
            database,
            table: schema === 'public' ? table : `${schema}.${table}`,
            column,
            secret: names[Number(i) - 1]!,
          });
      }
    }
  } finally {
    await client.end();
  }
  return report;
}

/** The report's reading list, one line per table: `database.table (rows): column, column…`. */
export function describeScan(report: ScanReport): string {
  const columns = report.read.reduce((n, t) => n + t.columns.length, 0);
  return [
    `read ${report.read.length} tables, ${columns} columns:`,
    ...report.read.map((t) => `  ${t.database}.${t.table} (${t.rows} rows): ${t.columns.join(', ')}`),
  ].join('\n');
}
