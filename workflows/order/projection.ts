import { ActivityFailure, ApplicationFailure, condition, proxyLocalActivities, sleep } from '@temporalio/workflow';
import type { ProjectionActivities } from '../../activities/types.js';
import { PROJECTION_REJECTED } from '../../domain/failure-types.js';
import { toOrderView } from '../../domain/order-view.js';
import type { OrderTimings } from '../../domain/timings.js';
import type { OrderRun } from './order-run.js';

/**
 * Keeps the Postgres projection (the listing row and the timeline) in step with the workflow, through a local
 * activity. Updates answer only once the projection shows them, so a GET right after agrees.
 */
export class Projection {
  // Retries at most 5 s apart: once Postgres is back, the listing — and every action waiting for it — catches up
  // within seconds rather than after a long backoff (the timing is not in the history: well below the local retry
  // threshold, no timer is involved).
  private readonly activities = proxyLocalActivities<ProjectionActivities>({
    startToCloseTimeout: '10s',
    retry: { initialInterval: '500ms', maximumInterval: '5s', backoffCoefficient: 2 },
  });

  constructor(
    private readonly run: OrderRun,
    private readonly timings: OrderTimings,
    /** Whether a refused write is shown and retried (patches.ts), asked at the first refusal. */
    private readonly attendRefusals: () => boolean,
  ) {}

  /**
   * Writes what changed. Transient failures (Postgres down) are retried inside the local activity; a write that
   * Postgres refuses for good (a constraint, bad data) is shown to operators — search attribute `Attention` and
   * the current details — and tried again with a capped backoff until it goes through (e.g. once the data or the
   * schema is repaired), which clears the attention.
   */
  async write(): Promise<void> {
    const run = this.run;
    for (let failures = 0; ; failures++) {
      const rows = run.unprojected;
      const version = run.state.version;
      run.unprojected = [];
      try {
        const write = { view: toOrderView(run.state), timeline: rows };
        await run.localActivities.run(() => this.activities.projectOrder(write));
        run.projectedVersion = Math.max(run.projectedVersion, version);
        if (failures > 0) run.attend(null);
        return;
      } catch (error) {
        const refusal = refusedFor(error);
        if (refusal === undefined || !this.attendRefusals()) throw error;
        run.unprojected = [...rows, ...run.unprojected];
        const delay = Math.min(
          this.timings.retryMaxInterval,
          this.timings.retryInitialInterval * 2 ** Math.min(failures, 20),
        );
        run.attend({
          kind: 'projection',
          message: `The order could not be written to Postgres (${refusal}); tried again every ${Math.round(delay / 1000)} s at most.`,
        });
        await sleep(delay);
      }
    }
  }

  /**
   * Awaits a command while keeping the projection current: an action accepted while a call is being retried
   * (a shop or PayPal that is down) is answered without waiting for that call.
   */
  async during<T>(work: Promise<T>): Promise<T> {
    let settled = false;
    const tracked = work.finally(() => {
      settled = true;
    });
    for (;;) {
      await condition(() => settled || this.run.needsProjection());
      if (settled) return tracked;
      await this.write();
    }
  }

  /** Resolves once the projection shows at least this version of the order. */
  async shows(version: number): Promise<void> {
    await condition(() => this.run.projectedVersion >= version);
  }
}

/** Postgres's reason when it refused the write for good; undefined for any other failure. */
function refusedFor(error: unknown): string | undefined {
  // A local activity's failure arrives as the activity threw it; a remote one's wrapped in an ActivityFailure.
  const failure = error instanceof ActivityFailure ? error.cause : error;
  return failure instanceof ApplicationFailure && failure.type === PROJECTION_REJECTED ? failure.message : undefined;
}
