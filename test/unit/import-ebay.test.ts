import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { NewOrder } from '../../domain/order.js';
import { ImportFileError, parseImport, type ParsedImport } from '../../api/import/index.js';

const fixture = (name: string) => readFileSync(new URL(`../fixtures/${name}`, import.meta.url), 'utf8');

const header = [
  'Sales Record Number',
  'Order Number',
  'Buyer Username',
  'Buyer Name',
  'Buyer Email',
  'Ship To Name',
  'Ship To Phone',
  'Ship To Address 1',
  'Ship To Address 2',
  'Ship To City',
  'Ship To State',
  'Ship To Zip',
  'Ship To Country',
  'Item Number',
  'Item Title',
  'Custom Label',
  'Quantity',
  'Sold For',
  'Shipping And Handling',
  'Total Price',
  'Payment Method',
  'Sale Date',
  'Paid On Date',
  'Transaction ID',
];

const base: Record<string, string> = {
  'Sales Record Number': '3001',
  'Order Number': '11-22222-33333',
  'Buyer Username': 'elena_pd',
  'Buyer Name': 'Elena Marchetti',
  'Buyer Email': 'elena.marchetti@gmail.com',
  'Ship To Name': 'Elena Marchetti',
  'Ship To Phone': '+39 049 876 5432',
  'Ship To Address 1': 'Via Roma 12',
  'Ship To City': 'Padova',
  'Ship To State': 'PD',
  'Ship To Zip': '35122',
  'Ship To Country': 'Italy',
  'Item Number': '296500000001',
  'Item Title': 'Borraccia 500 ml',
  'Custom Label': 'BB-1001',
  Quantity: '1',
  'Sold For': 'EUR 19,90',
  'Shipping And Handling': 'EUR 4,90',
  'Total Price': 'EUR 24,80',
  'Payment Method': 'eBay Managed Payments',
  'Sale Date': 'May-14-25',
  'Paid On Date': 'May-14-25',
  'Transaction ID': '3100000000001',
};

const quote = (cell: string) => (/[",\n;]/.test(cell) ? `"${cell.replace(/"/g, '""')}"` : cell);

/** A Seller Hub export: bare-comma line, header, padding line, the given lines, footer. */
function exportOf(lines: Record<string, string>[], { columns = header, delimiter = ',', eol = '\n' } = {}): string {
  const row = (values: Record<string, string>) => columns.map((h) => quote(values[h] ?? '')).join(delimiter);
  return [
    delimiter.repeat(columns.length - 1),
    columns.map(quote).join(delimiter),
    delimiter.repeat(columns.length - 1),
    ...lines.map((l) => row({ ...base, ...l })),
    '',
    `${lines.length},record(s) downloaded,from May-14-25 to May-14-25`,
    'Seller ID : test_seller',
    '',
  ].join(eol);
}

const order = (parsed: ParsedImport, externalId: string) => parsed.orders.find((o) => o.externalId === externalId);

describe('eBay Seller Hub orders import', () => {
  const parsed = parseImport('ebay', fixture('ebay-orders.csv'));

  it('makes one order per Order Number and ignores the lines around the table', () => {
    expect(parsed.format).toBe('ebay');
    expect(parsed.orders.map((o) => o.externalId)).toEqual([
      '14-12345-67890',
      '09-11223-44556',
      '23-99887-76655',
      '17-24680-13579',
    ]);
    // Only the line without Custom Label is rejected: not the leading comma lines, the blank line or the footer.
    expect(parsed.rejected.map((r) => r.row)).toEqual([10]);
    expect(parsed.duplicates).toEqual([]);
    for (const o of parsed.orders) {
      expect(o.order.channel).toBe('ebay');
      expect(NewOrder.parse(o.order)).toEqual(o.order);
    }
  });

  it('joins the summary line and the item lines of a multi-item order', () => {
    const valencia = order(parsed, '09-11223-44556');
    expect(valencia?.rows).toEqual([5, 6, 7]);
    expect(valencia?.order.items).toEqual([
      { sku: 'BB-1008', quantity: 2 },
      { sku: 'BB-1011', quantity: 1 },
    ]);
    // The summary's Total Price: 2 × 19,95 + 27,00 + 5,90 shipping.
    expect(valencia?.order.payment).toEqual({ method: 'prepaid', amountPaid: 7280, currency: 'EUR' });
    expect(valencia?.order.customer).toEqual({
      name: 'Pablo Navarro Gil',
      email: 'pablo.navarro.gil@gmail.com',
      phone: '+34 655 10 27 84',
    });
    expect(valencia?.order.shippingAddress).toEqual({
      line1: 'Avinguda del Regne de València 28',
      line2: 'Puerta 12',
      city: 'Valencia',
      postcode: '46005',
      region: 'Valencia',
      country: 'ES',
    });
  });

  it('reads "EUR 34,85" and "€17,80" as cents in euros', () => {
    expect(order(parsed, '14-12345-67890')?.order.payment).toEqual({
      method: 'prepaid',
      amountPaid: 3485,
      currency: 'EUR',
    });
    expect(order(parsed, '17-24680-13579')?.order.payment).toEqual({
      method: 'prepaid',
      amountPaid: 1780,
      currency: 'EUR',
    });
  });

  it('maps country names, in English or in the site language, to ISO codes', () => {
    expect(parsed.orders.map((o) => o.order.shippingAddress.country)).toEqual(['IT', 'ES', 'DE', 'IT']);
  });

  it('keeps quoted commas and counts the real file line after a note spanning two lines', () => {
    const hamburg = order(parsed, '23-99887-76655');
    expect(hamburg?.rows).toEqual([8]);
    expect(hamburg?.order.shippingAddress.line2).toBe('bei Hoffmann, 2. OG');
    expect(order(parsed, '17-24680-13579')?.rows).toEqual([11]);
  });

  it('rejects the line without Custom Label, which cannot be matched to a supplier SKU', () => {
    expect(parsed.rejected).toEqual([
      { row: 10, externalId: '05-55555-12121', reason: expect.stringMatching(/^Custom Label is empty/) },
    ]);
    expect(order(parsed, '05-55555-12121')).toBeUndefined();
  });
});

describe('eBay lines and orders', () => {
  it('rejects an unknown country, naming the value', () => {
    const parsed = parseImport('ebay', exportOf([{ 'Ship To Country': 'Atlantis' }]));
    expect(parsed.rejected).toEqual([
      { row: 4, externalId: '11-22222-33333', reason: 'Ship To Country "Atlantis" is not a country we know' },
    ]);
  });

  it('accepts country codes and localized names', () => {
    const parsed = parseImport(
      'ebay',
      exportOf([
        { 'Ship To Country': 'ES', 'Order Number': '1' },
        { 'Ship To Country': 'Deutschland', 'Order Number': '2' },
        { 'Ship To Country': 'España', 'Order Number': '3' },
        { 'Ship To Country': 'United Kingdom', 'Order Number': '4' },
      ]),
    );
    expect(parsed.orders.map((o) => o.order.shippingAddress.country)).toEqual(['ES', 'DE', 'ES', 'GB']);
  });

  it('rejects an order the buyer has not paid yet', () => {
    const parsed = parseImport('ebay', exportOf([{ 'Paid On Date': '' }]));
    expect(parsed.orders).toEqual([]);
    expect(parsed.rejected[0]?.reason).toMatch(/^Paid On Date is empty/);
  });

  it('rejects a quantity that is not a whole number and a price that is not a price', () => {
    const parsed = parseImport(
      'ebay',
      exportOf([
        { Quantity: 'due', 'Order Number': '1' },
        { 'Sold For': 'EUR abc', 'Order Number': '2' },
      ]),
    );
    expect(parsed.rejected).toEqual([
      { row: 4, externalId: '1', reason: 'Quantity "due" is not a whole number' },
      { row: 5, externalId: '2', reason: 'Sold For "EUR abc" is not a price' },
    ]);
  });

  it('reports the same item line exported twice as a duplicate', () => {
    const parsed = parseImport('ebay', exportOf([{}, {}]));
    expect(parsed.duplicates).toEqual([{ row: 5, externalId: '11-22222-33333', sameAsRow: 4 }]);
    expect(parsed.orders[0]?.order.items).toEqual([{ sku: 'BB-1001', quantity: 1 }]);
  });

  it('gives item lines without Order Number the order of their sales record', () => {
    const parsed = parseImport(
      'ebay',
      exportOf([
        {
          'Item Number': '',
          'Custom Label': '',
          Quantity: '',
          'Sold For': '',
          'Transaction ID': '',
          'Total Price': 'EUR 44,70',
        },
        { 'Order Number': '', 'Ship To Name': '', 'Ship To Address 1': '', 'Transaction ID': '1' },
        {
          'Order Number': '',
          'Ship To Name': '',
          'Ship To Address 1': '',
          'Transaction ID': '2',
          'Custom Label': 'BB-1003',
          'Item Number': '296500000002',
        },
      ]),
    );
    expect(parsed.rejected).toEqual([]);
    expect(parsed.orders).toHaveLength(1);
    expect(parsed.orders[0]?.rows).toEqual([4, 5, 6]);
    expect(parsed.orders[0]?.order.items).toEqual([
      { sku: 'BB-1001', quantity: 1 },
      { sku: 'BB-1003', quantity: 1 },
    ]);
    expect(parsed.orders[0]?.order.payment.amountPaid).toBe(4470);
    expect(parsed.orders[0]?.order.shippingAddress.line1).toBe('Via Roma 12');
  });

  it('works out the amount from Sold For × Quantity + shipping when there is no Total Price', () => {
    const parsed = parseImport(
      'ebay',
      exportOf([{ 'Total Price': '', Quantity: '3', 'Sold For': '$10.00', 'Shipping And Handling': '$5.50' }]),
    );
    expect(parsed.orders[0]?.order.payment).toEqual({ method: 'prepaid', amountPaid: 3550, currency: 'USD' });
  });

  it('takes euros when prices carry no currency, and refuses an order mixing currencies', () => {
    const plain = parseImport(
      'ebay',
      exportOf([{ 'Sold For': '19.90', 'Shipping And Handling': '4.90', 'Total Price': '24.80' }]),
    );
    expect(plain.orders[0]?.order.payment).toEqual({ method: 'prepaid', amountPaid: 2480, currency: 'EUR' });
    const mixed = parseImport('ebay', exportOf([{ 'Total Price': '£24.80' }]));
    expect(mixed.rejected[0]?.reason).toBe('prices of order 11-22222-33333 are in different currencies (EUR, GBP)');
  });

  it('reads a file re-saved by Excel: byte-order mark, CRLF, semicolons, a title line instead of commas', () => {
    const saved = '\uFEFF' + exportOf([{}], { delimiter: ';', eol: '\r\n' }).replace(/^;+/, 'Orders report');
    const parsed = parseImport('ebay', saved);
    expect(parsed.rejected).toEqual([]);
    expect(parsed.orders.map((o) => [o.externalId, o.rows, o.order.payment.amountPaid])).toEqual([
      ['11-22222-33333', [4], 2480],
    ]);
  });

  it('keeps a quote eBay left unescaped inside an unquoted title', () => {
    const parsed = parseImport('ebay', exportOf([{ 'Item Title': 'TITLE' }]).replace('TITLE', 'Tazza 12" blu'));
    expect(parsed.rejected).toEqual([]);
    expect(parsed.orders).toHaveLength(1);
  });

  it('rejects a line whose quotes are broken, naming the column that cannot be read, and keeps the others', () => {
    const broken = exportOf([{ 'Order Number': '1' }, { 'Order Number': '2' }]).replace('"EUR 19,90"', '"EUR 19,90');
    const parsed = parseImport('ebay', broken);
    expect(parsed.rejected).toEqual([{ row: 4, externalId: '1', reason: expect.stringContaining('Sold For') }]);
    expect(parsed.orders.map((o) => o.externalId)).toEqual(['2']);
  });

  it('reads the column names of ebay.co.uk', () => {
    const uk = header.map((h) =>
      h
        .replace('Ship To Zip', 'Post To Postcode')
        .replace('Ship To State', 'Post To County')
        .replace('Ship To', 'Post To'),
    );
    const rename = (line: Record<string, string>) =>
      Object.fromEntries(Object.entries({ ...base, ...line }).map(([k, v]) => [uk[header.indexOf(k)] ?? k, v]));
    const parsed = parseImport(
      'ebay',
      exportOf([rename({ 'Ship To Country': 'United Kingdom', 'Ship To Zip': 'SW1A 1AA' })], { columns: uk }),
    );
    expect(parsed.orders[0]?.order.shippingAddress).toMatchObject({
      country: 'GB',
      postcode: 'SW1A 1AA',
      city: 'Padova',
      region: 'PD',
    });
  });
});

describe('eBay files that cannot be imported at all', () => {
  const fileError = (content: string) => {
    try {
      parseImport('ebay', content);
    } catch (err) {
      expect(err).toBeInstanceOf(ImportFileError);
      return (err as ImportFileError).message;
    }
    throw new Error('expected an ImportFileError');
  };

  it('refuses an empty file', () => {
    expect(fileError('')).toBe('the file is empty');
    expect(fileError('\n\n')).toBe('the file is empty');
  });

  it('refuses an Amazon report given as eBay', () => {
    expect(fileError(fixture('amazon-order-report.txt'))).toMatch(/not an eBay orders export.*tab-separated/);
  });

  it('refuses a CSV without an Order Number column', () => {
    expect(fileError('name,email\nAnna,anna@example.com\n')).toMatch(/no header line with an "Order Number" column/);
  });

  it('names the line where a quote opens and never closes', () => {
    expect(fileError(exportOf([{}]) + '"Orders of May')).toMatch(
      /^the file cannot be read as ","-separated text: .*line 8/,
    );
  });

  it('names the missing columns', () => {
    const columns = header.filter((h) => h !== 'Custom Label' && h !== 'Ship To Zip');
    expect(fileError(exportOf([{}], { columns }))).toBe(
      'the eBay orders export is missing the columns Custom Label, Ship To Zip',
    );
  });
});
