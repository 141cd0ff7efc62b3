import type { TopUpEvent } from '../../../domain/top-up-machine.js';
import type { TopUpMethodCommand } from '../../../domain/top-up-methods/registry.js';
import type { TopUpMethod, TopUpRecord, TopUpTimings } from '../../../domain/top-up.js';
import { payPalTopUpCommands } from './paypal.js';

export type MethodCommands = (command: TopUpMethodCommand, topUp: TopUpRecord) => Promise<TopUpEvent>;

/**
 * How the workflow runs each method's own commands as its activities (null: a method with none, e.g. a bank
 * transfer, which waits for the finance desk).
 */
export const topUpMethodCommands: { [M in TopUpMethod]: ((timings: TopUpTimings) => MethodCommands) | null } = {
  paypal: payPalTopUpCommands,
  bank_transfer: null,
};
