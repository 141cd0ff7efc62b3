import type { WebhookConfig } from './context.js';
import type { JsonObject } from './deep-merge.js';
import type { FaultRequest } from './faults.js';
import type { FixtureName } from './fixtures/index.js';
import type { Cancellation, Completion, DeliveryRecord, SimNote } from './state.js';
import { adminCall } from '../shared/admin-call.js';

export interface DeliverySummary {
  id: string;
  attempt: number;
  topic: string;
  status: number | null;
  error: string | null;
}

/** Typed access to a running WooCommerce simulator's /_admin routes, for tests and demo scripts. */
export class WooCommerceSimulatorAdmin {
  constructor(private readonly baseUrl: string) {}

  async config(): Promise<WebhookConfig> {
    return (await this.call<{ config: WebhookConfig }>('GET', '/config')).config;
  }

  async configure(change: { webhookUrl?: string | null; webhookSecret?: string }): Promise<WebhookConfig> {
    return (await this.call<{ config: WebhookConfig }>('PUT', '/config', change)).config;
  }

  async createOrder(
    fixture: FixtureName,
    opts: { overrides?: JsonObject; send?: boolean } = {},
  ): Promise<{ order: JsonObject; delivery: DeliverySummary | null }> {
    return this.call('POST', '/orders', { fixture, ...opts });
  }

  async order(id: string | number): Promise<{ order: JsonObject; notes: SimNote[] }> {
    return this.call('GET', `/orders/${encodeURIComponent(String(id))}`);
  }

  async setStatus(
    id: string | number,
    status: string,
    opts: { send?: boolean } = {},
  ): Promise<{ order: JsonObject; delivery: DeliverySummary | null }> {
    return this.call('POST', `/orders/${encodeURIComponent(String(id))}/status`, { status, ...opts });
  }

  async deliveries(): Promise<DeliveryRecord[]> {
    return (await this.call<{ deliveries: DeliveryRecord[] }>('GET', '/deliveries')).deliveries;
  }

  async redeliver(deliveryId: string): Promise<DeliverySummary> {
    return (
      await this.call<{ delivery: DeliverySummary }>('POST', `/deliveries/${encodeURIComponent(deliveryId)}/redeliver`)
    ).delivery;
  }

  async send(request: {
    topic: string;
    payload: unknown;
    deliveryId?: string;
    signature?: 'valid' | 'wrong' | 'missing';
  }): Promise<DeliverySummary> {
    return (await this.call<{ delivery: DeliverySummary }>('POST', '/send', request)).delivery;
  }

  async ping(): Promise<DeliverySummary> {
    return (await this.call<{ delivery: DeliverySummary }>('POST', '/ping')).delivery;
  }

  async completions(): Promise<Completion[]> {
    return (await this.call<{ completions: Completion[] }>('GET', '/completions')).completions;
  }

  async cancellations(): Promise<Cancellation[]> {
    return (await this.call<{ cancellations: Cancellation[] }>('GET', '/cancellations')).cancellations;
  }

  async addFault(fault: Partial<FaultRequest> & Pick<FaultRequest, 'route' | 'kind'>): Promise<void> {
    await this.call('POST', '/faults', fault);
  }

  async reset(): Promise<void> {
    await this.call('POST', '/reset');
  }

  private call<T>(method: string, path: string, body?: unknown): Promise<T> {
    return adminCall<T>(this.baseUrl, 'woocommerce', method, path, body);
  }
}
