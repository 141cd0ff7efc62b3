import { decimalToMinor } from '../../domain/money.js';

/** An amount in minor units, with the currency when the text named one ("EUR 29,95", "€29,95", "$29.95"). */
export interface Price {
  amount: number;
  currency: string | null;
}

/**
 * Reads a decimal written either way Europe and America write it: "29.95", "29,95", "1.234,56", "1,234.56".
 * With a single separator followed by exactly three digits ("1,234") it is read as thousands: prices carry two
 * decimals, so three can only be grouping. Returns null for anything else, so a typo is never read as a number.
 */
export function parseDecimal(text: string): number | null {
  const compact = text.replace(/[\s\u00A0\u202F']/g, '');
  const match = /^([+-]?)(\d[\d.,]*)$/.exec(compact);
  if (!match) return null;
  const [, sign = '', body = ''] = match;
  const lastDot = body.lastIndexOf('.');
  const lastComma = body.lastIndexOf(',');
  let normalized: string;
  if (lastDot >= 0 && lastComma >= 0) {
    const decimal = lastDot > lastComma ? '.' : ',';
    const grouping = decimal === '.' ? ',' : '.';
    const [whole = '', fraction = ''] = body.split(decimal);
    if (body.split(decimal).length !== 2 || !isGrouped(whole, grouping) || !/^\d+$/.test(fraction)) return null;
    normalized = `${whole.split(grouping).join('')}.${fraction}`;
  } else if (lastDot >= 0 || lastComma >= 0) {
    const separator = lastDot >= 0 ? '.' : ',';
    const parts = body.split(separator);
    const [whole = '', fraction = ''] = parts;
    if (parts.length > 2 || (fraction.length === 3 && whole !== '0')) {
      if (!isGrouped(body, separator)) return null;
      normalized = parts.join('');
    } else {
      if (fraction === '') return null;
      normalized = `${whole}.${fraction}`;
    }
  } else {
    normalized = body;
  }
  const value = Number(`${sign}${normalized}`);
  return Number.isFinite(value) ? value : null;
}

/** "1.234.567" grouped by thousands: first group 1–3 digits, every later group exactly 3. */
function isGrouped(text: string, separator: string): boolean {
  const groups = text.split(separator);
  return groups.every((g, i) => (i === 0 ? /^\d{1,3}$/.test(g) || groups.length === 1 : /^\d{3}$/.test(g)));
}

/** Symbols as eBay prints them; "$" alone is the US dollar, as on ebay.com. */
const symbols: readonly [RegExp, string][] = [
  [/US\s?\$/, 'USD'],
  [/AU\s?\$|A\s?\$/, 'AUD'],
  [/CA?\s?\$/, 'CAD'],
  [/\$/, 'USD'],
  [/€/, 'EUR'],
  [/£/, 'GBP'],
  [/zł/i, 'PLN'],
];

/** A price with its currency, written as eBay exports it in any of its sites. Null when no amount can be read. */
export function parsePrice(text: string): Price | null {
  let rest = text.trim();
  let currency: string | null = null;
  const code = /(?:^|[^A-Za-z])([A-Z]{3})(?![A-Za-z])/.exec(rest);
  if (code?.[1]) {
    currency = code[1];
    rest = rest.replace(code[1], '');
  } else {
    for (const [symbol, iso] of symbols) {
      if (symbol.test(rest)) {
        currency = iso;
        rest = rest.replace(symbol, '');
        break;
      }
    }
  }
  const value = parseDecimal(rest);
  return value === null ? null : { amount: decimalToMinor(value), currency };
}

/** A plain decimal in minor units (Amazon's reports: no symbol, the currency is its own column). */
export function parseAmount(text: string): number | null {
  const value = parseDecimal(text);
  return value === null ? null : decimalToMinor(value);
}
