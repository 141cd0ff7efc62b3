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
  now: () => Date;
}
