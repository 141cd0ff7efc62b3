import { z } from 'zod';
import { hmacSha256Base64, verifyHmacSha256Base64 } from '../hmac-signature.js';
import { defineSalesChannel } from '../sales-channel.js';
import { ShopifyClient } from './client.js';
import { mapShopifyOrderWebhook, shopifyOrderTopics } from './webhook.js';

export { ShopifyClient, type ShopifyCancelReason, type ShopifyTracking } from './client.js';
export { mapShopifyOrderWebhook, ShopifyOrderWebhook } from './webhook.js';

/** Shopify: a custom app's Admin API access token; tracking goes back as a fulfilment. */
export const shopify = defineSalesChannel({
  type: 'shopify',
  label: 'Shopify',
  credentials: z.object({ accessToken: z.string().min(8).max(500) }),
  webhook: {
    signatureHeader: 'X-Shopify-Hmac-SHA256',
    topicHeader: 'X-Shopify-Topic',
    deliveryHeader: 'X-Shopify-Webhook-Id',
    topics: shopifyOrderTopics,
    verify: verifyHmacSha256Base64,
    sign: hmacSha256Base64,
    map: mapShopifyOrderWebhook,
  },
  connect: ({ accessToken }, { shopUrl, timeoutMs }) => {
    const client = new ShopifyClient({ shopUrl, accessToken, timeoutMs });
    return {
      async notifyShipped(order, tracking) {
        const r = await client.fulfill(order.externalId, {
          number: tracking.number,
          company: tracking.carrier,
          url: tracking.url,
        });
        return r.alreadyFulfilled ? `already fulfilled (${r.fulfillmentId})` : `fulfillment ${r.fulfillmentId} created`;
      },
      // The platform's reason is free text; Shopify takes one of its own codes, and 'other' is the honest one.
      async cancel(order) {
        return (await client.cancel(order.externalId, 'other')).alreadyCancelled ? 'already cancelled' : 'cancelled';
      },
    };
  },
});
