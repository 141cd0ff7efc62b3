import { allHandlersFinished, continueAsNew, workflowInfo } from '@temporalio/workflow';
import { isTerminal, pendingTimer, type Command, type OrderEvent, type OrderState } from '../domain/order-machine.js';
import { CommandRunner } from './order/commands.js';
import { registerHandlers } from './order/handlers.js';
import type { OrderWorkflowInput } from './order/input.js';
import { OrderRun } from './order/order-run.js';
import { CURRENT_BEHAVIOUR, decidePatches, type Patches } from './order/patches.js';
import { Projection } from './order/projection.js';
import { runUntilFinished } from './run-loop.js';

export type { OrderWorkflowInput };

/**
 * One durable workflow per order: a thin shell around the pure state machine (domain/order-machine.ts). Message
 * handlers turn signals and updates into events (order/handlers.ts), the command runner turns the machine's
 * commands into activities and their outcomes into events (order/commands.ts), and the projection keeps Postgres,
 * the search attributes and the current details in step (order/projection.ts, order/order-run.ts). The loop is the
 * one the top-up workflow runs too (run-loop.ts).
 *
 * The workflow type of every order started since 2026-12-08: it behaves as all the patches of order/patches.ts say
 * without recording them. A change of its behaviour is gated by a new `patched()` call, as before.
 */
export async function orderWorkflowV2(input: OrderWorkflowInput): Promise<OrderState> {
  return runOrder(input, CURRENT_BEHAVIOUR);
}

/**
 * The workflow type of the orders started before 2026-12-08: each run decides the patches of order/patches.ts, so
 * that a run replays the path its history recorded. Kept registered while such an order can be open (a
 * continue-as-new stays on this type); nothing starts it any more.
 */
export async function orderWorkflow(input: OrderWorkflowInput): Promise<OrderState> {
  return runOrder(input, decidePatches());
}

async function runOrder(input: OrderWorkflowInput, patches: Patches): Promise<OrderState> {
  const { timings } = input;
  const run = new OrderRun(input, patches);
  const projection = new Projection(run, timings, patches.projectionAttention);
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

  await runUntilFinished<Command, OrderEvent>({
    queue: run.queue,
    needsProjection: () => run.needsProjection(),
    project: () => projection.write(),
    execute: (command) => projection.during(commands.execute(command)),
    dispatch: (event) => run.dispatchResult(event),
    finished: () => isTerminal(run.state.status),
    version: () => run.state.version,
    timer: () => {
      const timer = pendingTimer(run.state);
      return timer
        ? { delay: commands.timerDelay(timer), fired: { type: 'TIMER_FIRED', timer: timer.timer, by: 'timer' } }
        : null;
    },
    carryOver: () =>
      workflowInfo().continueAsNewSuggested && allHandlersFinished()
        ? continueAsNew<typeof orderWorkflow>({
            order: run.state.order,
            timings,
            resume: { state: run.state, timelineSeq: run.seq, ...run.updatesToCarry() },
          })
        : undefined,
  });
  return run.state;
}
