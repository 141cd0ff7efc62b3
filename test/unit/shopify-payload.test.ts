import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { hmacSha256Base64 } from '../../channels/hmac-signature.js';
import { mapShopifyOrderWebhook, shopify } from '../../channels/shopify/index.js';
import type { ShopOrderEvent } from '../../channels/shop-order-event.js';
import { NewOrder } from '../../domain/order.js';
import { deepMerge, type JsonObject } from '../../simulators/shopify/json.js';
import { shopifyOrderFixture, type FixtureName } from '../../simulators/shopify/index.js';

function payload(fixture: FixtureName, overrides: JsonObject = {}): JsonObject {
  return deepMerge(shopifyOrderFixture(fixture), overrides);
}

function mapped(topic: string, body: unknown): Extract<ShopOrderEvent, { kind: 'order' }> {
  const event = mapShopifyOrderWebhook(topic, body);
  if (event.kind !== 'order') throw new Error(`expected an order, got ${JSON.stringify(event)}`);
  return event;
}

function unmappable(topic: string, body: unknown): Extract<ShopOrderEvent, { kind: 'unmappable' }> {
  const event = mapShopifyOrderWebhook(topic, body);
  if (event.kind !== 'unmappable') throw new Error(`expected unmappable, got ${JSON.stringify(event)}`);
  return event;
}

describe('mapShopifyOrderWebhook: the fixtures', () => {
  it('maps the paid card order to a prepaid, paid order with everything the platform needs', () => {
    const event = mapped('orders/create', payload('paid'));
    expect(event).toEqual({
      kind: 'order',
      externalId: '5811234000001',
      paid: true,
      cancelled: false,
      order: {
        channel: 'shopify',
        externalId: '5811234000001',
        payment: { method: 'prepaid', amountPaid: 5990, currency: 'EUR' },
        customer: { name: 'Giulia Bianchi', email: 'giulia.bianchi@example.com', phone: '+393471234567' },
        shippingAddress: {
          line1: 'Corso Buenos Aires 45',
          line2: 'Scala B, interno 7',
          city: 'Milano',
          postcode: '20124',
          region: 'MI',
          country: 'IT',
        },
        items: [{ sku: 'BB-1009', quantity: 1 }],
        shippingMethod: 'gls',
      },
    });
    expect(() => NewOrder.parse(event.order)).not.toThrow();
  });

  it('maps the COD order to cod, not paid, with Correos and both products', () => {
    const event = mapped('orders/create', payload('cod'));
    expect(event.paid).toBe(false);
    expect(event.cancelled).toBe(false);
    expect(event.order.payment).toEqual({ method: 'cod', amountPaid: 9820, currency: 'EUR' });
    expect(event.order.items).toEqual([
      { sku: 'BB-1004', quantity: 1 },
      { sku: 'BB-1012', quantity: 2 },
    ]);
    expect(event.order.shippingMethod).toBe('correos');
    expect(event.order.shippingAddress).toMatchObject({ country: 'ES', region: 'M', postcode: '28009' });
  });

  it('keeps a delivered COD order cod once the merchant marks it paid', () => {
    const event = mapped('orders/paid', payload('cod', { financial_status: 'paid' }));
    expect(event.order.payment.method).toBe('cod');
    expect(event.paid).toBe(true);
  });

  it('maps the bank deposit order to bank_transfer waiting for payment, without a shipping method', () => {
    const event = mapped('orders/create', payload('bank_deposit'));
    expect(event.order.payment).toEqual({ method: 'bank_transfer', amountPaid: 7680, currency: 'EUR' });
    expect(event.paid).toBe(false);
    expect(event.order).not.toHaveProperty('shippingMethod');
    // Neither the address nor the order has a phone: the customer record's is used.
    expect(event.order.customer).toEqual({
      name: 'Luca Ferri',
      email: 'luca.ferri@example.it',
      phone: '+393289876543',
    });
    expect(event.order.shippingAddress.line2).toBe('');
  });

  it('reports the bank deposit as paid (prepaid) on orders/paid', () => {
    const event = mapped('orders/paid', payload('bank_deposit', { financial_status: 'paid' }));
    expect(event.paid).toBe(true);
    expect(event.order.payment.method).toBe('prepaid');
  });

  it('treats any other pending gateway like a bank transfer', () => {
    const event = mapped(
      'orders/create',
      payload('paid', { financial_status: 'pending', payment_gateway_names: ['Money Order'] }),
    );
    expect(event.order.payment.method).toBe('bank_transfer');
    expect(event.paid).toBe(false);
  });

  it.each(['authorized', 'partially_refunded'])('counts financial_status %s as paid', (status) => {
    const event = mapped('orders/updated', payload('paid', { financial_status: status }));
    expect(event.paid).toBe(true);
    expect(event.order.payment.method).toBe('prepaid');
    expect(event.cancelled).toBe(false);
  });
});

describe('mapShopifyOrderWebhook: cancellation', () => {
  it('marks orders/cancelled (cancelled_at set) as cancelled', () => {
    const event = mapped(
      'orders/cancelled',
      payload('paid', { cancelled_at: '2024-11-05T12:00:00+01:00', cancel_reason: 'customer' }),
    );
    expect(event.cancelled).toBe(true);
  });

  it.each(['refunded', 'voided'])('marks a %s order as cancelled and not paid', (status) => {
    const event = mapped('orders/updated', payload('paid', { financial_status: status }));
    expect(event.cancelled).toBe(true);
    expect(event.paid).toBe(false);
  });

  it('keeps an ordinary update not cancelled', () => {
    expect(mapped('orders/updated', payload('paid')).cancelled).toBe(false);
  });
});

describe('mapShopifyOrderWebhook: amounts, names and carriers', () => {
  it.each([
    ['59.90', 5990],
    ['0.10', 10],
    ['1234.5', 123450],
    ['19.99', 1999],
    ['100', 10000],
  ])('reads total_price "%s" as %i cents', (total, cents) => {
    expect(mapped('orders/create', payload('paid', { total_price: total })).order.payment.amountPaid).toBe(cents);
  });

  it('refuses an unreadable total_price, naming the field', () => {
    const event = unmappable('orders/create', payload('paid', { total_price: 'free' }));
    expect(event.reason).toContain('total_price');
    expect(event.externalId).toBe('5811234000001');
  });

  it.each([
    [{ code: 'DHL-EXP', title: 'Express 24h' }, 'dhl'],
    [{ code: 'Standard', title: 'UPS Standard' }, 'ups'],
    [{ code: null, title: 'gls express' }, 'gls'],
    [{ code: 'correos', title: 'Envío' }, 'correos'],
  ])('takes the carrier from shipping line %o', (line, method) => {
    const event = mapped('orders/create', payload('paid', { shipping_lines: [line] }));
    expect(event.order.shippingMethod).toBe(method);
  });

  it.each([
    [[{ code: 'Standard', title: 'Spedizione standard' }]],
    [[{ code: 'Pickups', title: 'Ritiro in negozio' }]],
    [[]],
    [null],
  ])('omits the shipping method when shipping_lines (%o) name no supplier carrier', (lines) => {
    expect(mapped('orders/create', payload('paid', { shipping_lines: lines })).order).not.toHaveProperty(
      'shippingMethod',
    );
  });

  it('builds the name from first and last name when the address has no name', () => {
    const event = mapped('orders/create', payload('paid', { shipping_address: { name: null } }));
    expect(event.order.customer.name).toBe('Giulia Bianchi');
  });

  it('falls back to the customer e-mail and order phone', () => {
    const event = mapped(
      'orders/create',
      payload('paid', { email: null, phone: '+393331112222', shipping_address: { phone: '' } }),
    );
    expect(event.order.customer.email).toBe('giulia.bianchi@example.com');
    expect(event.order.customer.phone).toBe('+393331112222');
  });

  it('uses the province name when there is no province code', () => {
    const event = mapped(
      'orders/create',
      payload('paid', { shipping_address: { province_code: null, province: 'Milano' } }),
    );
    expect(event.order.shippingAddress.region).toBe('Milano');
  });
});

describe('mapShopifyOrderWebhook: line items', () => {
  const line = (over: JsonObject): JsonObject => ({
    id: 1,
    title: 'Item',
    quantity: 1,
    sku: 'BB-1001',
    requires_shipping: true,
    gift_card: false,
    ...over,
  });

  it('refuses a line item without SKU, naming the item and the field', () => {
    const event = unmappable(
      'orders/create',
      payload('paid', { line_items: [line({ sku: 'BB-1001' }), line({ sku: '', title: 'Borraccia termica' })] }),
    );
    expect(event.reason).toContain('line_items[1].sku');
    expect(event.reason).toContain('Borraccia termica');
    expect(event.externalId).toBe('5811234000001');
  });

  it('refuses a null SKU the same way', () => {
    expect(unmappable('orders/create', payload('paid', { line_items: [line({ sku: null })] })).reason).toContain(
      'line_items[0].sku',
    );
  });

  it('refuses an order without line items', () => {
    expect(unmappable('orders/create', payload('paid', { line_items: [] })).reason).toContain('line_items');
  });

  it('sums repeated SKUs and uses the quantity left after edits', () => {
    const event = mapped(
      'orders/updated',
      payload('paid', {
        line_items: [
          line({ sku: 'BB-1001', quantity: 2 }),
          line({ sku: 'BB-1001', quantity: 1 }),
          line({ sku: 'BB-1003', quantity: 3, current_quantity: 1 }),
        ],
      }),
    );
    expect(event.order.items).toEqual([
      { sku: 'BB-1001', quantity: 3 },
      { sku: 'BB-1003', quantity: 1 },
    ]);
  });

  it('leaves out gift cards, removed lines and SKU-less lines that need no shipping', () => {
    const event = mapped(
      'orders/updated',
      payload('paid', {
        line_items: [
          line({ sku: 'BB-1002' }),
          line({ sku: null, title: 'Gift card', gift_card: true, requires_shipping: false }),
          line({ sku: null, title: 'Shipping protection', requires_shipping: false }),
          line({ sku: 'BB-1005', quantity: 1, current_quantity: 0 }),
        ],
      }),
    );
    expect(event.order.items).toEqual([{ sku: 'BB-1002', quantity: 1 }]);
  });

  it('refuses an order whose lines are all non-shippable', () => {
    const event = unmappable(
      'orders/create',
      payload('paid', { line_items: [line({ sku: null, gift_card: true, requires_shipping: false })] }),
    );
    expect(event.reason).toMatch(/line items/i);
  });
});

describe('mapShopifyOrderWebhook: unmappable and ignored payloads', () => {
  it('refuses an order without shipping address, naming the field', () => {
    const event = unmappable('orders/create', payload('paid', { shipping_address: null }));
    expect(event.reason).toContain('shipping_address');
    expect(event.externalId).toBe('5811234000001');
  });

  it('refuses an address without country code', () => {
    expect(unmappable('orders/create', payload('paid', { shipping_address: { country_code: null } })).reason).toContain(
      'shipping_address.country_code',
    );
  });

  it('reports what NewOrder rejects, with the path', () => {
    const event = unmappable('orders/create', payload('paid', { currency: 'euro' }));
    expect(event.reason).toContain('payment.currency');
  });

  it('refuses an unparsable payload with the failing field and whatever id it has', () => {
    const event = unmappable('orders/create', { id: 42, line_items: 'none' });
    expect(event.externalId).toBe('42');
    expect(event.reason).toContain('line_items');
    expect(unmappable('orders/create', 'not an object').externalId).toBeNull();
    expect(unmappable('orders/create', null).externalId).toBeNull();
  });

  it.each(['products/update', 'orders/fulfilled', 'customers/create', 'app/uninstalled', ''])(
    'ignores topic "%s"',
    (topic) => {
      const event = mapShopifyOrderWebhook(topic, payload('paid'));
      expect(event.kind).toBe('ignored');
      if (event.kind === 'ignored') expect(event.reason).toContain(topic);
    },
  );

  it('accepts extra and null fields Shopify may add', () => {
    const event = mapped(
      'orders/create',
      payload('paid', {
        brand_new_field: { nested: [1, 2] },
        customer: null,
        shipping_lines: null,
        payment_gateway_names: null,
      }),
    );
    expect(event.order.customer.email).toBe('giulia.bianchi@example.com');
  });
});

describe('Shopify signatures', () => {
  const body = Buffer.from(JSON.stringify({ id: 1, note: 'caffè ☕' }), 'utf8');

  it('is the base64 HMAC-SHA256 of the raw body', () => {
    const expected = createHmac('sha256', 'shh').update(body).digest('base64');
    expect(hmacSha256Base64(body, 'shh')).toBe(expected);
    expect(hmacSha256Base64(body.toString('utf8'), 'shh')).toBe(expected);
  });

  it('verifies with the right secret among several and refuses the rest', () => {
    const header = hmacSha256Base64(body, 'new-secret');
    expect(shopify.webhook.verify(body, header, ['old-secret', 'new-secret'])).toBe(true);
    expect(shopify.webhook.verify(body, header, ['other-secret'])).toBe(false);
    expect(shopify.webhook.verify(body, header, [])).toBe(false);
  });

  it('refuses a missing, truncated or tampered signature, and a changed body', () => {
    const header = hmacSha256Base64(body, 'secret');
    expect(shopify.webhook.verify(body, undefined, ['secret'])).toBe(false);
    expect(shopify.webhook.verify(body, '', ['secret'])).toBe(false);
    expect(shopify.webhook.verify(body, header.slice(0, -2), ['secret'])).toBe(false);
    expect(shopify.webhook.verify(body, `${header.startsWith('A') ? 'B' : 'A'}${header.slice(1)}`, ['secret'])).toBe(
      false,
    );
    expect(shopify.webhook.verify(Buffer.concat([body, Buffer.from(' ')]), header, ['secret'])).toBe(false);
  });

  it('never accepts an empty secret', () => {
    expect(shopify.webhook.verify(body, hmacSha256Base64(body, ''), [''])).toBe(false);
  });
});
