import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { hmacSha256Base64 } from '../../channels/hmac-signature.js';
import type { ShopOrderEvent } from '../../channels/shop-order-event.js';
import { isWooCommercePing, mapWooCommerceOrderWebhook, woocommerce } from '../../channels/woocommerce/index.js';
import { libraryLookups } from '../../domain/order-checks-legacy.js';
import { checkOrderData } from '../../domain/order-checks.js';
import { NewOrder } from '../../domain/order.js';
import { fixturePayload, type FixtureName } from '../../simulators/woocommerce/index.js';

// The mapper against the simulator's captured-style payloads, and against the ways real shops bend them.

type Payload = Record<string, any>;

function payload(name: FixtureName, change: (p: Payload) => void = () => {}): Payload {
  const p = fixturePayload(name) as Payload;
  change(p);
  return p;
}

function mapped(event: ShopOrderEvent) {
  if (event.kind !== 'order') throw new Error(`expected an order, got ${JSON.stringify(event)}`);
  return event;
}

function unmappable(event: ShopOrderEvent) {
  if (event.kind !== 'unmappable') throw new Error(`expected unmappable, got ${JSON.stringify(event)}`);
  return event;
}

describe('fixtures map to platform orders', () => {
  it('a card order paid at checkout is prepaid and paid, with the GLS shipping line as method', () => {
    const event = mapped(mapWooCommerceOrderWebhook('order.created', payload('paid')));
    expect(event).toMatchObject({ externalId: '4127', paid: true, cancelled: false });
    expect(event.order).toEqual({
      channel: 'woocommerce',
      externalId: '4127',
      payment: { method: 'prepaid', amountPaid: 9680, currency: 'EUR' },
      customer: { name: 'Giulia Bianchi', email: 'giulia.bianchi@example.it', phone: '+39 347 123 4567' },
      shippingAddress: {
        line1: 'Via Giuseppe Garibaldi 27',
        line2: 'Scala B, interno 4',
        city: 'Torino',
        postcode: '10122',
        region: 'TO',
        country: 'IT',
      },
      items: [
        { sku: 'BB-1002', quantity: 1 },
        { sku: 'BB-1010', quantity: 2 },
      ],
      shippingMethod: 'gls',
    });
    expect(() => NewOrder.parse(event.order)).not.toThrow();
  });

  it('a bank-transfer order on-hold is bank_transfer and not paid; once processing it is paid', () => {
    const onHold = mapped(mapWooCommerceOrderWebhook('order.created', payload('bacs')));
    expect(onHold.order.payment).toEqual({ method: 'bank_transfer', amountPaid: 10484, currency: 'EUR' });
    expect(onHold).toMatchObject({ paid: false, cancelled: false });
    expect(onHold.order.shippingMethod).toBe('correos');

    const received = mapped(
      mapWooCommerceOrderWebhook(
        'order.updated',
        payload('bacs', (p) => {
          p.status = 'processing';
          p.date_paid = '2025-03-15T09:12:00';
        }),
      ),
    );
    expect(received).toMatchObject({ paid: true, cancelled: false });
    expect(received.order.payment.method).toBe('bank_transfer');
  });

  it('a cash-on-delivery order in processing is cod and NOT paid, even with the date_paid WooCommerce stamps', () => {
    const cod = mapped(mapWooCommerceOrderWebhook('order.created', payload('cod')));
    expect(cod.order.payment).toEqual({ method: 'cod', amountPaid: 11069, currency: 'EUR' });
    expect(cod).toMatchObject({ paid: false, cancelled: false });
    const stamped = mapped(
      mapWooCommerceOrderWebhook(
        'order.updated',
        payload('cod', (p) => (p.date_paid = '2025-03-14T16:48:05')),
      ),
    );
    expect(stamped.paid).toBe(false);
    const delivered = mapped(
      mapWooCommerceOrderWebhook(
        'order.updated',
        payload('cod', (p) => (p.status = 'completed')),
      ),
    );
    expect(delivered.paid).toBe(true);
  });

  it('ships to the shipping person and address, with the billing phone when shipping has none', () => {
    const cod = mapped(mapWooCommerceOrderWebhook('order.created', payload('cod')));
    expect(cod.order.customer).toEqual({
      name: 'Anna Esposito',
      email: 'salvo.esposito@example.it',
      phone: '+39 333 987 6543',
    });
    expect(cod.order.shippingAddress).toEqual({
      line1: 'Via Chiaia 58',
      line2: 'c/o Studio Legale Russo',
      city: 'Napoli',
      postcode: '80121',
      region: 'NA',
      country: 'IT',
    });
    expect(cod.order.shippingMethod).toBeUndefined();
  });

  it.each(['paid', 'bacs', 'cod'] as const)('the %s fixture passes the platform checks (no review reason)', (name) => {
    const { order } = mapped(mapWooCommerceOrderWebhook('order.created', payload(name)));
    expect(checkOrderData(order.customer, order.shippingAddress, libraryLookups)).toEqual([]);
  });
});

describe('payment and status rules', () => {
  it.each([
    ['cod', 'cod'],
    ['bacs', 'bank_transfer'],
    ['cheque', 'bank_transfer'],
    ['paypal', 'prepaid'],
    ['stripe', 'prepaid'],
    ['', 'prepaid'],
  ])('payment_method "%s" → %s', (gateway, method) => {
    const event = mapped(
      mapWooCommerceOrderWebhook(
        'order.created',
        payload('paid', (p) => (p.payment_method = gateway)),
      ),
    );
    expect(event.order.payment.method).toBe(method);
  });

  it.each(['cancelled', 'refunded', 'failed'])('status %s is cancelled', (status) => {
    expect(
      mapped(
        mapWooCommerceOrderWebhook(
          'order.updated',
          payload('paid', (p) => (p.status = status)),
        ),
      ).cancelled,
    ).toBe(true);
  });

  it('a pending order without a payment date is not paid; a payment date alone makes it paid', () => {
    const pending = (p: Payload) => {
      p.status = 'pending';
      p.date_paid = null;
    };
    expect(mapped(mapWooCommerceOrderWebhook('order.created', payload('paid', pending))).paid).toBe(false);
    expect(
      mapped(
        mapWooCommerceOrderWebhook(
          'order.created',
          payload('paid', (p) => {
            pending(p);
            p.date_paid = '2025-03-14T10:22:36';
          }),
        ),
      ).paid,
    ).toBe(true);
  });

  it('reads the total as cents: "59.90" → 5990, "0.29" → 29, a number is tolerated', () => {
    expect(
      mapped(
        mapWooCommerceOrderWebhook(
          'order.created',
          payload('paid', (p) => (p.total = '59.90')),
        ),
      ).order.payment.amountPaid,
    ).toBe(5990);
    expect(
      mapped(
        mapWooCommerceOrderWebhook(
          'order.created',
          payload('paid', (p) => (p.total = '0.29')),
        ),
      ).order.payment.amountPaid,
    ).toBe(29);
    expect(
      mapped(
        mapWooCommerceOrderWebhook(
          'order.created',
          payload('paid', (p) => (p.total = 12.5)),
        ),
      ).order.payment.amountPaid,
    ).toBe(1250);
  });
});

describe('leniency with what WooCommerce sends', () => {
  it('uses the billing address when shipping has no street, never mixing the two', () => {
    const event = mapped(
      mapWooCommerceOrderWebhook(
        'order.created',
        payload('cod', (p) => {
          p.shipping = {
            first_name: '',
            last_name: '',
            company: '',
            address_1: '',
            address_2: '',
            city: '',
            state: '',
            postcode: '',
            country: '',
            phone: '',
          };
        }),
      ),
    );
    expect(event.order.shippingAddress).toEqual({
      line1: 'Via Toledo 156',
      line2: '',
      city: 'Napoli',
      postcode: '80134',
      region: 'NA',
      country: 'IT',
    });
    expect(event.order.customer.name).toBe('Salvatore Esposito');
  });

  it('reads an empty shipping object that PHP encoded as [] and null fields', () => {
    const event = mapped(
      mapWooCommerceOrderWebhook(
        'order.created',
        payload('cod', (p) => {
          p.shipping = [];
          p.billing.address_2 = null;
          p.billing.state = null;
        }),
      ),
    );
    expect(event.order.shippingAddress).toMatchObject({ line1: 'Via Toledo 156', line2: '', region: '' });
  });

  it('adds up lines of the same SKU and ignores extra fields', () => {
    const event = mapped(
      mapWooCommerceOrderWebhook(
        'order.created',
        payload('paid', (p) => {
          p.line_items.push({ ...p.line_items[0], id: 9999, quantity: 2, some_plugin_field: { nested: true } });
          p.unknown_top_level = 'kept out of the way';
        }),
      ),
    );
    expect(event.order.items).toEqual([
      { sku: 'BB-1002', quantity: 3 },
      { sku: 'BB-1010', quantity: 2 },
    ]);
  });

  it.each([
    [{ method_title: 'DHL Express', method_id: 'flat_rate' }, 'dhl'],
    [{ method_title: 'Envío 24h', method_id: 'dhl_express' }, 'dhl'],
    [{ method_title: 'UPS Standard', method_id: 'flat_rate' }, 'ups'],
    [{ method_title: 'Correos Express', method_id: 'flat_rate' }, 'correos'],
    [{ method_title: 'Local pickup', method_id: 'local_pickup' }, undefined],
    [{ method_title: 'Free shipping', method_id: 'free_shipping' }, undefined],
  ])('shipping line %o → %s', (line, carrier) => {
    const event = mapped(
      mapWooCommerceOrderWebhook(
        'order.created',
        payload('paid', (p) => (p.shipping_lines = [line])),
      ),
    );
    expect(event.order.shippingMethod).toBe(carrier);
  });

  it('accepts an order without shipping lines', () => {
    const event = mapped(
      mapWooCommerceOrderWebhook(
        'order.created',
        payload('paid', (p) => delete p.shipping_lines),
      ),
    );
    expect(event.order.shippingMethod).toBeUndefined();
  });
});

describe('orders that cannot be mapped are kept with a reason naming the field', () => {
  it('a line item without SKU', () => {
    const event = unmappable(
      mapWooCommerceOrderWebhook(
        'order.created',
        payload('paid', (p) => (p.line_items[1].sku = '')),
      ),
    );
    expect(event.externalId).toBe('4127');
    expect(event.reason).toMatch(/SKU/);
    expect(event.reason).toContain('line_items[1]');
    expect(event.reason).toContain('Aromatherapy diffuser 300 ml');
  });

  it('no address at all', () => {
    const event = unmappable(
      mapWooCommerceOrderWebhook(
        'order.created',
        payload('paid', (p) => {
          p.shipping.address_1 = '';
          p.billing.address_1 = '';
        }),
      ),
    );
    expect(event.reason).toMatch(/no address/);
    expect(event.reason).toContain('shipping.address_1');
    expect(event.externalId).toBe('4127');
  });

  it('no line items', () => {
    const event = unmappable(
      mapWooCommerceOrderWebhook(
        'order.created',
        payload('paid', (p) => (p.line_items = [])),
      ),
    );
    expect(event.reason).toContain('line_items');
  });

  it('a country that is not an ISO code', () => {
    const event = unmappable(
      mapWooCommerceOrderWebhook(
        'order.created',
        payload('paid', (p) => (p.shipping.country = 'Italia')),
      ),
    );
    expect(event.reason).toContain('shipping.country');
  });

  it('a total that is not an amount', () => {
    expect(
      unmappable(
        mapWooCommerceOrderWebhook(
          'order.created',
          payload('paid', (p) => (p.total = 'n/a')),
        ),
      ).reason,
    ).toContain('total');
  });

  it('an order the platform schema refuses, with its message', () => {
    const event = unmappable(
      mapWooCommerceOrderWebhook(
        'order.created',
        payload('paid', (p) => (p.line_items[0].quantity = 0)),
      ),
    );
    expect(event.reason).toContain('items[0].quantity');
  });

  it('an unparsable payload, keeping the id when there is one', () => {
    const partial = unmappable(mapWooCommerceOrderWebhook('order.created', { id: 77, status: 'processing' }));
    expect(partial.externalId).toBe('77');
    expect(partial.reason).toMatch(/could not be read/);
    expect(partial.reason).toContain('line_items');
    expect(unmappable(mapWooCommerceOrderWebhook('order.updated', 'not an order')).externalId).toBeNull();
    expect(unmappable(mapWooCommerceOrderWebhook('order.updated', null)).externalId).toBeNull();
  });
});

describe('topics', () => {
  it.each(['order.deleted', 'order.restored', 'product.updated', 'customer.created', 'action.woocommerce_add_to_cart'])(
    '%s is ignored',
    (topic) => {
      const event = mapWooCommerceOrderWebhook(topic, payload('paid'));
      expect(event.kind).toBe('ignored');
      if (event.kind === 'ignored') expect(event.reason).toContain(topic);
    },
  );

  it('order.updated is mapped like order.created', () => {
    expect(mapWooCommerceOrderWebhook('order.updated', payload('paid')).kind).toBe('order');
  });
});

describe('signatures and pings', () => {
  const body = Buffer.from('{"id":4127,"status":"processing"}');

  it('signs as base64 HMAC-SHA256 of the raw body', () => {
    const expected = createHmac('sha256', 'wh-secret').update(body).digest('base64');
    expect(hmacSha256Base64(body, 'wh-secret')).toBe(expected);
    expect(hmacSha256Base64(body.toString('utf8'), 'wh-secret')).toBe(expected);
  });

  it('verifies with any of the secrets, refuses a wrong or missing header', () => {
    const header = hmacSha256Base64(body, 'new-secret');
    expect(woocommerce.webhook.verify(body, header, ['old-secret', 'new-secret'])).toBe(true);
    expect(woocommerce.webhook.verify(body, ` ${header} `, ['new-secret'])).toBe(true);
    expect(woocommerce.webhook.verify(body, header, ['old-secret'])).toBe(false);
    expect(woocommerce.webhook.verify(Buffer.from(`${body.toString()} `), header, ['new-secret'])).toBe(false);
    expect(woocommerce.webhook.verify(body, undefined, ['new-secret'])).toBe(false);
    expect(woocommerce.webhook.verify(body, '', ['new-secret'])).toBe(false);
    expect(woocommerce.webhook.verify(body, 'short', ['new-secret'])).toBe(false);
    expect(woocommerce.webhook.verify(body, header, [])).toBe(false);
  });

  it('never accepts an empty secret', () => {
    expect(woocommerce.webhook.verify(body, hmacSha256Base64(body, ''), [''])).toBe(false);
  });

  it('recognises the ping by its form body', () => {
    expect(isWooCommercePing(Buffer.from('webhook_id=12'), 'application/x-www-form-urlencoded')).toBe(true);
    expect(isWooCommercePing(Buffer.from('webhook_id=12'), 'application/x-www-form-urlencoded; charset=UTF-8')).toBe(
      true,
    );
    expect(isWooCommercePing(Buffer.from('webhook_id=12'), undefined)).toBe(true);
    expect(isWooCommercePing(Buffer.from('webhook_id=12'), 'application/json')).toBe(false);
    expect(isWooCommercePing(body, 'application/json')).toBe(false);
    expect(isWooCommercePing(Buffer.from('webhook_id=12&x=1'), undefined)).toBe(false);
    expect(isWooCommercePing(Buffer.alloc(0), undefined)).toBe(false);
  });
});
