import { log, setCurrentDetails } from '@temporalio/workflow';
import {
  describeTopUp,
  initialTopUpState,
  topUpTransition,
  type TopUpCommand,
  type TopUpEvent,
  type TopUpState,
} from '../../domain/top-up-machine.js';
import type { TopUpRecord } from '../../domain/top-up.js';

/**
 * The live top-up inside its workflow: the machine's state, the commands it asked for, and the version last
 * written to Postgres. Every event goes through `dispatch`, which also keeps the Temporal UI's current details.
 */
export class TopUpRun {
  state: TopUpState;
  projectedVersion = -1;
  readonly queue: TopUpCommand[] = [];
  private details = '';

  constructor(topUp: TopUpRecord) {
    this.state = initialTopUpState(topUp);
  }

  /** False when the machine refused the event (logged: the workflow's own results must always fit). */
  dispatch(event: TopUpEvent): boolean {
    const result = topUpTransition(this.state, event, new Date().toISOString());
    if (!result.accepted) {
      log.warn('Top-up event refused', { event: event.type, reason: result.reason });
      return false;
    }
    this.state = result.state;
    this.queue.push(...result.commands);
    const details = describeTopUp(this.state) ?? `Finished: ${this.state.status}.`;
    if (details !== this.details) setCurrentDetails(details);
    this.details = details;
    return true;
  }

  needsProjection(): boolean {
    return this.state.version > this.projectedVersion;
  }
}
