import type { Charge, Cost, Customer, OrderRecord, OrderView, ShippingAddress, Tracking } from '../domain/order.js';
import type { RetryKind, TimelineRow } from '../domain/order-machine.js';
import type { ReviewReason } from '../domain/review-reasons.js';
import type { OperatorRef, TopUpView } from '../domain/top-up.js';

/**
 * The activity contract the order workflow is written against. Business outcomes (a refusal, a short wallet,
 * a decline) come back as values the state machine decides on; only transient failures are thrown, and
 * Temporal retries those durably with backoff.
 */

export type QuoteResult = { ok: true; cost: Cost } | { ok: false; reasons: ReviewReason[] };

export type HoldResult = { held: true; reference: string } | { held: false; available: number };

export type PayPalResult =
  | { outcome: 'charged'; reference: string }
  | { outcome: 'not_enabled'; available: number }
  | { outcome: 'declined'; issue: string; message: string };

export type SubmitResult =
  { ok: true; supplierOrderId: string; alreadyExisted: boolean } | { ok: false; reasons: ReviewReason[] };

export interface MoneyStep {
  merchantId: string;
  orderId: string;
  amount: number;
  currency: string;
  key: string;
}

export interface ChannelResult {
  ok: boolean;
  message?: string;
}

export interface OrderActivities {
  quoteOrder(input: { order: OrderRecord }): Promise<QuoteResult>;
  holdWalletFunds(input: MoneyStep): Promise<HoldResult>;
  chargePayPal(input: MoneyStep): Promise<PayPalResult>;
  submitOrder(input: { order: OrderRecord }): Promise<SubmitResult>;
  captureWalletHold(input: { merchantId: string; orderId: string; key: string; holdKey: string }): Promise<void>;
  returnCharge(input: {
    merchantId: string;
    orderId: string;
    charge: Charge;
    key: string;
    holdKey: string;
  }): Promise<void>;
  probeOrder(input: { order: OrderRecord; kind: RetryKind }): Promise<{ ready: boolean; reasons: ReviewReason[] }>;
  pollTracking(input: { supplierOrderId: string }): Promise<Tracking | null>;
  notifyChannelShipped(input: { order: OrderRecord; tracking: Tracking }): Promise<ChannelResult>;
  cancelOnChannel(input: { order: OrderRecord; reason: string }): Promise<ChannelResult>;
}

export interface CheckActivities {
  /** Every problem in the customer data at once (bad phone, e-mail, postcode, address too long…). */
  checkOrderData(input: { customer: Customer; shippingAddress: ShippingAddress }): Promise<ReviewReason[]>;
}

export interface ProjectionActivities {
  projectOrder(input: { view: OrderView; timeline: TimelineRow[] }): Promise<void>;
}

export interface CatalogActivities {
  syncCatalog(): Promise<{ products: number }>;
}

export interface TopUpMoney {
  topUpId: string;
  merchantId: string;
  amount: number;
  currency: string;
}

/**
 * The activity contract of the top-up workflow, shared by every method (each method adds its own, beside its
 * implementation in activities/top-up-methods/): each call idempotent on the top-up id.
 */
export interface TopUpActivities {
  creditTopUp(
    input: TopUpMoney & { confirmation: { amountReceived: number; bankReference: string; by: OperatorRef } | null },
  ): Promise<{ transactionId: string; amount: number; available: number }>;
  recordTopUpRejection(input: TopUpMoney & { reason: string; by: OperatorRef }): Promise<void>;
  ordersToResume(input: { merchantId: string; available: number }): Promise<string[]>;
}

export interface TopUpProjectionActivities {
  projectTopUp(input: { view: TopUpView }): Promise<void>;
}

export interface MaintenanceActivities {
  /** Deletes the Idempotency-Key records older than IDEMPOTENCY_TTL. */
  purgeIdempotencyKeys(): Promise<{ purged: number }>;
}
