import type { FaultQueue } from './faults.js';
import type { WooState } from './state.js';
import type { WebhookSender } from './webhooks.js';

/** The shop's webhook as configured in WooCommerce → Settings → Advanced → Webhooks. */
export interface WebhookConfig {
  /** `X-WC-Webhook-Source`: the shop's home URL, always with a trailing slash (WordPress `home_url('/')`). */
  shopUrl: string;
  deliveryUrl: string | null;
  secret: string;
  /** `X-WC-Webhook-ID`: the webhook's post id in WordPress. */
  webhookId: number;
}

/** Everything the routers share. */
export interface WooSimContext {
  consumerKey: string;
  consumerSecret: string;
  config: WebhookConfig;
  state: WooState;
  faults: FaultQueue;
  webhooks: WebhookSender;
  timers: TimerRegistry;
  now: () => Date;
}

/** Timers of slow answers; closing the simulator clears them so a test run does not wait for them. */
export class TimerRegistry {
  private readonly pending = new Map<NodeJS.Timeout, () => void>();

  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.pending.delete(timer);
        resolve();
      }, ms);
      timer.unref();
      this.pending.set(timer, resolve);
    });
  }

  /** Ends every wait at once; the requests behind them then finish against a closing server. */
  releaseAll(): void {
    for (const [timer, resolve] of this.pending) {
      clearTimeout(timer);
      resolve();
    }
    this.pending.clear();
  }
}
