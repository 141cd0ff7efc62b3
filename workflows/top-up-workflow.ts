import {
  pendingTopUpTimer,
  isTopUpFinished,
  toTopUpView,
  topUpTimerFiring,
  type TopUpCommand,
  type TopUpEvent,
} from '../domain/top-up-machine.js';
import type { TopUpRecord, TopUpTimings, TopUpView } from '../domain/top-up.js';
import { runUntilFinished } from './run-loop.js';
import { TopUpCommandRunner } from './top-up/commands.js';
import { registerTopUpHandlers } from './top-up/handlers.js';
import { TopUpProjection } from './top-up/projection.js';
import { TopUpRun } from './top-up/top-up-run.js';

export interface TopUpWorkflowInput {
  topUp: TopUpRecord;
  timings: TopUpTimings;
}

/**
 * One durable workflow per top-up, a thin shell around domain/top-up-machine.ts and its method's steps: runs the
 * method's commands (e.g. a PayPal charge) or waits for the finance desk, credits the wallet once, then wakes the
 * merchant's orders waiting for funds by signalling their workflows (durable signals: they reach each order even if
 * this worker dies right after). The parts are in top-up/; the loop is the order workflow's (run-loop.ts).
 */
export async function topUpWorkflow(input: TopUpWorkflowInput): Promise<TopUpView> {
  const { timings } = input;
  const run = new TopUpRun(input.topUp);
  const projection = new TopUpProjection(run);
  const commands = new TopUpCommandRunner(run, timings);

  // Before the handlers: an update that arrived with the workflow's first task is judged against the started top-up.
  run.dispatch({ type: 'START' });
  registerTopUpHandlers(run);

  await runUntilFinished<TopUpCommand, TopUpEvent | null>({
    queue: run.queue,
    needsProjection: () => run.needsProjection(),
    project: () => projection.write(),
    execute: (command) => commands.execute(command),
    dispatch: (event) => void (event && run.dispatch(event)),
    finished: () => isTopUpFinished(run.state),
    version: () => run.state.version,
    timer: () => {
      const timer = pendingTopUpTimer(run.state);
      if (!timer) return null;
      const { event, delay } = topUpTimerFiring(run.state, timer, timings, Date.now());
      return { delay, fired: event };
    },
  });
  return toTopUpView(run.state);
}
