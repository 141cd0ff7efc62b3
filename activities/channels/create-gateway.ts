import type { Logger } from 'pino';
import { loadCredentials } from '../../db/channels.js';
import type { Db } from '../../db/pool.js';
import type { OrderRecord } from '../../domain/order.js';
import type { SecretBox } from '../../db/secret-box.js';
import { retryLater } from '../failures.js';
import type { ChannelResult } from '../types.js';
import { ChannelRejected } from './errors.js';
import type { ChannelGateway, ShopClient, ShopConnector } from './gateway.js';

export interface ChannelGatewayDeps {
  db: Db;
  /** Decrypts the stored shop credentials; null when the platform has no SECRETS_KEY. */
  box: SecretBox | null;
  /** The sales channels the platform knows (channels/registry.ts), by their type. */
  connectors: readonly ShopConnector[];
  /** Limit of one call to a shop. */
  timeoutMs: number;
  logger: Logger;
}

/**
 * Tells the shop an order came from what happened to it. Orders entered by hand or imported have no shop to
 * tell. A shop that is down is retried (the error is thrown for Temporal); a shop that refuses is reported.
 */
export function createChannelGateway({ db, box, connectors, timeoutMs, logger }: ChannelGatewayDeps): ChannelGateway {
  const onShop = async (order: OrderRecord, action: (shop: ShopClient) => Promise<string>): Promise<ChannelResult> => {
    if (!order.channelConnectionId) return { ok: false, message: 'The order has no shop connection' };
    if (!box) throw new Error('SECRETS_KEY is not set: shop credentials cannot be read');
    const loaded = await loadCredentials(db, box, order.channelConnectionId);
    if (!loaded) return { ok: false, message: `Shop connection ${order.channelConnectionId} no longer exists` };
    const { connection, credentials } = loaded;
    const connector = connectors.find((c) => c.type === connection.type);
    if (!connector) return { ok: false, message: `The platform no longer knows ${connection.type} shops` };
    try {
      const message = await action(connector.shop({ shopUrl: connection.shopUrl, credentials, timeoutMs }));
      return { ok: true, message };
    } catch (error) {
      if (error instanceof ChannelRejected) {
        logger.warn({ err: error, orderId: order.id }, 'the shop refused a call');
        return { ok: false, message: `${connection.type} refused (${error.status ?? 'no status'}): ${error.message}` };
      }
      throw retryLater(error);
    }
  };

  return {
    notifyShipped: (order, tracking) => onShop(order, (shop) => shop.notifyShipped(order, tracking)),
    cancel: (order, reason) => onShop(order, (shop) => shop.cancel(order, reason)),
  };
}
