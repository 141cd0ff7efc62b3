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
  timers: TimerRegistry;
}

/**
 * Timers started by slow or held answers. Closing the simulator clears them, so a test run does not wait
 * half a minute for a held create to give up.
 */
export class TimerRegistry {
  private readonly pending = new Set<NodeJS.Timeout>();

  after(ms: number, fn: () => void): () => void {
    const timer = setTimeout(() => {
      this.pending.delete(timer);
      fn();
    }, ms);
    timer.unref();
    this.pending.add(timer);
    return () => {
      clearTimeout(timer);
      this.pending.delete(timer);
    };
  }

  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => this.after(ms, resolve));
  }

  clearAll(): void {
    for (const timer of this.pending) clearTimeout(timer);
    this.pending.clear();
  }
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
