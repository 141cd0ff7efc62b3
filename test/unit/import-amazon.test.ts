import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { NewOrder } from '../../domain/order.js';
import { ImportFileError, parseImport, type ParsedImport } from '../../api/import/index.js';

const fixture = (name: string) => readFileSync(new URL(`../fixtures/${name}`, import.meta.url), 'utf8');

const header = [
  'order-id',
  'order-item-id',
  'purchase-date',
  'payments-date',
  'buyer-email',
  'buyer-name',
  'buyer-phone-number',
  'sku',
  'product-name',
  'quantity-purchased',
  'currency',
  'item-price',
  'item-tax',
  'shipping-price',
  'shipping-tax',
  'ship-service-level',
  'recipient-name',
  'ship-address-1',
  'ship-address-2',
  'ship-address-3',
  'ship-city',
  'ship-state',
  'ship-postal-code',
  'ship-country',
  'ship-phone-number',
];

const base: Record<string, string> = {
  'order-id': '403-1111111-2222222',
  'order-item-id': '50000000000001',
  'purchase-date': '2025-05-14T08:00:00+00:00',
  'payments-date': '2025-05-14T08:00:00+00:00',
  'buyer-email': 'q1w2e3r4t5y6u7i@marketplace.amazon.it',
  'buyer-name': 'Paolo Greco',
  sku: 'BB-1001',
  'product-name': 'Borraccia 500 ml',
  'quantity-purchased': '1',
  currency: 'EUR',
  'item-price': '19.90',
  'shipping-price': '4.90',
  'ship-service-level': 'Standard',
  'recipient-name': 'Paolo Greco',
  'ship-address-1': 'Via Etnea 210',
  'ship-city': 'Catania',
  'ship-state': 'CT',
  'ship-postal-code': '95131',
  'ship-country': 'IT',
  'ship-phone-number': '+39 095 712 3456',
};

/** A report with Amazon's header and one line per given override of `base`. */
function report(...lines: Record<string, string>[]): string {
  const row = (line: Record<string, string>) => header.map((h) => ({ ...base, ...line })[h] ?? '').join('\t');
  return [header.join('\t'), ...lines.map(row)].join('\n') + '\n';
}

const order = (parsed: ParsedImport, externalId: string) => parsed.orders.find((o) => o.externalId === externalId);

describe('Amazon order report import', () => {
  const parsed = parseImport('amazon', fixture('amazon-order-report.txt'));

  it('makes one order per order-id, in file order, each a valid NewOrder', () => {
    expect(parsed.format).toBe('amazon');
    expect(parsed.orders.map((o) => o.externalId)).toEqual([
      '171-4829301-5563121',
      '405-9182736-4455667',
      '302-5566778-9900112',
      '028-7654321-1122334',
    ]);
    for (const o of parsed.orders) {
      expect(o.order.channel).toBe('amazon');
      expect(o.order.externalId).toBe(o.externalId);
      expect(o.order.shippingMethod).toBeUndefined();
      expect(NewOrder.parse(o.order)).toEqual(o.order);
    }
  });

  it('groups the lines of a 2-item order into one order with both items and one amount', () => {
    const madrid = order(parsed, '405-9182736-4455667');
    expect(madrid?.rows).toEqual([3, 4]);
    expect(madrid?.order.items).toEqual([
      { sku: 'BB-1001', quantity: 2 },
      { sku: 'BB-1007', quantity: 1 },
    ]);
    // item-price is the line total (Amazon aggregates the quantity): 39.80 + 24.50 + shipping 5.90.
    expect(madrid?.order.payment).toEqual({ method: 'prepaid', amountPaid: 7020, currency: 'EUR' });
  });

  it('adds up lines of the same SKU and subtracts promotions', () => {
    const napoli = order(parsed, '028-7654321-1122334');
    expect(napoli?.order.items).toEqual([{ sku: 'BB-1002', quantity: 3 }]);
    // 16.90 + 3.90 shipping − 2.00 promotion + 33.80
    expect(napoli?.order.payment.amountPaid).toBe(5260);
  });

  it('does not add item-tax on euro marketplaces, where item-price already includes VAT', () => {
    // 34.90 + 4.99; the file's item-tax 6.29 and shipping-tax 0.90 are the VAT inside those prices.
    expect(order(parsed, '171-4829301-5563121')?.order.payment.amountPaid).toBe(3989);
  });

  it('maps customer and address: recipient first, ship phone or buyer phone, address lines 2 and 3 joined', () => {
    const roma = order(parsed, '171-4829301-5563121');
    expect(roma?.order.customer).toEqual({
      name: 'Giulia Conti',
      email: '5k2x9q7m3rbw1tz@marketplace.amazon.it',
      phone: '+39 347 218 5093',
    });
    expect(roma?.order.shippingAddress).toEqual({
      line1: 'Via Merulana 118',
      line2: 'Scala B, interno 7',
      city: 'Roma',
      postcode: '00185',
      region: 'RM',
      country: 'IT',
    });
    const napoli = order(parsed, '028-7654321-1122334');
    expect(napoli?.order.customer.name).toBe('Sara Esposito');
    expect(napoli?.order.customer.phone).toBe('+39 081 552 1987');
    expect(napoli?.order.shippingAddress.line2).toBe('c/o Studio Legale Russo Palazzo Berio, 2° piano');
  });

  it('reports the repeated line (same order-id and order-item-id) as a duplicate of the first, not as an item', () => {
    expect(parsed.duplicates).toEqual([{ row: 8, externalId: '405-9182736-4455667', sameAsRow: 3 }]);
    expect(order(parsed, '405-9182736-4455667')?.order.items.find((i) => i.sku === 'BB-1001')?.quantity).toBe(2);
  });

  it('rejects the bad line naming its column, and holds back the rest of that order', () => {
    expect(parsed.rejected).toEqual([
      { row: 6, externalId: '171-2233445-6677889', reason: 'quantity-purchased "two" is not a whole number' },
      { row: 7, externalId: '171-2233445-6677889', reason: expect.stringContaining('line 6 is rejected') },
    ]);
    expect(order(parsed, '171-2233445-6677889')).toBeUndefined();
  });

  it('still makes the order whose address is too long for the supplier, with the address unchanged', () => {
    const berlin = order(parsed, '302-5566778-9900112');
    const street = 'Karl-Liebknecht-Straße 127, Hinterhaus, Aufgang B, 3. Obergeschoss links, Wohnung 14';
    expect(street.length).toBeGreaterThan(70);
    expect(berlin?.order.shippingAddress.line1).toBe(street);
    expect(parsed.rejected.some((r) => r.externalId === '302-5566778-9900112')).toBe(false);
  });

  it('reads the clean report saved with a byte-order mark and CRLF line ends', () => {
    const clean = parseImport('amazon', fixture('amazon-order-report-clean.txt'));
    expect(clean.rejected).toEqual([]);
    expect(clean.duplicates).toEqual([]);
    expect(clean.orders.map((o) => [o.externalId, o.rows, o.order.payment.amountPaid])).toEqual([
      ['171-9988776-1234509', [2], 3249],
      ['406-1357913-5791357', [3], 8970],
    ]);
    const barcelona = clean.orders[1]?.order;
    expect(barcelona?.customer).toEqual({
      name: 'Núria Puig Soler',
      email: 'w1b6o3t8j5ri2ue@marketplace.amazon.es',
      phone: '+34 933 18 44 20',
    });
    expect(barcelona?.shippingAddress.postcode).toBe('08013');
    expect(barcelona?.items).toEqual([{ sku: 'BB-1012', quantity: 3 }]);
  });
});

describe('Amazon lines that cannot form an order', () => {
  it.each([
    [{ sku: '' }, 'sku is empty'],
    [{ 'quantity-purchased': '0' }, 'quantity-purchased "0" must be at least 1'],
    [{ 'quantity-purchased': '1.5' }, 'quantity-purchased "1.5" is not a whole number'],
    [{ 'item-price': 'n/a' }, 'item-price "n/a" is not a number'],
    [{ 'item-price': '' }, 'item-price is empty'],
    [{ 'ship-country': 'Italia' }, 'ship-country "Italia" is not an ISO 3166 two-letter country code'],
    [{ 'ship-country': 'XX' }, 'ship-country "XX" is not an ISO 3166 two-letter country code'],
    [{ currency: '€' }, 'currency "€" is not an ISO 4217 code'],
  ])('rejects %j: %s', (change, reason) => {
    const parsed = parseImport('amazon', report(change));
    expect(parsed.orders).toEqual([]);
    expect(parsed.rejected).toEqual([{ row: 2, externalId: '403-1111111-2222222', reason }]);
  });

  it('rejects a line without order-id on its own, with no external id', () => {
    const parsed = parseImport('amazon', report({ 'order-id': '' }, { 'order-id': '403-3333333-4444444' }));
    expect(parsed.rejected).toEqual([{ row: 2, externalId: null, reason: 'order-id is empty' }]);
    expect(parsed.orders.map((o) => o.externalId)).toEqual(['403-3333333-4444444']);
  });

  it('lists every problem of a line and every line of the held-back order', () => {
    const parsed = parseImport(
      'amazon',
      report(
        { sku: '', 'quantity-purchased': 'x' },
        { 'order-item-id': '2' },
        { 'order-item-id': '3', 'item-price': '?' },
      ),
    );
    expect(parsed.rejected).toEqual([
      {
        row: 2,
        externalId: '403-1111111-2222222',
        reason: 'sku is empty; quantity-purchased "x" is not a whole number',
      },
      { row: 3, externalId: '403-1111111-2222222', reason: expect.stringContaining('lines 2, 4 are rejected') },
      { row: 4, externalId: '403-1111111-2222222', reason: 'item-price "?" is not a number' },
    ]);
  });

  it('rejects an order the schema refuses, naming the path', () => {
    const parsed = parseImport('amazon', report({ 'quantity-purchased': '1000' }));
    expect(parsed.rejected).toHaveLength(1);
    expect(parsed.rejected[0]?.reason).toMatch(/^the order does not fit: items\.0\.quantity: /);
  });

  it('rejects an order whose lines disagree on the currency', () => {
    const parsed = parseImport('amazon', report({}, { 'order-item-id': '2', currency: 'GBP' }));
    expect(parsed.rejected.map((r) => [r.row, r.reason])).toEqual([
      [2, 'currency differs between the lines of order 403-1111111-2222222 (EUR, GBP)'],
      [3, 'currency differs between the lines of order 403-1111111-2222222 (EUR, GBP)'],
    ]);
  });
});

describe('Amazon amounts and addresses', () => {
  it('adds item-tax and shipping-tax where sales tax comes on top of the price (USD)', () => {
    const parsed = parseImport(
      'amazon',
      report({
        currency: 'USD',
        'item-price': '20.00',
        'item-tax': '1.65',
        'shipping-price': '5.00',
        'shipping-tax': '0.41',
        'ship-country': 'US',
      }),
    );
    expect(parsed.orders[0]?.order.payment).toEqual({ method: 'prepaid', amountPaid: 2706, currency: 'USD' });
  });

  it('reads decimal commas as some marketplaces write them', () => {
    const parsed = parseImport('amazon', report({ 'item-price': '19,90', 'shipping-price': '4,90' }));
    expect(parsed.orders[0]?.order.payment.amountPaid).toBe(2480);
  });

  it('moves the street up when ship-address-1 is empty', () => {
    const parsed = parseImport(
      'amazon',
      report({ 'ship-address-1': '', 'ship-address-2': 'Via Etnea 210', 'ship-address-3': 'Scala C' }),
    );
    expect(parsed.orders[0]?.order.shippingAddress).toMatchObject({ line1: 'Via Etnea 210', line2: 'Scala C' });
  });

  it('takes the buyer name when recipient-name is empty, and a lower-case country', () => {
    const parsed = parseImport('amazon', report({ 'recipient-name': '', 'ship-country': 'it' }));
    expect(parsed.orders[0]?.order.customer.name).toBe('Paolo Greco');
    expect(parsed.orders[0]?.order.shippingAddress.country).toBe('IT');
  });

  it('keeps quotes in a product name (Amazon never quotes fields)', () => {
    const parsed = parseImport('amazon', report({ 'product-name': 'Tazza 12" "antigoccia', sku: 'BB-1004' }));
    expect(parsed.orders[0]?.order.items).toEqual([{ sku: 'BB-1004', quantity: 1 }]);
  });

  it('returns nothing, without error, for a report with only its header', () => {
    expect(parseImport('amazon', header.join('\t') + '\n')).toEqual({
      format: 'amazon',
      orders: [],
      rejected: [],
      duplicates: [],
    });
  });
});

describe('Amazon files that cannot be imported at all', () => {
  const fileError = (content: string) => {
    try {
      parseImport('amazon', content);
    } catch (err) {
      expect(err).toBeInstanceOf(ImportFileError);
      return (err as ImportFileError).message;
    }
    throw new Error('expected an ImportFileError');
  };

  it('refuses an empty file', () => {
    expect(fileError('')).toBe('the file is empty');
    expect(fileError('\uFEFF\r\n\r\n')).toBe('the file is empty');
  });

  it('refuses a CSV (an eBay export) given as Amazon', () => {
    expect(fileError(fixture('ebay-orders.csv'))).toMatch(/not an Amazon order report.*comma-separated/);
  });

  it('names the missing columns', () => {
    const without = (drop: string[]) => header.filter((h) => !drop.includes(h)).join('\t') + '\n';
    expect(fileError(without(['sku']))).toBe('the Amazon order report is missing the column sku');
    expect(fileError(without(['currency', 'item-price']))).toMatch(
      /^the Amazon order report is missing the columns currency, item-price: the Unshipped Orders report has no prices/,
    );
  });
});
