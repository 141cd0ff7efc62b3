import type { Logger } from 'pino';
import { loadCredentials, type ChannelCredentials } from '../../db/channels.js';
import type { Db } from '../../db/pool.js';
import type { OrderRecord, Tracking } from '../../domain/order.js';
import type { SecretBox } from '../../db/secret-box.js';
import { retryLater } from '../failures.js';
import type { ChannelResult } from '../types.js';
import { ChannelRejected } from './errors.js';
import type { ChannelGateway } from './gateway.js';
import { ShopifyClient } from './shopify-client.js';
import { WooCommerceClient } from './woocommerce-client.js';

export interface ChannelGatewayDeps {
  db: Db;
  /** Decrypts the stored shop credentials; null when the platform has no SECRETS_KEY. */
  box: SecretBox | null;
  /** Limit of one call to a shop. */
  timeoutMs: number;
  logger: Logger;
}

type ShopAction = { shopify: (c: ShopifyClient) => Promise<string>; woocommerce: (c: WooCommerceClient) => Promise<string> };

/**
 * Tells the shop an order came from what happened to it. Orders entered by hand or imported have no shop to
 * tell. A shop that is down is retried (the error is thrown for Temporal); a shop that refuses is reported.
 */
export function createChannelGateway({ db, box, timeoutMs, logger }: ChannelGatewayDeps): ChannelGateway {

  const clients = (credentials: ChannelCredentials, shopUrl: string): ShopifyClient | WooCommerceClient =>
    credentials.type === 'shopify'
      ? new ShopifyClient({ shopUrl, accessToken: credentials.accessToken, timeoutMs })
      : new WooCommerceClient({ shopUrl, consumerKey: credentials.consumerKey, consumerSecret: credentials.consumerSecret, timeoutMs });

  const onShop = async (order: OrderRecord, action: ShopAction): Promise<ChannelResult> => {
    if (!order.channelConnectionId) return { ok: false, message: 'The order has no shop connection' };
    if (!box) throw new Error('SECRETS_KEY is not set: shop credentials cannot be read');
    const loaded = await loadCredentials(db, box, order.channelConnectionId);
    if (!loaded) return { ok: false, message: `Shop connection ${order.channelConnectionId} no longer exists` };
    const client = clients(loaded.credentials, loaded.connection.shopUrl);
    try {
      const message = client instanceof ShopifyClient ? await action.shopify(client) : await action.woocommerce(client);
      return { ok: true, message };
    } catch (error) {
      if (error instanceof ChannelRejected) {
        logger.warn({ err: error, orderId: order.id }, 'the shop refused a call');
        return { ok: false, message: `${loaded.connection.type} refused (${error.status ?? 'no status'}): ${error.message}` };
      }
      throw retryLater(error);
    }
  };

  return {
    notifyShipped: (order: OrderRecord, tracking: Tracking) =>
      onShop(order, {
        shopify: async (c) => {
          const r = await c.fulfill(order.externalId, { number: tracking.number, company: tracking.carrier, url: tracking.url });
          return r.alreadyFulfilled ? `already fulfilled (${r.fulfillmentId})` : `fulfillment ${r.fulfillmentId} created`;
        },
        woocommerce: async (c) => {
          const r = await c.complete(order.externalId, { number: tracking.number, company: tracking.carrier, url: tracking.url });
          return r.alreadyCompleted ? 'already completed' : 'order completed with tracking';
        },
      }),
    cancel: (order: OrderRecord) =>
      onShop(order, {
        shopify: async (c) => ((await c.cancel(order.externalId, 'other')).alreadyCancelled ? 'already cancelled' : 'cancelled'),
        woocommerce: async (c) => ((await c.cancel(order.externalId)).alreadyCancelled ? 'already cancelled' : 'cancelled'),
      }),
  };
}
