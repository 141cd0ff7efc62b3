import { ScheduleAlreadyRunning, ScheduleOverlapPolicy, type Client } from '@temporalio/client';

/** One schedule per task queue, so that several deployments (or test runs) on one namespace do not collide. */
export function catalogScheduleId(taskQueue: string): string {
  return `catalog-sync-${taskQueue}`;
}

/**
 * A Temporal Schedule keeps the stored catalogue fresh (operators see and pause it in the UI). Creating it is
 * idempotent: an existing schedule is left as it is.
 */
export async function ensureCatalogSchedule(client: Client, taskQueue: string, everyMs: number): Promise<void> {
  try {
    await client.schedule.create({
      scheduleId: catalogScheduleId(taskQueue),
      spec: { intervals: [{ every: everyMs }] },
      action: {
        type: 'startWorkflow',
        workflowType: 'catalogSyncWorkflow',
        taskQueue,
        workflowId: `${catalogScheduleId(taskQueue)}-run`,
        args: [],
      },
      policies: { overlap: ScheduleOverlapPolicy.SKIP },
      state: { triggerImmediately: true, note: "Copies the supplier's catalogue (price, stock) into Postgres" },
    });
  } catch (error) {
    if (!(error instanceof ScheduleAlreadyRunning)) throw error;
  }
}
