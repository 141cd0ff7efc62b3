import { mapChannels, type SalesChannel, type SalesChannels } from './sales-channel.js';
import { shopify } from './shopify/index.js';
import { woocommerce } from './woocommerce/index.js';

/**
 * The sales channels merchants can connect. Adding one = its folder (see sales-channel.ts) and a line here:
 * webhook routes, the connection schema, the shop gateway, the API docs and the database's channel_types follow.
 */
export const salesChannels: SalesChannels = [shopify, woocommerce];

/** `f` over every channel, keeping the list non-empty for the types that require it (z.enum, z.discriminatedUnion). */
export function mapSalesChannels<T>(f: (channel: SalesChannel) => T): [T, ...T[]] {
  return mapChannels(salesChannels, f);
}
