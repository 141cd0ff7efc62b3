import { describe, expect, it } from 'vitest';
import { NewOrder, OrderPatch } from '../../domain/order.js';

describe('order schemas', () => {
  it('a patch carries only the fields the merchant sent (no defaults that would erase data)', () => {
    expect(OrderPatch.parse({ customer: { phone: '+39 333 1' } })).toEqual({ customer: { phone: '+39 333 1' } });
    expect(OrderPatch.parse({ shippingAddress: { line1: 'Via Roma 2' } })).toEqual({
      shippingAddress: { line1: 'Via Roma 2' },
    });
  });

  it('refuses an empty patch and unknown fields', () => {
    expect(OrderPatch.safeParse({}).success).toBe(false);
    expect(OrderPatch.safeParse({ customer: { shoeSize: 42 } }).success).toBe(false);
    expect(OrderPatch.safeParse({ items: [] }).success).toBe(false);
  });

  it('accepts bad customer data as content (it becomes a review reason), but not a wrong shape', () => {
    const base = {
      channel: 'ebay',
      externalId: '12-34',
      payment: { method: 'prepaid', amountPaid: 100, currency: 'EUR' },
      customer: { name: 'A B', email: 'not-an-email', phone: '1' },
      shippingAddress: { line1: 'x'.repeat(90), city: 'Roma', postcode: '1', country: 'it' },
      items: [{ sku: 'BB-1001', quantity: 1 }],
    };
    const parsed = NewOrder.parse(base);
    expect(parsed.shippingAddress.country).toBe('IT');
    expect(parsed.shippingAddress.line2).toBe('');
    expect(NewOrder.safeParse({ ...base, items: [] }).success).toBe(false);
    expect(NewOrder.safeParse({ ...base, payment: { ...base.payment, amountPaid: 1.5 } }).success).toBe(false);
    expect(NewOrder.safeParse({ ...base, channel: 'Amazon Prime!' }).success).toBe(false);
  });
});
