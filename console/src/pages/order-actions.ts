import type { components } from '../api/schema';

/** The registry's action names, as the API answers them in `allowedActions` (its buttons are drawn from them). */
export type ActionName = components['schemas']['Order']['allowedActions'][number];

/** What the order allows right now: the API derives it from the action registry and the order's status. */
export function allowedActions(order: components['schemas']['Order']): readonly ActionName[] {
  return order.allowedActions;
}
