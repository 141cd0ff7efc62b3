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
  now: () => number;
}
