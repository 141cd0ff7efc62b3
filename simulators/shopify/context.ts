import type { FaultQueue } from './faults.js';
import type { ShopState } from './state.js';
import type { WebhookConfig, WebhookSender } from './webhooks.js';

/** What the merchant set in the shop: the app's access token and the webhook subscription. */
export interface ShopConfig extends WebhookConfig {
  accessToken: string;
}

/** Everything the routers share. */
export interface ShopContext {
  config: ShopConfig;
  state: ShopState;
  faults: FaultQueue;
  webhooks: WebhookSender;
  timers: Timers;
  now: () => number;
}

/** Waits started by `slow` faults; closing the simulator clears them so a test run never waits on them. */
export class Timers {
  private readonly pending = new Set<NodeJS.Timeout>();

  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.pending.delete(timer);
        resolve();
      }, ms);
      timer.unref();
      this.pending.add(timer);
    });
  }

  clearAll(): void {
    for (const timer of this.pending) clearTimeout(timer);
    this.pending.clear();
  }
}
