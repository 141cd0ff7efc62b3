/**
 * The order's statuses, without their schema (domain/order.ts builds it): workflow code reads them, and a module it
 * imports must not build schemas when it loads (domain/lazy.ts).
 */
export const orderStatuses = [
  'RECEIVED',
  'AWAITING_PAYMENT',
  'AWAITING_SHIPPING_METHOD',
  'PENDING_REVIEW',
  'PROCESSING',
  'SUBMITTED',
  'SHIPPED',
  'CANCELLED',
  'SENT_MANUALLY',
] as const;
export type OrderStatus = (typeof orderStatuses)[number];

export const terminalStatuses: ReadonlySet<OrderStatus> = new Set(['SHIPPED', 'CANCELLED', 'SENT_MANUALLY']);
