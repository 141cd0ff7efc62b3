import type { FaultRequest } from './faults.js';
import type { FixtureName } from './fixtures/index.js';
import type { JsonObject } from './json.js';
import type { Delivery, DeliverySummary, SignatureMode } from './webhooks.js';
import { adminCall } from '../shared/admin-call.js';

export interface RecordedFulfillment {
  id: string;
  orderId: string;
  trackingNumber: string | null;
  trackingCompany: string | null;
  trackingUrl: string | null;
  createdAt: string;
}

export interface RecordedCancellation {
  orderId: string;
  reason: string;
  at: string;
}

export interface OrderChange {
  order: JsonObject;
  delivery: DeliverySummary;
}

/** Typed access to a running Shopify simulator's /_admin routes, for tests and demo scripts. */
export class ShopifySimulatorAdmin {
  constructor(private readonly baseUrl: string) {}

  async configure(change: {
    webhookUrl?: string | null;
    webhookSecret?: string | null;
    accessToken?: string;
  }): Promise<void> {
    await this.call('PUT', '/config', change);
  }

  /** Places an order in the shop and, unless `send` is false, delivers orders/create (then `delivery` is set). */
  async createOrder(
    fixture: FixtureName,
    opts: { overrides?: JsonObject; send?: boolean } = {},
  ): Promise<{ order: JsonObject; delivery: DeliverySummary | null }> {
    return this.call('POST', '/orders', { fixture, ...opts });
  }

  async order(
    id: string | number,
  ): Promise<{ order: JsonObject; fulfillmentOrders: JsonObject[]; fulfillments: JsonObject[] }> {
    return this.call('GET', `/orders/${encodeURIComponent(String(id))}`);
  }

  async pay(id: string | number): Promise<OrderChange> {
    return this.call('POST', `/orders/${encodeURIComponent(String(id))}/pay`);
  }

  async cancel(id: string | number, reason?: string): Promise<OrderChange> {
    return this.call(
      'POST',
      `/orders/${encodeURIComponent(String(id))}/cancel`,
      reason === undefined ? {} : { reason },
    );
  }

  /** An order edit adding products: a new open fulfilment order, and orders/updated unless `send` is false. */
  async editOrder(
    id: string | number,
    edit: { addLineItems: { sku: string | null; quantity: number; title?: string; price?: string }[]; send?: boolean },
  ): Promise<{ order: JsonObject; delivery: DeliverySummary | null }> {
    return this.call('POST', `/orders/${encodeURIComponent(String(id))}/edit`, edit);
  }

  async send(request: {
    topic: string;
    payload: unknown;
    deliveryId?: string;
    signature?: SignatureMode;
  }): Promise<DeliverySummary> {
    return (await this.call<{ delivery: DeliverySummary }>('POST', '/send', request)).delivery;
  }

  async redeliver(deliveryId: string): Promise<DeliverySummary> {
    return (
      await this.call<{ delivery: DeliverySummary }>('POST', `/deliveries/${encodeURIComponent(deliveryId)}/redeliver`)
    ).delivery;
  }

  async deliveries(): Promise<Delivery[]> {
    return (await this.call<{ deliveries: Delivery[] }>('GET', '/deliveries')).deliveries;
  }

  async fulfillments(): Promise<RecordedFulfillment[]> {
    return (await this.call<{ fulfillments: RecordedFulfillment[] }>('GET', '/fulfillments')).fulfillments;
  }

  async cancellations(): Promise<RecordedCancellation[]> {
    return (await this.call<{ cancellations: RecordedCancellation[] }>('GET', '/cancellations')).cancellations;
  }

  async addFault(fault: Partial<FaultRequest> & Pick<FaultRequest, 'route' | 'kind'>): Promise<void> {
    await this.call('POST', '/faults', fault);
  }

  async clearFaults(): Promise<void> {
    await this.call('DELETE', '/faults');
  }

  async reset(): Promise<void> {
    await this.call('POST', '/reset');
  }

  private call<T>(method: string, path: string, body?: unknown): Promise<T> {
    return adminCall<T>(this.baseUrl, 'shopify', method, path, body);
  }
}
