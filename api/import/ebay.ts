import { assembleOrders, readQuantity, sumItems, type OrderDraft, type SourceLine } from './assemble.js';
import { countryCode } from './countries.js';
import { ImportFileError } from './errors.js';
import { parsePrice, type Price } from './money.js';
import { Columns, headerKey, isBlank, readTable, type TableRow } from './table.js';
import type { ParsedImport } from './types.js';

/**
 * eBay Seller Hub's "Orders" report (Reports › Downloads): CSV with a line of bare commas or a title before the
 * header, often an all-empty line after it, one line per item, and a footer ("3 record(s) downloaded, from …",
 * "Seller ID : …"). A multi-item order may start with a summary line that carries the buyer, the address and the
 * order total but no item. The first name of each column is the one ebay.com writes; the others are ebay.co.uk's.
 */
const columns = {
  orderNumber: ['Order Number'],
  salesRecordNumber: ['Sales Record Number'],
  buyerEmail: ['Buyer Email'],
  name: ['Ship To Name', 'Post To Name'],
  phone: ['Ship To Phone', 'Post To Phone'],
  address1: ['Ship To Address 1', 'Post To Address 1'],
  address2: ['Ship To Address 2', 'Post To Address 2'],
  city: ['Ship To City', 'Post To City'],
  state: ['Ship To State', 'Post To County'],
  zip: ['Ship To Zip', 'Post To Postcode'],
  country: ['Ship To Country', 'Post To Country'],
  itemNumber: ['Item Number'],
  customLabel: ['Custom Label'],
  quantity: ['Quantity'],
  soldFor: ['Sold For'],
  shipping: ['Shipping And Handling', 'Postage And Packaging'],
  totalPrice: ['Total Price'],
  paidOn: ['Paid On Date'],
  transactionId: ['Transaction ID'],
  variation: ['Variation Details'],
} as const satisfies Record<string, readonly string[]>;
type Column = keyof typeof columns;

const required: readonly Column[] = [
  'orderNumber',
  'customLabel',
  'quantity',
  'soldFor',
  'name',
  'address1',
  'city',
  'zip',
  'country',
];

/** Prices without a symbol or code are euros: the merchants of this platform sell on eBay's euro sites. */
export const defaultEbayCurrency = 'EUR';

/** eBay writes CSV with commas; Excel in most of Europe saves it again with semicolons. */
const delimiters = [',', ';'] as const;

/** How many lines may stand before the header (eBay: one; a re-saved file: a few). */
const headerSearchDepth = 10;

interface EbayLine {
  kind: 'item' | 'summary';
  sku: string;
  quantity: number;
  soldFor: Price | null;
  shipping: Price | null;
  total: Price | null;
  paid: boolean;
  email: string;
  name: string;
  phone: string;
  address1: string;
  address2: string;
  city: string;
  region: string;
  postcode: string;
  country: string;
}

interface Located {
  rows: TableRow[];
  headerIndex: number;
  cols: Columns<Column>;
}

function isFooter(cells: readonly string[]): boolean {
  const text = cells.join(' ');
  return /record\(s\) downloaded/i.test(text) || /^\s*seller id\s*:/i.test(cells.find((c) => c.trim() !== '') ?? '');
}

/**
 * The header: the first line, among the first few, that has an "Order Number" column, trying each delimiter.
 * When none has one, the error of the first delimiter that could not even read the file (a broken quote) is the more
 * useful answer, so it is returned too.
 */
function locate(content: string): { located: Located | null; readError: ImportFileError | null } {
  let readError: ImportFileError | null = null;
  for (const delimiter of delimiters) {
    let rows: TableRow[];
    try {
      rows = readTable(content, delimiter, true);
    } catch (err) {
      if (!(err instanceof ImportFileError)) throw err;
      readError ??= err;
      continue;
    }
    const headerIndex = rows
      .slice(0, headerSearchDepth)
      .findIndex(
        (r) =>
          r.cells.length > 1 && r.cells.some((c) => columns.orderNumber.some((n) => headerKey(n) === headerKey(c))),
      );
    const header = rows[headerIndex];
    if (header)
      return { located: { rows, headerIndex, cols: new Columns<Column>(header.cells, columns) }, readError: null };
  }
  return { located: null, readError };
}

export function isEbayExport(content: string): boolean {
  const { located } = locate(content);
  return located !== null && located.cols.has('customLabel') && located.cols.has('quantity');
}

export function parseEbay(content: string): ParsedImport {
  if (content.replace(/^\uFEFF/, '').trim() === '') throw new ImportFileError('the file is empty');
  const { located, readError } = locate(content);
  if (!located) {
    if (content.split('\n', 1)[0]?.includes('\t')) {
      throw new ImportFileError(
        'this is not an eBay orders export: it is tab-separated (an Amazon report?), eBay exports are CSV',
      );
    }
    throw (
      readError ??
      new ImportFileError(
        'this is not an eBay orders export: no header line with an "Order Number" column near the top of the file',
      )
    );
  }
  const { rows, headerIndex, cols } = located;
  const missing = required.filter((c) => !cols.has(c));
  if (missing.length > 0) {
    const names = missing.map((c) => columns[c][0]);
    throw new ImportFileError(
      `the eBay orders export is missing the column${names.length > 1 ? 's' : ''} ${names.join(', ')}`,
    );
  }

  // Item lines of a multi-item order may leave Order Number empty but keep the sales record number of their order.
  const orderBySalesRecord = new Map<string, string>();
  const lines: SourceLine<EbayLine>[] = [];
  for (const row of rows.slice(headerIndex + 1)) {
    if (isBlank(row.cells) || isFooter(row.cells)) continue;
    const salesRecord = cols.get(row.cells, 'salesRecordNumber');
    const own = cols.get(row.cells, 'orderNumber');
    if (own !== '' && salesRecord !== '') orderBySalesRecord.set(salesRecord, own);
    const orderNumber = own || (salesRecord === '' ? '' : (orderBySalesRecord.get(salesRecord) ?? ''));
    lines.push(readLine(row, cols, orderNumber));
  }
  return assembleOrders('ebay', lines, (group, externalId) => draftOrder(group, externalId, cols.has('paidOn')));
}

function readLine({ line, cells }: TableRow, cols: Columns<Column>, orderNumber: string): SourceLine<EbayLine> {
  const get = (c: Column) => cols.get(cells, c);
  const problems: string[] = [];
  if (orderNumber === '') problems.push('Order Number is empty');

  const price = (c: Column): Price | null => {
    const text = get(c);
    if (text === '') return null;
    const parsed = parsePrice(text);
    if (!parsed) problems.push(`${columns[c][0]} "${text}" is not a price`);
    return parsed;
  };

  const itemNumber = get('itemNumber');
  const sku = get('customLabel');
  const quantityText = get('quantity');
  // A summary line names no item (it may still show the order's total quantity); an item line without a Custom
  // Label still has its Item Number. Files without an Item Number column fall back on Quantity.
  const namesNoItem = cols.has('itemNumber') ? itemNumber === '' : quantityText === '';
  const kind = namesNoItem && sku === '' ? 'summary' : 'item';
  let quantity = 0;
  if (kind === 'item') {
    if (sku === '') problems.push('Custom Label is empty: without it the listing cannot be matched to a supplier SKU');
    quantity = readQuantity(quantityText, 'Quantity', problems);
  }

  const countryText = get('country');
  const country = countryText === '' ? '' : (countryCode(countryText) ?? '');
  if (countryText !== '' && country === '') problems.push(`Ship To Country "${countryText}" is not a country we know`);

  const transactionId = get('transactionId');
  return {
    row: line,
    externalId: orderNumber === '' ? null : orderNumber,
    key: kind === 'summary' ? 'summary' : `item:${transactionId || [itemNumber, get('variation'), sku].join('|')}`,
    problems,
    data: {
      kind,
      sku,
      quantity,
      soldFor: price('soldFor'),
      shipping: price('shipping'),
      total: price('totalPrice'),
      paid: get('paidOn') !== '',
      email: get('buyerEmail'),
      name: get('name'),
      phone: get('phone'),
      address1: get('address1'),
      address2: get('address2'),
      city: get('city'),
      region: get('state'),
      postcode: get('zip'),
      country,
    },
  };
}

function draftOrder(lines: SourceLine<EbayLine>[], externalId: string, filePaysDates: boolean): OrderDraft {
  const data = lines.map((l) => l.data);
  const items = data.filter((d) => d.kind === 'item');
  if (items.length === 0) return { problem: `order ${externalId} has a summary line but no item lines` };
  // Importing as prepaid an order the buyer has not paid would ship goods for nothing.
  if (filePaysDates && !data.some((d) => d.paid)) {
    return { problem: 'Paid On Date is empty: the buyer has not paid yet, import the order once eBay shows it paid' };
  }

  const prices = data.flatMap((d) => [d.soldFor, d.shipping, d.total]).filter((p): p is Price => p !== null);
  const currencies = [...new Set(prices.map((p) => p.currency).filter((c): c is string => c !== null))];
  if (currencies.length > 1)
    return { problem: `prices of order ${externalId} are in different currencies (${currencies.join(', ')})` };

  const amountPaid = paidAmount(data, items);
  if (amountPaid === null) return { problem: 'Total Price and Sold For are empty: what the buyer paid is unknown' };

  // The summary line (if any) comes first and holds the buyer; item lines may repeat or leave these empty.
  const first = (pick: (d: EbayLine) => string): string => data.map(pick).find((v) => v !== '') ?? '';
  const country = first((d) => d.country);
  return {
    order: {
      channel: 'ebay',
      externalId,
      payment: { method: 'prepaid', amountPaid, currency: currencies[0] ?? defaultEbayCurrency },
      customer: { name: first((d) => d.name), email: first((d) => d.email), phone: first((d) => d.phone) },
      shippingAddress: {
        line1: first((d) => d.address1),
        line2: first((d) => d.address2),
        city: first((d) => d.city),
        postcode: first((d) => d.postcode),
        region: first((d) => d.region),
        // Left empty when no line names a country: the schema then rejects the order naming shippingAddress.country.
        country,
      },
      items: sumItems(items),
    },
  };
}

/**
 * Total Price is what the buyer paid (items, shipping, eBay-collected tax). A summary line holds the order's total;
 * without one, each item line holds its own. Failing those, Sold For (a unit price) × Quantity + Shipping And Handling.
 */
function paidAmount(data: EbayLine[], items: EbayLine[]): number | null {
  const summary = data.find((d) => d.kind === 'summary');
  if (summary?.total) return summary.total.amount;
  if (items.every((i) => i.total !== null)) return items.reduce((sum, i) => sum + (i.total?.amount ?? 0), 0);
  if (items.some((i) => i.soldFor === null)) return null;
  return items.reduce((sum, i) => sum + (i.soldFor?.amount ?? 0) * i.quantity + (i.shipping?.amount ?? 0), 0);
}
