import type { OrderRecord, Tracking } from '../../domain/order.js';
import type { ChannelResult } from '../types.js';

/** Tells the shop an order came from what happened to it: shipped (with tracking) or cancelled. */
export interface ChannelGateway {
  notifyShipped(order: OrderRecord, tracking: Tracking): Promise<ChannelResult>;
  cancel(order: OrderRecord, reason: string): Promise<ChannelResult>;
}

/**
 * One shop's API, whatever the platform: each call is safe to repeat and answers a line for the order's timeline
 * ("fulfillment 42 created", "already cancelled"). A refusal is thrown as ChannelRejected, anything worth
 * retrying as another error (errors.ts).
 */
export interface ShopClient {
  notifyShipped(order: OrderRecord, tracking: Tracking): Promise<string>;
  cancel(order: OrderRecord, reason: string): Promise<string>;
}

/** Where a connection's shop is and how to sign in: `credentials` as stored, checked by the channel. */
export interface ShopAccess {
  shopUrl: string;
  credentials: unknown;
  timeoutMs: number;
}

/** Makes a shop client for a connection of its type (a sales channel module, channels/). */
export interface ShopConnector {
  readonly type: string;
  shop(access: ShopAccess): ShopClient;
}
