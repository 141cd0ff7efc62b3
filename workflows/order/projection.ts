import { condition, proxyLocalActivities } from '@temporalio/workflow';
import type { ProjectionActivities } from '../../activities/types.js';
import { toOrderView } from '../../domain/order-view.js';
import type { OrderRun } from './order-run.js';

/**
 * Keeps the Postgres projection (the listing row and the timeline) in step with the workflow, through a local
 * activity. Updates answer only once the projection shows them, so a GET right after agrees.
 */
export class Projection {
  private readonly activities = proxyLocalActivities<ProjectionActivities>({
    startToCloseTimeout: '10s',
    retry: { initialInterval: '500ms', maximumInterval: '30s', backoffCoefficient: 2 },
  });

  constructor(private readonly run: OrderRun) {}

  async write(): Promise<void> {
    const run = this.run;
    const rows = run.unprojected;
    const version = run.state.version;
    run.unprojected = [];
    await this.activities.projectOrder({ view: toOrderView(run.state), timeline: rows });
    run.projectedVersion = Math.max(run.projectedVersion, version);
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
