import type { SimProduct } from './catalog.js';
import type { FaultRequest, RouteName } from './faults.js';
import type { SimOrder } from './state.js';
import { adminCall } from '../shared/admin-call.js';

/** Typed access to a running simulator's /_admin routes, for tests and demo scripts. */
export class SupplierSimulatorAdmin {
  constructor(private readonly baseUrl: string) {}

  async orders(internalReference?: string): Promise<SimOrder[]> {
    const query = internalReference === undefined ? '' : `?internalReference=${encodeURIComponent(internalReference)}`;
    return (await this.call<{ orders: SimOrder[] }>('GET', `/orders${query}`)).orders;
  }

  async ship(orderId: string, given: { trackingNumber?: string; carrier?: string } = {}): Promise<SimOrder> {
    return (await this.call<{ order: SimOrder }>('POST', `/orders/${encodeURIComponent(orderId)}/ship`, given)).order;
  }

  async products(): Promise<SimProduct[]> {
    return (await this.call<{ products: SimProduct[] }>('GET', '/products')).products;
  }

  async setProduct(sku: string, change: { stock?: number; price?: number }): Promise<SimProduct> {
    return (await this.call<{ product: SimProduct }>('PUT', `/products/${encodeURIComponent(sku)}`, change)).product;
  }

  async addFault(fault: Partial<FaultRequest> & Pick<FaultRequest, 'route' | 'kind'>): Promise<void> {
    await this.call('POST', '/faults', fault);
  }

  async clearFaults(): Promise<void> {
    await this.call('DELETE', '/faults');
  }

  async requests(): Promise<Record<RouteName, number>> {
    return (await this.call<{ counts: Record<RouteName, number> }>('GET', '/requests')).counts;
  }

  async reset(): Promise<void> {
    await this.call('POST', '/reset');
  }

  private call<T>(method: string, path: string, body?: unknown): Promise<T> {
    return adminCall<T>(this.baseUrl, 'supplier', method, path, body);
  }
}
