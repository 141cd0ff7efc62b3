import { allHandlersFinished, condition } from '@temporalio/workflow';

/**
 * What a workflow built around a pure machine gives the run loop: its command queue, how a command runs and its
 * outcome goes back in, the projection, and the timer it waits on. The order and top-up workflows share the loop.
 */
export interface MachineRun<C, E> {
  readonly queue: C[];
  needsProjection(): boolean;
  project(): Promise<void>;
  execute(command: C): Promise<E>;
  dispatch(outcome: E): void;
  finished(): boolean;
  /** Bumped by every accepted event: anything accepted while waiting wakes the loop. */
  version(): number;
  timer(): { delay: number; fired: E } | null;
  /** Called before waiting: a run that must carry over (continue-as-new) answers that promise, which never settles. */
  carryOver?(): Promise<never> | undefined;
}

/**
 * Projects what changed, runs the queued commands one at a time, and otherwise waits for a message or the timer,
 * until the machine is finished; then lets in-flight update handlers answer before the run closes (late signals
 * still get their refusal projected). Each await here is a step of the recorded histories: keep their order.
 */
export async function runUntilFinished<C, E>(run: MachineRun<C, E>): Promise<void> {
  for (;;) {
    if (run.needsProjection()) {
      await run.project();
      continue;
    }
    const command = run.queue.shift();
    if (command) {
      run.dispatch(await run.execute(command));
      continue;
    }
    if (run.finished()) break;

    const carrying = run.carryOver?.();
    if (carrying) await carrying;

    const timer = run.timer();
    const version = run.version();
    const woken = (): boolean => run.queue.length > 0 || run.needsProjection() || run.version() !== version;
    if (timer) {
      if (!(await condition(woken, timer.delay))) run.dispatch(timer.fired);
    } else {
      await condition(woken);
    }
  }

  while (!allHandlersFinished() || run.needsProjection()) {
    if (run.needsProjection()) await run.project();
    else await condition(() => allHandlersFinished() || run.needsProjection());
  }
}
