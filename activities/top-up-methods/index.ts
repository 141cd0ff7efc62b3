import type { TopUpMethodDeps } from './deps.js';
import { payPalTopUpActivities, type PayPalTopUpActivities } from './paypal.js';

/** Every top-up method's own activities (a bank transfer has none: the finance desk settles it). */
export type TopUpMethodActivities = PayPalTopUpActivities;

export function topUpMethodActivities(deps: TopUpMethodDeps): TopUpMethodActivities {
  return { ...payPalTopUpActivities(deps) };
}
