import { isJsonObject, shopTime, type JsonObject } from './json.js';
import { objects, type ShopOrder, type SimFulfillment, type SimFulfillmentOrder } from './state.js';

/** The Admin REST shapes of what the simulator keeps in its own terms. */

/** The shop's single location, from which every fulfilment order ships. */
export const shopLocation = {
  id: 71234567801,
  name: 'Magazzino fornitore',
  address1: 'Carrer de la Indústria 14',
  city: 'Barcelona',
  zip: '08907',
  province: 'Barcelona',
  country_code: 'ES',
};

const shopId = 81234567890;

export function fulfillmentJson(order: ShopOrder, fulfillment: SimFulfillment): JsonObject {
  const items = objects(order.json['line_items']);
  return {
    id: fulfillment.id,
    admin_graphql_api_id: `gid://shopify/Fulfillment/${fulfillment.id}`,
    created_at: fulfillment.createdAt,
    location_id: shopLocation.id,
    name: fulfillment.name,
    order_id: fulfillment.orderId,
    origin_address: {},
    receipt: {},
    service: 'manual',
    shipment_status: null,
    status: 'success',
    tracking_company: fulfillment.trackingCompany,
    tracking_number: fulfillment.trackingNumber,
    tracking_numbers: fulfillment.trackingNumber === null ? [] : [fulfillment.trackingNumber],
    tracking_url: fulfillment.trackingUrl,
    tracking_urls: fulfillment.trackingUrl === null ? [] : [fulfillment.trackingUrl],
    updated_at: fulfillment.createdAt,
    line_items: fulfillment.lines.map(({ lineItemId, quantity }) => {
      const item = items.find((i) => i['id'] === lineItemId) ?? { id: lineItemId };
      return { ...item, quantity, fulfillable_quantity: 0, fulfillment_status: 'fulfilled' };
    }),
  };
}

export function fulfillmentOrderJson(order: ShopOrder, fo: SimFulfillmentOrder): JsonObject {
  const address = isJsonObject(order.json['shipping_address']) ? order.json['shipping_address'] : null;
  const fulfillable = fo.status === 'open' || fo.status === 'in_progress';
  return {
    id: fo.id,
    created_at: fo.createdAt,
    updated_at: fo.updatedAt,
    shop_id: shopId,
    order_id: fo.orderId,
    assigned_location_id: shopLocation.id,
    request_status: 'unsubmitted',
    status: fo.status,
    fulfill_at: fo.createdAt,
    fulfill_by: null,
    supported_actions: fulfillable ? ['create_fulfillment', 'hold', 'move'] : [],
    destination: address
      ? {
          id: fo.id + 1,
          address1: address['address1'] ?? null,
          address2: address['address2'] ?? null,
          city: address['city'] ?? null,
          company: address['company'] ?? null,
          country: address['country'] ?? null,
          email: order.json['email'] ?? null,
          first_name: address['first_name'] ?? null,
          last_name: address['last_name'] ?? null,
          phone: address['phone'] ?? null,
          province: address['province'] ?? null,
          zip: address['zip'] ?? null,
        }
      : null,
    line_items: fo.lines.map((line) => ({
      id: line.id,
      shop_id: shopId,
      fulfillment_order_id: fo.id,
      quantity: line.remaining,
      line_item_id: line.lineItemId,
      inventory_item_id: line.variantId === null ? null : line.variantId + 1_000_000,
      fulfillable_quantity: line.remaining,
      variant_id: line.variantId,
    })),
    international_duties: null,
    fulfillment_holds: [],
    delivery_method: {
      id: fo.id + 2,
      method_type: 'shipping',
      min_delivery_date_time: null,
      max_delivery_date_time: null,
    },
    assigned_location: {
      address1: shopLocation.address1,
      address2: null,
      city: shopLocation.city,
      country_code: shopLocation.country_code,
      location_id: shopLocation.id,
      name: shopLocation.name,
      phone: null,
      province: shopLocation.province,
      zip: shopLocation.zip,
    },
    merchant_requests: [],
  };
}

/** Keeps the order JSON (what GET order and later webhooks show) in step with its fulfilment orders. */
export function syncFulfillmentState(order: ShopOrder, now: number): void {
  const remainingByLine = new Map<number, number>();
  for (const fo of order.fulfillmentOrders) {
    for (const line of fo.lines)
      remainingByLine.set(line.lineItemId, (remainingByLine.get(line.lineItemId) ?? 0) + line.remaining);
  }
  for (const item of objects(order.json['line_items'])) {
    const id = item['id'];
    const quantity = typeof item['quantity'] === 'number' ? item['quantity'] : 0;
    const remaining = typeof id === 'number' ? (remainingByLine.get(id) ?? 0) : 0;
    item['fulfillable_quantity'] = remaining;
    item['fulfillment_status'] =
      remaining === 0 && quantity > 0 ? 'fulfilled' : remaining < quantity ? 'partial' : null;
  }
  const allClosed = order.fulfillmentOrders.every((fo) => fo.status === 'closed');
  order.json['fulfillment_status'] = order.fulfillments.length === 0 ? null : allClosed ? 'fulfilled' : 'partial';
  order.json['fulfillments'] = order.fulfillments.map((f) => fulfillmentJson(order, f));
  order.json['updated_at'] = shopTime(now);
}
