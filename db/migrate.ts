import { fileURLToPath } from 'node:url';
import { runner } from 'node-pg-migrate';
import type { Logger } from 'pino';

/** Versioned SQL migrations (db/migrations), applied at start; a lock keeps concurrent starters from racing. */
export async function migrate(databaseUrl: string, logger: Logger): Promise<string[]> {
  const applied = await runner({
    databaseUrl,
    dir: fileURLToPath(new URL('./migrations', import.meta.url)),
    direction: 'up',
    migrationsTable: 'pgmigrations',
    singleTransaction: true,
    verbose: false,
    logger: {
      debug: (m: string) => logger.debug(m),
      info: (m: string) => logger.debug(m),
      warn: (m: string) => logger.warn(m),
      error: (m: string) => logger.error(m),
    },
  });
  const names = applied.map((m) => m.name);
  if (names.length > 0) logger.info({ migrations: names }, 'database migrated');
  return names;
}
