import { z } from 'zod';
import { isJsonObject, shopTime, type JsonObject } from './json.js';

/**
 * The shop's memory: orders as Shopify JSON, the fulfilment orders Shopify derives from their line items, and
 * the fulfilments and cancellations the Admin API made. Ids are sequential per kind so tests are repeatable.
 */

export interface SimFulfillmentOrderLine {
  id: number;
  lineItemId: number;
  variantId: number | null;
  quantity: number;
  remaining: number;
}

export interface SimFulfillmentOrder {
  id: number;
  orderId: number;
  /** open → in_progress (partly fulfilled) → closed; closed too when the order is cancelled. */
  status: 'open' | 'in_progress' | 'closed';
  lines: SimFulfillmentOrderLine[];
  createdAt: string;
  updatedAt: string;
}

export interface SimFulfillment {
  id: number;
  orderId: number;
  name: string;
  trackingNumber: string | null;
  trackingCompany: string | null;
  trackingUrl: string | null;
  notifyCustomer: boolean;
  lines: { lineItemId: number; quantity: number }[];
  createdAt: string;
}

export interface SimCancellation {
  orderId: string;
  reason: string;
  at: string;
}

export interface ShopOrder {
  id: number;
  json: JsonObject;
  fulfillmentOrders: SimFulfillmentOrder[];
  fulfillments: SimFulfillment[];
}

/** What the simulator itself relies on in an order; every other field is the caller's business. */
const OrderCore = z.looseObject({
  id: z.number().int().positive().max(Number.MAX_SAFE_INTEGER),
  line_items: z.array(
    z.looseObject({
      id: z.number().int().positive().max(Number.MAX_SAFE_INTEGER),
      quantity: z.number().int().min(0).max(100_000),
      variant_id: z.number().int().nullish(),
    }),
  ),
});

export class OrderShapeError extends Error {}
export class DuplicateOrderError extends Error {}

const firstIds = {
  order: 5_811_234_100_001,
  orderNumber: 1001,
  lineItem: 14_205_661_000_001,
  shippingLine: 4_611_231_000_001,
  fulfillmentOrder: 6_921_080_000_001,
  fulfillmentOrderLine: 15_330_270_000_001,
  fulfillment: 4_933_420_000_001,
};

export class ShopState {
  private orders = new Map<number, ShopOrder>();
  private fulfillmentRecords: SimFulfillment[] = [];
  private cancellationRecords: SimCancellation[] = [];
  private next = { ...firstIds };

  /** A simulator restarted over a platform that remembers old orders must not hand out the same ids again. */
  constructor(private readonly firstOrderId?: number) {
    if (firstOrderId) this.next.order = firstOrderId;
  }

  get fulfillments(): readonly SimFulfillment[] {
    return this.fulfillmentRecords;
  }

  get cancellations(): readonly SimCancellation[] {
    return this.cancellationRecords;
  }

  listOrders(): ShopOrder[] {
    return [...this.orders.values()];
  }

  order(id: string | number): ShopOrder | undefined {
    const numeric = typeof id === 'number' ? id : /^\d+$/.test(id) ? Number(id) : NaN;
    return this.orders.get(numeric);
  }

  fulfillmentOrder(id: number): { order: ShopOrder; fulfillmentOrder: SimFulfillmentOrder } | undefined {
    for (const order of this.orders.values()) {
      const fulfillmentOrder = order.fulfillmentOrders.find((fo) => fo.id === id);
      if (fulfillmentOrder) return { order, fulfillmentOrder };
    }
    return undefined;
  }

  /** Fresh identity for an order made from a fixture; overrides applied afterwards may replace any of it. */
  freshIdentity(now: number): JsonObject {
    const id = this.next.order++;
    const number = this.next.orderNumber++;
    const at = shopTime(now);
    return {
      id,
      admin_graphql_api_id: `gid://shopify/Order/${id}`,
      name: `#${number}`,
      number: number - 1000,
      order_number: number,
      created_at: at,
      processed_at: at,
      updated_at: at,
    };
  }

  /** New ids for the fixture's line items and shipping lines, so two orders never share a line item. */
  freshLineIds(order: JsonObject): void {
    for (const item of objects(order['line_items'])) {
      const id = this.next.lineItem++;
      item['id'] = id;
      item['admin_graphql_api_id'] = `gid://shopify/LineItem/${id}`;
    }
    for (const line of objects(order['shipping_lines'])) line['id'] = this.next.shippingLine++;
  }

  /**
   * Stores the order and opens one fulfilment order for its shippable lines, as Shopify does for a shop with
   * one location. Throws OrderShapeError when the JSON lacks what the simulator needs, DuplicateOrderError on a taken id.
   */
  addOrder(json: JsonObject, now: number): ShopOrder {
    for (const item of objects(json['line_items'])) {
      if (item['id'] === undefined || item['id'] === null) item['id'] = this.next.lineItem++;
    }
    const core = OrderCore.safeParse(json);
    if (!core.success) {
      throw new OrderShapeError(
        core.error.issues.map((i) => `${i.path.join('.') || 'order'}: ${i.message}`).join('; '),
      );
    }
    const id = core.data.id;
    if (this.orders.has(id)) throw new DuplicateOrderError(`An order with id ${id} already exists in the shop`);
    json['admin_graphql_api_id'] ??= `gid://shopify/Order/${id}`;
    const at = shopTime(now);
    const lines = core.data.line_items
      .filter((item) => item.quantity > 0)
      .map((item) => ({
        id: this.next.fulfillmentOrderLine++,
        lineItemId: item.id,
        variantId: item.variant_id ?? null,
        quantity: item.quantity,
        remaining: item.quantity,
      }));
    const fulfillmentOrders: SimFulfillmentOrder[] =
      lines.length === 0
        ? []
        : [{ id: this.next.fulfillmentOrder++, orderId: id, status: 'open', lines, createdAt: at, updatedAt: at }];
    const order: ShopOrder = { id, json, fulfillmentOrders, fulfillments: [] };
    this.orders.set(id, order);
    return order;
  }

  /**
   * An order edit adding products: Shopify appends the line items and opens a new fulfilment order for them,
   * while what was already fulfilled stays closed.
   */
  addLineItems(
    order: ShopOrder,
    items: { sku: string | null; quantity: number; title: string; price: string }[],
    now: number,
  ): void {
    const at = shopTime(now);
    const lines: SimFulfillmentOrderLine[] = [];
    const list = Array.isArray(order.json['line_items']) ? order.json['line_items'] : (order.json['line_items'] = []);
    for (const item of items) {
      const id = this.next.lineItem++;
      list.push({
        id,
        admin_graphql_api_id: `gid://shopify/LineItem/${id}`,
        current_quantity: item.quantity,
        fulfillable_quantity: item.quantity,
        fulfillment_service: 'manual',
        fulfillment_status: null,
        gift_card: false,
        name: item.title,
        price: item.price,
        product_exists: true,
        properties: [],
        quantity: item.quantity,
        requires_shipping: true,
        sku: item.sku,
        taxable: true,
        title: item.title,
        total_discount: '0.00',
        variant_id: null,
        variant_title: null,
        tax_lines: [],
        discount_allocations: [],
      });
      lines.push({
        id: this.next.fulfillmentOrderLine++,
        lineItemId: id,
        variantId: null,
        quantity: item.quantity,
        remaining: item.quantity,
      });
    }
    order.fulfillmentOrders.push({
      id: this.next.fulfillmentOrder++,
      orderId: order.id,
      status: 'open',
      lines,
      createdAt: at,
      updatedAt: at,
    });
  }

  /** Takes the given quantities (all that remains when none are given) off the fulfilment orders and records it. */
  addFulfillment(
    order: ShopOrder,
    requests: { fulfillmentOrder: SimFulfillmentOrder; lines: Map<SimFulfillmentOrderLine, number> }[],
    tracking: { number: string | null; company: string | null; url: string | null },
    notifyCustomer: boolean,
    now: number,
  ): SimFulfillment {
    const at = shopTime(now);
    const fulfilled = new Map<number, number>();
    for (const { fulfillmentOrder, lines } of requests) {
      for (const line of fulfillmentOrder.lines) {
        const quantity = lines.size === 0 ? line.remaining : (lines.get(line) ?? 0);
        line.remaining -= quantity;
        if (quantity > 0) fulfilled.set(line.lineItemId, (fulfilled.get(line.lineItemId) ?? 0) + quantity);
      }
      fulfillmentOrder.status = fulfillmentOrder.lines.every((l) => l.remaining === 0) ? 'closed' : 'in_progress';
      fulfillmentOrder.updatedAt = at;
    }
    const fulfillment: SimFulfillment = {
      id: this.next.fulfillment++,
      orderId: order.id,
      name: `${typeof order.json['name'] === 'string' ? order.json['name'] : `#${order.id}`}.${order.fulfillments.length + 1}`,
      trackingNumber: tracking.number,
      trackingCompany: tracking.company,
      trackingUrl: tracking.url,
      notifyCustomer,
      lines: [...fulfilled].map(([lineItemId, quantity]) => ({ lineItemId, quantity })),
      createdAt: at,
    };
    order.fulfillments.push(fulfillment);
    this.fulfillmentRecords.push(fulfillment);
    return fulfillment;
  }

  /** Marks the order cancelled and closes what was still to fulfil; `viaApi` cancellations are the ones recorded. */
  cancelOrder(order: ShopOrder, reason: string, now: number, viaApi: boolean): void {
    const at = shopTime(now);
    order.json['cancelled_at'] = at;
    order.json['cancel_reason'] = reason;
    order.json['updated_at'] = at;
    for (const fo of order.fulfillmentOrders) {
      if (fo.status !== 'closed') {
        fo.status = 'closed';
        fo.updatedAt = at;
      }
    }
    if (viaApi) this.cancellationRecords.push({ orderId: String(order.id), reason, at: new Date(now).toISOString() });
  }

  reset(): void {
    this.orders.clear();
    this.fulfillmentRecords = [];
    this.cancellationRecords = [];
    this.next = { ...firstIds, ...(this.firstOrderId ? { order: this.firstOrderId } : {}) };
  }
}

/** The JSON objects in a list field, skipping anything else a test may have put there. */
export function objects(value: unknown): JsonObject[] {
  return Array.isArray(value) ? value.filter(isJsonObject) : [];
}
