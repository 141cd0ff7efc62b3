import type { NewOrder } from '../domain/order.js';

/**
 * What a shop's webhook means for the platform, whatever the shop: the order as it stands on the shop, or a
 * reason to ignore the delivery, or a reason it cannot be mapped (kept for the operator, never dropped).
 */
export type ShopOrderEvent =
  | {
      kind: 'order';
      /** The shop's own order id: with the channel and merchant it makes the platform's order id. */
      externalId: string;
      /** The order in the platform's manual-entry shape; `payment.method` is how the shop was paid. */
      order: NewOrder;
      /** Money received on the shop now (Shopify `paid`, WooCommerce processing/completed or date_paid). */
      paid: boolean;
      /** Cancelled (or refunded/voided) on the shop. */
      cancelled: boolean;
    }
  | { kind: 'ignored'; reason: string }
  | { kind: 'unmappable'; reason: string; externalId: string | null };
