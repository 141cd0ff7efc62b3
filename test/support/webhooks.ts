import { createHmac, randomBytes } from 'node:crypto';
import { shopSandboxes } from '../../simulators/shops.js';
import { shopifyOrderFixture } from '../../simulators/shopify/fixtures/index.js';
import { fixturePayload } from '../../simulators/woocommerce/fixtures/index.js';
import type { HttpResponse } from '../../dev/http-client.js';
import type { Stack } from './stack.js';

export type ShopType = 'shopify' | 'woocommerce';

/** Connects a shop for the merchant through the API, with a webhook secret the test then signs with. */
export async function connectShop(
  stack: Stack,
  key: string,
  type: ShopType,
  webhookSecret: string,
): Promise<{ id: string; webhookUrl: string }> {
  const shop = stack.shops[type];
  const credentials = shopSandboxes.find((s) => s.type === type)?.credentials;
  if (!shop || !credentials) throw new Error(`no sandbox shop for ${type}`);
  const res = await stack.api.post(
    '/v1/channels',
    { type, shopUrl: shop.baseUrl, webhookSecret, ...credentials },
    { key },
  );
  if (res.status !== 201) throw new Error(`channel not created: ${res.status} ${res.text}`);
  return res.body;
}

/** A realistic order payload as the shop sends it, with a fresh shop order id. */
export function shopPayload(type: ShopType): Record<string, any> {
  const payload: Record<string, any> = type === 'shopify' ? shopifyOrderFixture('paid') : fixturePayload('paid');
  payload.id =
    type === 'shopify' ? 5_900_000_000_000 + Math.floor(Math.random() * 1e9) : Math.floor(Math.random() * 1e9);
  return payload;
}

/** Delivers raw bytes to a webhook endpoint signed as the shop signs them (base64 HMAC-SHA256 of the raw body). */
export async function deliverWebhook(
  stack: Stack,
  type: ShopType,
  connectionId: string,
  secret: string,
  raw: string | Buffer,
  headers: Record<string, string> = {},
): Promise<HttpResponse> {
  const signature = createHmac('sha256', secret).update(raw).digest('base64');
  const base: Record<string, string> =
    type === 'shopify'
      ? {
          'x-shopify-hmac-sha256': signature,
          'x-shopify-topic': 'orders/create',
          'x-shopify-webhook-id': randomBytes(8).toString('hex'),
        }
      : {
          'x-wc-webhook-signature': signature,
          'x-wc-webhook-topic': 'order.created',
          'x-wc-webhook-delivery-id': randomBytes(8).toString('hex'),
        };
  return stack.api.request('POST', `/webhooks/${type}/${connectionId}`, {
    raw,
    headers: { 'content-type': 'application/json', ...base, ...headers },
  });
}
