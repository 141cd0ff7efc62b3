import { describe, expect, it } from 'vitest';
import { libraryLookups } from '../../domain/order-checks-legacy.js';
import { checkOrderData, supplierAddressLine } from '../../domain/order-checks.js';
import { decimalToMinor, formatMoney, minorToDecimalString } from '../../domain/money.js';
import { orderSummary } from '../../domain/order-describe.js';
import { channelLabeller } from '../../api/channel-directory.js';
import { salesChannels } from '../../channels/registry.js';

const customer = { name: 'Maria Rossi', email: 'maria@example.com', phone: '+39 333 1234567' };
const address = { line1: 'Via Roma 1', line2: '', city: 'Milano', postcode: '20121', region: 'MI', country: 'IT' };
const codes = (c = customer, a = address) => checkOrderData(c, a, libraryLookups).map((r) => r.code);

describe('data checks before anything is charged', () => {
  it('accepts a complete Italian order', () => {
    expect(codes()).toEqual([]);
  });

  it('checks the one address line the supplier receives (line1 + line2) against its 70 characters', () => {
    const line1 = 'Calle de Alcalá 123, Escalera B';
    expect(supplierAddressLine({ line1, line2: 'Piso 4, Puerta 2' })).toBe(`${line1} Piso 4, Puerta 2`);
    const long = checkOrderData(customer, { ...address, line1: 'x'.repeat(71) }, libraryLookups);
    expect(long).toEqual([expect.objectContaining({ code: 'ADDRESS_TOO_LONG', field: 'shippingAddress.line1' })]);
    expect(long[0]?.message).toContain('71');
    const together = checkOrderData(
      customer,
      { ...address, line1: 'x'.repeat(40), line2: 'y'.repeat(30) },
      libraryLookups,
    );
    expect(together).toEqual([expect.objectContaining({ code: 'ADDRESS_TOO_LONG', field: 'shippingAddress.line2' })]);
    expect(codes(customer, { ...address, line1: 'x'.repeat(70) })).toEqual([]);
  });

  it('names the country format with an example for a bad postcode', () => {
    const [reason] = checkOrderData(customer, { ...address, postcode: '2012' }, libraryLookups);
    expect(reason).toMatchObject({ code: 'INVALID_POSTCODE', field: 'shippingAddress.postcode' });
    expect(reason?.message).toContain('20121');
    expect(codes(customer, { ...address, country: 'NL', postcode: '1012 ab' })).toEqual([]);
    expect(codes(customer, { ...address, country: 'PT', postcode: '1000-001' })).toEqual([]);
    expect(codes(customer, { ...address, country: 'ES', postcode: '99001' })).toEqual(['INVALID_POSTCODE']);
  });

  it('validates phones for the destination country, with or without the international prefix', () => {
    expect(codes({ ...customer, phone: '333 123 4567' })).toEqual([]);
    expect(codes({ ...customer, phone: '+34 612 48 93 07' }, { ...address, country: 'ES', postcode: '28001' })).toEqual(
      [],
    );
    expect(codes({ ...customer, phone: '12' })).toEqual(['INVALID_PHONE']);
    expect(codes({ ...customer, phone: '' })).toEqual(['INVALID_PHONE']);
  });

  it('reports every problem at once', () => {
    const all = codes(
      { name: '', email: 'nope', phone: '1' },
      { line1: '', line2: '', city: '', postcode: '', region: '', country: 'IT' },
    );
    expect(all.filter((c) => c === 'INVALID_ADDRESS')).toHaveLength(4);
    expect(all).toContain('INVALID_EMAIL');
    expect(all).toContain('INVALID_PHONE');
  });
});

describe('money', () => {
  it('converts supplier decimals to cents without float noise', () => {
    expect(decimalToMinor(0.1 + 0.2)).toBe(30);
    expect(decimalToMinor(34.5)).toBe(3450);
    expect(decimalToMinor(19.99)).toBe(1999);
    expect(minorToDecimalString(3990)).toBe('39.90');
    expect(minorToDecimalString(5)).toBe('0.05');
    expect(formatMoney({ amount: 5990, currency: 'EUR' })).toBe('€59.90');
    expect(formatMoney({ amount: 1200, currency: 'PLN' })).toBe('PLN 12.00');
  });

  it('summarises an order for the Temporal UI list', () => {
    const summary = orderSummary(
      {
        id: 'ord_1',
        merchantId: 'mer_1',
        createdAt: '2026-01-01T00:00:00Z',
        channel: 'woocommerce',
        externalId: '5001',
        payment: { method: 'cod', amountPaid: 9820, currency: 'EUR' },
        customer,
        shippingAddress: address,
        items: [
          { sku: 'BB-1004', quantity: 1 },
          { sku: 'BB-1012', quantity: 2 },
        ],
      },
      channelLabeller(salesChannels)('woocommerce'),
    );
    expect(summary).toBe('WooCommerce 5001 · 3 items · €98.20 · cod');
  });
});
