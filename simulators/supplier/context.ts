import type { FaultQueue, RouteName } from './faults.js';
import { newTracking, type SimState } from './state.js';

/** Everything the routers share. */
export interface SimContext {
  apiKey: string;
  state: SimState;
  faults: FaultQueue;
  counts: Record<RouteName, number>;
  now: () => number;
  vatRate: number;
  shipAfterMs: number | null;
}

/**
 * With `shipAfterMs`, orders old enough get their tracking when anyone next looks. Doing it lazily instead of
 * with timers keeps it correct across restarts of a persisted simulator and under an injected clock.
 */
export function shipDueOrders(ctx: SimContext): void {
  if (ctx.shipAfterMs === null) return;
  const now = ctx.now();
  for (const order of ctx.state.orders) {
    if (order.trackings.length === 0 && now - order.createdAtMs >= ctx.shipAfterMs) {
      ctx.state.addTracking(order, newTracking(order, new Date(now), {}));
    }
  }
}
