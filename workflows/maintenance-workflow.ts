import { proxyActivities } from '@temporalio/workflow';
import type { MaintenanceActivities } from '../activities/types.js';

const { purgeIdempotencyKeys } = proxyActivities<MaintenanceActivities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '5s', maximumInterval: '1 minute', maximumAttempts: 10 },
});

/** Deletes the expired Idempotency-Key records (older than IDEMPOTENCY_TTL); run by a Temporal Schedule. */
export async function idempotencyPurgeWorkflow(): Promise<{ purged: number }> {
  return purgeIdempotencyKeys();
}
