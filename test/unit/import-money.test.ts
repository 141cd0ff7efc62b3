import { describe, expect, it } from 'vitest';
import { countryCode, isoAlpha2 } from '../../api/import/countries.js';
import { parseAmount, parseDecimal, parsePrice } from '../../api/import/money.js';

describe('import amounts', () => {
  it.each([
    ['29.95', 29.95],
    ['29,95', 29.95],
    ['1.234,56', 1234.56],
    ['1,234.56', 1234.56],
    ['1 234,56', 1234.56],
    ['1,234', 1234],
    ['1.234.567', 1234567],
    ['0,500', 0.5],
    ['12', 12],
    ['-2.00', -2],
  ])('reads %s as %d', (text, value) => {
    expect(parseDecimal(text)).toBe(value);
  });

  it.each(['', 'abc', '29,', ',95', '1,2.5', '1.2.3', '12a', '--1'])('refuses %j', (text) => {
    expect(parseDecimal(text)).toBeNull();
  });

  it('turns amounts into cents without float noise', () => {
    expect(parseAmount('0.29')).toBe(29);
    expect(parseAmount('19.99')).toBe(1999);
    expect(parseAmount('1.15')).toBe(115);
    expect(parseAmount('x')).toBeNull();
  });

  it('reads three digits after a single separator as thousands: prices have two decimals', () => {
    expect(parseAmount('1.005')).toBe(100500);
    expect(parseAmount('1,005')).toBe(100500);
  });

  it.each([
    ['EUR 29,95', { amount: 2995, currency: 'EUR' }],
    ['29,95 EUR', { amount: 2995, currency: 'EUR' }],
    ['€29,95', { amount: 2995, currency: 'EUR' }],
    ['29,95 €', { amount: 2995, currency: 'EUR' }],
    ['$29.95', { amount: 2995, currency: 'USD' }],
    ['US $1,299.00', { amount: 129900, currency: 'USD' }],
    ['AU $15.00', { amount: 1500, currency: 'AUD' }],
    ['C $15.00', { amount: 1500, currency: 'CAD' }],
    ['£12.50', { amount: 1250, currency: 'GBP' }],
    ['GBP 12.50', { amount: 1250, currency: 'GBP' }],
    ['12,50 zł', { amount: 1250, currency: 'PLN' }],
    ['19.90', { amount: 1990, currency: null }],
  ])('reads the price %s', (text, price) => {
    expect(parsePrice(text)).toEqual(price);
  });

  it('refuses a price without an amount', () => {
    expect(parsePrice('EUR')).toBeNull();
    expect(parsePrice('free')).toBeNull();
  });
});

describe('import countries', () => {
  it.each([
    ['IT', 'IT'],
    ['it', 'IT'],
    ['ITA', 'IT'],
    ['Italy', 'IT'],
    ['Italia', 'IT'],
    ['ITALY', 'IT'],
    ['Spain', 'ES'],
    ['España', 'ES'],
    ['Espana', 'ES'],
    ['Germany', 'DE'],
    ['Deutschland', 'DE'],
    ['United Kingdom', 'GB'],
    ['UK', 'GB'],
    ['Regno Unito', 'GB'],
    ['Österreich', 'AT'],
    ['The Netherlands', 'NL'],
    ['Polska', 'PL'],
    [' France ', 'FR'],
  ])('maps %j to %s', (value, code) => {
    expect(countryCode(value)).toBe(code);
  });

  it('answers null for what is no country', () => {
    expect(countryCode('')).toBeNull();
    expect(countryCode('Atlantis')).toBeNull();
    expect(countryCode('XX')).toBeNull();
  });

  it('accepts only existing two-letter codes as ISO alpha-2', () => {
    expect(isoAlpha2('de')).toBe('DE');
    expect(isoAlpha2('UK')).toBeNull();
    expect(isoAlpha2('DEU')).toBeNull();
    expect(isoAlpha2('Germany')).toBeNull();
  });
});
