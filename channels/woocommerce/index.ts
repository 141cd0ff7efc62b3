import { z } from 'zod';
import { hmacSha256Base64, verifyHmacSha256Base64 } from '../hmac-signature.js';
import { defineSalesChannel } from '../sales-channel.js';
import { WooCommerceClient } from './client.js';
import { isWooCommercePing, mapWooCommerceOrderWebhook, wooCommerceOrderTopics } from './webhook.js';

export { WooCommerceClient, type WooTracking } from './client.js';
export { isWooCommercePing, mapWooCommerceOrderWebhook, WooCommerceOrderWebhook } from './webhook.js';

/** WooCommerce: a REST API key pair (read/write); tracking goes back as a completed order with a customer note. */
export const woocommerce = defineSalesChannel({
  type: 'woocommerce',
  label: 'WooCommerce',
  credentials: z.object({ consumerKey: z.string().min(8).max(500), consumerSecret: z.string().min(8).max(500) }),
  webhook: {
    signatureHeader: 'X-WC-Webhook-Signature',
    topicHeader: 'X-WC-Webhook-Topic',
    deliveryHeader: 'X-WC-Webhook-Delivery-ID',
    topics: wooCommerceOrderTopics,
    verify: verifyHmacSha256Base64,
    sign: hmacSha256Base64,
    // WooCommerce pings a new webhook with `webhook_id=N` and nothing else.
    isPing: isWooCommercePing,
    map: mapWooCommerceOrderWebhook,
  },
  connect: ({ consumerKey, consumerSecret }, { shopUrl, timeoutMs }) => {
    const client = new WooCommerceClient({ shopUrl, consumerKey, consumerSecret, timeoutMs });
    return {
      async notifyShipped(order, tracking) {
        const r = await client.complete(order.externalId, {
          number: tracking.number,
          company: tracking.carrier,
          url: tracking.url,
        });
        return r.alreadyCompleted ? 'already completed' : 'order completed with tracking';
      },
      async cancel(order) {
        return (await client.cancel(order.externalId)).alreadyCancelled ? 'already cancelled' : 'cancelled';
      },
    };
  },
});
