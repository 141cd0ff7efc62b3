import { assembleOrders, readQuantity, requireCell, sumItems, type OrderDraft, type SourceLine } from './assemble.js';
import { isoAlpha2 } from './countries.js';
import { ImportFileError } from './errors.js';
import { parseAmount } from './money.js';
import { Columns, headerKey, isBlank, readTable, type TableRow } from './table.js';
import type { ParsedImport } from './types.js';

/**
 * Amazon's order report (Seller Central's Order Reports; GET_FLAT_FILE_ORDERS_DATA in the API): tab-separated, no
 * quoting, header on line 1, one line per order item, the order's buyer and address repeated on every line.
 */
const columns = {
  orderId: ['order-id'],
  orderItemId: ['order-item-id'],
  buyerEmail: ['buyer-email'],
  buyerName: ['buyer-name'],
  buyerPhone: ['buyer-phone-number'],
  sku: ['sku'],
  quantity: ['quantity-purchased'],
  currency: ['currency'],
  itemPrice: ['item-price'],
  itemTax: ['item-tax'],
  shippingPrice: ['shipping-price'],
  shippingTax: ['shipping-tax'],
  giftWrapPrice: ['gift-wrap-price'],
  giftWrapTax: ['gift-wrap-tax'],
  itemPromotionDiscount: ['item-promotion-discount'],
  shipPromotionDiscount: ['ship-promotion-discount'],
  recipientName: ['recipient-name'],
  address1: ['ship-address-1'],
  address2: ['ship-address-2'],
  address3: ['ship-address-3'],
  city: ['ship-city'],
  state: ['ship-state'],
  postcode: ['ship-postal-code'],
  country: ['ship-country'],
  shipPhone: ['ship-phone-number'],
} as const satisfies Record<string, readonly string[]>;
type Column = keyof typeof columns;

/**
 * Without these no order can be built. Prices are required: Amazon's "Unshipped Orders" report
 * (GET_FLAT_FILE_ACTIONABLE_ORDER_DATA_SHIPPING) has none, so it is refused with a hint rather than imported at €0.
 */
const required: readonly Column[] = [
  'orderId',
  'orderItemId',
  'sku',
  'quantity',
  'currency',
  'itemPrice',
  'recipientName',
  'address1',
  'city',
  'postcode',
  'country',
];

/**
 * Where sales tax is charged on top of the listed price (US, Canada), item-tax and shipping-tax are part of what the
 * buyer paid. Elsewhere (EU, UK, …) prices include VAT and the tax columns, when filled, repeat a share already
 * inside item-price: adding them would count the VAT twice.
 */
const taxOnTopCurrencies: ReadonlySet<string> = new Set(['USD', 'CAD']);

interface AmazonLine {
  sku: string;
  quantity: number;
  currency: string;
  /** Paid for this line in minor units: price + shipping + gift wrap − promotions (+ taxes where charged on top). */
  paid: number;
  name: string;
  email: string;
  phone: string;
  addressLines: string[];
  city: string;
  postcode: string;
  region: string;
  country: string;
}

/** True when the header line is Amazon's: tab-separated with its order-id and sku columns. */
export function isAmazonHeader(firstLine: string): boolean {
  const names = firstLine.split('\t').map(headerKey);
  return names.length > 1 && names.includes('order-id') && names.includes('sku');
}

export function parseAmazon(content: string): ParsedImport {
  const rows = readTable(content, '\t', false);
  const headerRow = rows[0];
  if (!headerRow || rows.every((r) => isBlank(r.cells))) throw new ImportFileError('the file is empty');
  if (headerRow.cells.length < 2) {
    const looksCsv = /,|;/.test(headerRow.cells[0] ?? '');
    throw new ImportFileError(
      looksCsv
        ? 'this is not an Amazon order report: it is comma-separated (an eBay export?), Amazon reports are tab-separated'
        : 'this is not an Amazon order report: the first line should name tab-separated columns (order-id, order-item-id, sku, …)',
    );
  }
  const cols = new Columns<Column>(headerRow.cells, columns);
  const missing = required.filter((c) => !cols.has(c));
  if (missing.length > 0) {
    const names = missing.map((c) => columns[c][0]);
    const unshipped = missing.includes('itemPrice') && cols.has('orderId') && cols.has('sku');
    throw new ImportFileError(
      `the Amazon order report is missing the column${names.length > 1 ? 's' : ''} ${names.join(', ')}` +
        (unshipped ? ': the Unshipped Orders report has no prices, download the order report that lists them' : ''),
    );
  }

  const lines = rows
    .slice(1)
    .filter((r) => !isBlank(r.cells))
    .map((r) => readLine(r, cols));
  return assembleOrders('amazon', lines, draftOrder);
}

function readLine({ line, cells }: TableRow, cols: Columns<Column>): SourceLine<AmazonLine> {
  const get = (c: Column) => cols.get(cells, c);
  const problems: string[] = [];
  const orderId = requireCell(get('orderId'), 'order-id', problems);
  const sku = requireCell(get('sku'), 'sku', problems);
  const quantity = readQuantity(get('quantity'), 'quantity-purchased', problems);

  const currency = get('currency').toUpperCase();
  if (currency === '') problems.push('currency is empty');
  else if (!/^[A-Z]{3}$/.test(currency)) problems.push(`currency "${get('currency')}" is not an ISO 4217 code`);

  const amount = (c: Column, isRequired: boolean): number => {
    const text = get(c);
    if (text === '') {
      if (isRequired) problems.push(`${columns[c][0]} is empty`);
      return 0;
    }
    const value = parseAmount(text);
    if (value === null) problems.push(`${columns[c][0]} "${text}" is not a number`);
    return value ?? 0;
  };
  const taxes = amount('itemTax', false) + amount('shippingTax', false) + amount('giftWrapTax', false);
  // Discounts are listed as positive or negative depending on the report: either way they lower what was paid.
  const discounts = Math.abs(amount('itemPromotionDiscount', false)) + Math.abs(amount('shipPromotionDiscount', false));
  const paid =
    amount('itemPrice', true) +
    amount('shippingPrice', false) +
    amount('giftWrapPrice', false) -
    discounts +
    (taxOnTopCurrencies.has(currency) ? taxes : 0);

  const countryText = get('country');
  const country = isoAlpha2(countryText);
  if (countryText === '') problems.push('ship-country is empty');
  else if (!country) problems.push(`ship-country "${countryText}" is not an ISO 3166 two-letter country code`);

  return {
    row: line,
    externalId: orderId === '' ? null : orderId,
    key: get('orderItemId') || null,
    problems,
    data: {
      sku,
      quantity,
      currency,
      paid,
      name: get('recipientName') || get('buyerName'),
      email: get('buyerEmail'),
      phone: get('shipPhone') || get('buyerPhone'),
      // Some marketplaces leave ship-address-1 empty and put the street in ship-address-2: the first filled line leads.
      addressLines: [get('address1'), get('address2'), get('address3')].filter((l) => l !== ''),
      city: get('city'),
      postcode: get('postcode'),
      region: get('state'),
      country: country ?? '',
    },
  };
}

function draftOrder(lines: SourceLine<AmazonLine>[], externalId: string): OrderDraft {
  const currencies = [...new Set(lines.map((l) => l.data.currency))];
  if (currencies.length > 1)
    return { problem: `currency differs between the lines of order ${externalId} (${currencies.join(', ')})` };
  const first = lines[0]?.data;
  if (!first) return { problem: 'the order has no lines' };
  const [line1 = '', ...rest] = first.addressLines;
  return {
    order: {
      channel: 'amazon',
      externalId,
      payment: {
        method: 'prepaid',
        amountPaid: lines.reduce((sum, l) => sum + l.data.paid, 0),
        currency: first.currency,
      },
      customer: { name: first.name, email: first.email, phone: first.phone },
      shippingAddress: {
        line1,
        line2: rest.join(' '),
        city: first.city,
        postcode: first.postcode,
        region: first.region,
        country: first.country,
      },
      items: sumItems(lines.map((l) => l.data)),
      // ship-service-level (Standard, Expedited) is Amazon's promise, not a carrier: the merchant's default applies.
    },
  };
}
