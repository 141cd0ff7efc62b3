import type { OrderRecord, Tracking } from '../../domain/order.js';
import type { ChannelResult } from '../types.js';

/** Tells the shop an order came from what happened to it: shipped (with tracking) or cancelled. */
export interface ChannelGateway {
  notifyShipped(order: OrderRecord, tracking: Tracking): Promise<ChannelResult>;
  cancel(order: OrderRecord, reason: string): Promise<ChannelResult>;
}
