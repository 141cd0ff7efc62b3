import { condition, setHandler } from '@temporalio/workflow';
import { toTopUpView, topUpRefusal, type TopUpEvent } from '../../domain/top-up-machine.js';
import { invalidArgument, invalidState } from '../messages.js';
import { TopUpActionArgs, topUpStateQuery, topUpUpdates, type TopUpActionName } from '../top-up-messages.js';
import type { TopUpRun } from './top-up-run.js';

/** The finance desk's confirm and reject (updates), and the live top-up query. */
export function registerTopUpHandlers(run: TopUpRun): void {
  for (const name of ['confirm', 'reject'] as const) {
    setHandler(
      topUpUpdates[name],
      async (raw: unknown) => {
        if (!run.dispatch(eventFor(run, name, raw))) {
          throw invalidState(`The top-up is ${run.state.status}`, run.state.status);
        }
        // A confirm answers once the money is in the wallet; both answer once the listing shows the outcome.
        await condition(() => run.state.phase !== 'crediting');
        const version = run.state.version;
        await condition(() => run.projectedVersion >= version);
        return toTopUpView(run.state);
      },
      { validator: (raw: unknown) => void eventFor(run, name, raw) },
    );
  }
  setHandler(topUpStateQuery, () => toTopUpView(run.state));
}

/** Update validators are synchronous and write nothing to history when they refuse (→ 409 / 422). */
function eventFor(run: TopUpRun, name: TopUpActionName, raw: unknown): TopUpEvent {
  const parsed = TopUpActionArgs[name].safeParse(raw);
  if (!parsed.success) {
    throw invalidArgument(parsed.error.issues);
  }
  const event: TopUpEvent =
    name === 'confirm'
      ? { type: 'CONFIRM', ...TopUpActionArgs.confirm.parse(raw) }
      : { type: 'REJECT', ...TopUpActionArgs.reject.parse(raw) };
  const refusal = topUpRefusal(run.state, event);
  if (refusal) throw invalidState(refusal, run.state.status);
  return event;
}
