import { salesChannels } from '../channels/registry.js';
import { syncChannelTypes } from '../db/channels.js';
import { migrate } from '../db/migrate.js';
import type { Db } from '../db/pool.js';
import { syncTopUpMethods } from '../db/top-ups.js';
import { topUpMethods } from '../domain/top-up-methods/registry.js';
import { retryOnStart, type StartupRetryOptions } from './startup-retry.js';

/**
 * What a process writes to PostgreSQL before it serves: the migrations, then the sales channels and top-up methods
 * this code registers (the database accepts connections and top-ups of those, and of no other). Each step waits
 * for PostgreSQL like the rest of the start, so a database that restarts between them (a failover, the kill test)
 * delays the start instead of ending the process.
 */
export async function prepareDatabase(databaseUrl: string, db: Db, retry: StartupRetryOptions): Promise<void> {
  await retryOnStart('PostgreSQL (migrations)', () => migrate(databaseUrl, retry.logger), retry);
  await retryOnStart(
    'PostgreSQL (sales channels, top-up methods)',
    async () => {
      await syncChannelTypes(db, salesChannels);
      await syncTopUpMethods(db, topUpMethods);
    },
    retry,
  );
}
