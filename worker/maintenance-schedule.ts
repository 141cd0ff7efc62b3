import { ScheduleAlreadyRunning, ScheduleOverlapPolicy, type Client } from '@temporalio/client';

/** One schedule per task queue, as the catalogue's (worker/catalog-schedule.ts). */
export function idempotencyPurgeScheduleId(taskQueue: string): string {
  return `idempotency-purge-${taskQueue}`;
}

/**
 * A Temporal Schedule deletes the expired Idempotency-Key records every `everyMs` (operators see, pause or trigger
 * it in the UI). The TTL is the worker's IDEMPOTENCY_TTL, read by the activity. Creating it is idempotent.
 */
export async function ensureIdempotencyPurgeSchedule(
  client: Client,
  taskQueue: string,
  everyMs: number,
): Promise<void> {
  try {
    await client.schedule.create({
      scheduleId: idempotencyPurgeScheduleId(taskQueue),
      spec: { intervals: [{ every: everyMs }] },
      action: {
        type: 'startWorkflow',
        workflowType: 'idempotencyPurgeWorkflow',
        taskQueue,
        workflowId: `${idempotencyPurgeScheduleId(taskQueue)}-run`,
        args: [],
      },
      policies: { overlap: ScheduleOverlapPolicy.SKIP },
      state: {
        note: 'Deletes Idempotency-Key records older than IDEMPOTENCY_TTL (answers replayed for 24 h by default)',
      },
    });
  } catch (error) {
    if (!(error instanceof ScheduleAlreadyRunning)) throw error;
  }
}
