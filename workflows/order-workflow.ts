import { allHandlersFinished, condition, continueAsNew, workflowInfo } from '@temporalio/workflow';
import { isTerminal, pendingTimer, type OrderState } from '../domain/order-machine.js';
import { CommandRunner } from './order/commands.js';
import { registerHandlers } from './order/handlers.js';
import type { OrderWorkflowInput } from './order/input.js';
import { OrderRun } from './order/order-run.js';
import { decidePatches } from './order/patches.js';
import { Projection } from './order/projection.js';

export type { OrderWorkflowInput };

/**
 * One durable workflow per order: a thin shell around the pure state machine (domain/order-machine.ts). Message
 * handlers turn signals and updates into events (order/handlers.ts), the command runner turns the machine's
 * commands into activities and their outcomes into events (order/commands.ts), and the projection keeps Postgres,
 * the search attributes and the current details in step (order/projection.ts, order/order-run.ts).
 */
export async function orderWorkflow(input: OrderWorkflowInput): Promise<OrderState> {
  const { timings } = input;
  const patches = decidePatches();
  const run = new OrderRun(input, patches);
  const projection = new Projection(run, timings);
  const commands = new CommandRunner(run, timings);

  const begin = (): void => {
    if (run.state.status === 'RECEIVED') run.dispatchResult({ type: 'START' });
    else run.publish();
  };
  // Registering a handler delivers the messages that arrived with this first task: start the order first.
  if (patches.earlyActions) {
    begin();
    registerHandlers(run, projection, timings);
  } else {
    registerHandlers(run, projection, timings);
    begin();
  }

  for (;;) {
    if (run.needsProjection()) {
      await projection.write();
      continue;
    }
    const command = run.queue.shift();
    if (command) {
      run.dispatchResult(await projection.during(commands.execute(command)));
      continue;
    }
    if (isTerminal(run.state.status)) break;

    if (workflowInfo().continueAsNewSuggested && allHandlersFinished()) {
      await continueAsNew<typeof orderWorkflow>({
        order: run.state.order,
        timings,
        resume: { state: run.state, timelineSeq: run.seq, ...run.updatesToCarry() },
      });
    }

    const timer = pendingTimer(run.state);
    const version = run.state.version;
    const woken = () => run.queue.length > 0 || run.needsProjection() || run.state.version !== version;
    if (timer) {
      if (!(await condition(woken, commands.timerDelay(timer))))
        run.dispatchResult({ type: 'TIMER_FIRED', timer: timer.timer, by: 'timer' });
    } else {
      await condition(woken);
    }
  }

  // Let in-flight update handlers (e.g. a cancel waiting for the shop) answer before the run closes;
  // late signals still get their refusal recorded.
  while (!allHandlersFinished() || run.needsProjection()) {
    if (run.needsProjection()) await projection.write();
    else await condition(() => allHandlersFinished() || run.needsProjection());
  }
  return run.state;
}
