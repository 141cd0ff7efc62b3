import type { Logger } from 'pino';
import { purgeExpiredIdempotencyKeys } from '../db/idempotency.js';
import type { Db } from '../db/pool.js';
import type { MaintenanceActivities } from './types.js';

/** Housekeeping run by schedules: records kept only for a while. */
export function createMaintenanceActivities(deps: {
  db: Db;
  logger: Logger;
  /** IDEMPOTENCY_TTL, as this worker is configured (a changed TTL applies from the next purge, without touching the schedule). */
  idempotencyTtlMs: number;
}): MaintenanceActivities {
  return {
    async purgeIdempotencyKeys() {
      const purged = await purgeExpiredIdempotencyKeys(deps.db, deps.idempotencyTtlMs);
      if (purged > 0)
        deps.logger.info({ purged, ttlMs: deps.idempotencyTtlMs }, 'expired Idempotency-Key records purged');
      return { purged };
    },
  };
}
