import type { z } from 'zod';
import { bankTransferTopUps } from './bank-transfer.js';
import type { SharedTopUpCommand, SharedTopUpEvent, TopUpMethodDefinition, TopUpState } from './method.js';
import { payPalTopUps, type PayPalTopUpCommand, type PayPalTopUpEvent } from './paypal.js';

/**
 * The ways a merchant tops up the wallet. Adding one = its module here and a line in each list below; the request
 * schema, the API docs, the stored method and the machine's steps follow.
 */
export const topUpMethods = [payPalTopUps, bankTransferTopUps] as const;

/** `f` over every method, keeping the list non-empty for the types that require it (z.discriminatedUnion). */
export function mapTopUpMethods<T>(f: (method: (typeof topUpMethods)[number]) => T): [T, ...T[]] {
  const [first, ...rest] = topUpMethods;
  return [f(first), ...rest.map(f)];
}

/** Every top-up event and command: the shared ones and each method's own. */
export type TopUpEvent = SharedTopUpEvent | PayPalTopUpEvent;
export type TopUpMethodCommand = PayPalTopUpCommand;
export type TopUpCommand = SharedTopUpCommand | TopUpMethodCommand;

/** Each method's part of the view, in the order the view shows them (the view's schema and its making). */
export function topUpViewShape() {
  return { ...bankTransferTopUps.view.shape(), ...payPalTopUps.view.shape() };
}
export function topUpMethodViews(s: TopUpState): z.output<z.ZodObject<ReturnType<typeof topUpViewShape>>> {
  return { ...bankTransferTopUps.view.of(s), ...payPalTopUps.view.of(s) };
}

/** A method's own commands, by its name. */
export type TopUpMethodCommandOf<M extends TopUpMethod> =
  Extract<(typeof topUpMethods)[number], { name: M }> extends { start(next: TopUpState): (infer C)[] } ? C : never;

type Names = (typeof topUpMethods)[number]['name'];
/** The methods' names: domain/top-up.ts builds their schema (workflow code loads this module: domain/lazy.ts). */
export const topUpMethodNames = topUpMethods.map((m) => m.name) as [Names, ...Names[]];
export type TopUpMethod = Names;

/** The method's steps, for the machine: typed with every event and command, as it hands them all over. */
export function topUpMethod(name: TopUpMethod): TopUpMethodDefinition<TopUpMethod, TopUpEvent, TopUpCommand> {
  const method = topUpMethods.find((m) => m.name === name);
  if (!method) throw new Error(`No top-up method ${name}`);
  // Each method declares only its own events; the machine hands it only those (its `events`).
  return method as unknown as TopUpMethodDefinition<TopUpMethod, TopUpEvent, TopUpCommand>;
}
