import { proxyActivities } from '@temporalio/workflow';
import type { CatalogActivities } from '../activities/types.js';

const { syncCatalog } = proxyActivities<CatalogActivities>({
  startToCloseTimeout: '5 minutes',
  retry: { initialInterval: '5s', maximumInterval: '5 minutes', maximumAttempts: 10 },
});

/** Copies the supplier's catalogue (prices, stock) into Postgres; run by a Temporal Schedule. */
export async function catalogSyncWorkflow(): Promise<{ products: number }> {
  return syncCatalog();
}
