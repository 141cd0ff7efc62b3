import type { JsonObject } from './deep-merge.js';

/** What the simulated shop holds in memory, and what it saw the platform do. */

export interface SimNote {
  id: number;
  /** `system` for notes WooCommerce writes itself (and API notes not attributed to a user). */
  author: string;
  date_created: string;
  date_created_gmt: string;
  note: string;
  customer_note: boolean;
}

export interface Completion {
  orderId: string;
  /** Null when the order was completed without that tracking meta: exactly what a test wants to catch. */
  trackingNumber: string | null;
  trackingProvider: string | null;
  trackingUrl: string | null;
  at: string;
}

export interface Cancellation {
  orderId: string;
  at: string;
}

export interface DeliveryRecord {
  /** The X-WC-Webhook-Delivery-ID sent (pings carry none: theirs is only a handle for the admin routes). */
  id: string;
  /** 1 for the first send; redeliveries of the same id count up. */
  attempt: number;
  /** `order.created`, `order.updated`…, or `ping`. */
  topic: string;
  url: string;
  headers: Record<string, string>;
  /** The exact bytes sent. */
  body: string;
  /** The receiver's HTTP status, or null when it could not be reached. */
  status: number | null;
  error: string | null;
  responseBody: string;
  at: string;
}

export class WooState {
  readonly orders = new Map<number, JsonObject>();
  readonly notes = new Map<number, SimNote[]>();
  completions: Completion[] = [];
  cancellations: Cancellation[] = [];
  deliveries: DeliveryRecord[] = [];
  private nextOrderId: number;
  private nextRowId = 30001;

  /** A simulator restarted over a platform that remembers old orders must not hand out the same ids again. */
  constructor(private readonly firstOrderId = 5001) {
    this.nextOrderId = firstOrderId;
  }

  /** Order ids come from one sequence, as WordPress post ids do; explicit ids move the sequence past them. */
  takeOrderId(): number {
    while (this.orders.has(this.nextOrderId)) this.nextOrderId += 1;
    return this.nextOrderId++;
  }

  claimOrderId(id: number): void {
    if (id >= this.nextOrderId) this.nextOrderId = id + 1;
  }

  /** Ids of line items, meta entries and notes: unique across the shop, as in WooCommerce's tables. */
  takeRowId(): number {
    return this.nextRowId++;
  }

  notesOf(orderId: number): SimNote[] {
    let notes = this.notes.get(orderId);
    if (!notes) {
      notes = [];
      this.notes.set(orderId, notes);
    }
    return notes;
  }

  reset(): void {
    this.orders.clear();
    this.notes.clear();
    this.completions = [];
    this.cancellations = [];
    this.deliveries = [];
    this.nextOrderId = this.firstOrderId;
    this.nextRowId = 30001;
  }
}
