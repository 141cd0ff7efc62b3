import { proxyLocalActivities } from '@temporalio/workflow';
import type { TopUpProjectionActivities } from '../../activities/types.js';
import { toTopUpView } from '../../domain/top-up-machine.js';
import type { TopUpRun } from './top-up-run.js';

/** Keeps the top-up's row in Postgres in step with the workflow, through a local activity. */
export class TopUpProjection {
  // As the order's projection: at most 5 s apart, so the listing catches up within seconds after an outage.
  private readonly activities = proxyLocalActivities<TopUpProjectionActivities>({
    startToCloseTimeout: '10s',
    retry: { initialInterval: '500ms', maximumInterval: '5s', backoffCoefficient: 2 },
  });

  constructor(private readonly run: TopUpRun) {}

  async write(): Promise<void> {
    const version = this.run.state.version;
    await this.activities.projectTopUp({ view: toTopUpView(this.run.state) });
    this.run.projectedVersion = Math.max(this.run.projectedVersion, version);
  }
}
