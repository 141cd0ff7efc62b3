import type { TopUpEvent } from '../../../domain/top-up-machine.js';
import type { TopUpMethodCommand, TopUpMethodCommandOf } from '../../../domain/top-up-methods/registry.js';
import type { TopUpMethod, TopUpRecord, TopUpTimings } from '../../../domain/top-up.js';
import { payPalTopUpCommands } from './paypal.js';

type CommandsOf<C> = (timings: TopUpTimings) => (command: C, topUp: TopUpRecord) => Promise<TopUpEvent>;

/**
 * How the workflow runs each method's own commands as its activities (null: a method with none, e.g. a bank
 * transfer, which waits for the finance desk).
 */
const byMethod: { [M in TopUpMethod]: CommandsOf<TopUpMethodCommandOf<M>> | null } = {
  paypal: payPalTopUpCommands,
  bank_transfer: null,
};

/** The runner of a top-up's method: it gets only that method's commands, which are all its machine steps issue. */
export function topUpMethodCommands(
  method: TopUpMethod,
  timings: TopUpTimings,
): ((command: TopUpMethodCommand, topUp: TopUpRecord) => Promise<TopUpEvent>) | null {
  return (byMethod[method] as CommandsOf<TopUpMethodCommand> | null)?.(timings) ?? null;
}
