import { describe, expect, it } from 'vitest';
import { fromPayPalValue, toPayPalValue } from '../../activities/paypal/amounts.js';

describe('PayPal amount strings', () => {
  it.each([
    [3990, 'EUR', '39.90'],
    [5, 'EUR', '0.05'],
    [100, 'USD', '1.00'],
    [123456789, 'GBP', '1234567.89'],
    [1234, 'JPY', '1234'],
    [990, 'HUF', '990'],
  ])('writes %i minor units of %s as "%s" and reads it back', (minor, currency, value) => {
    expect(toPayPalValue(minor, currency)).toBe(value);
    expect(fromPayPalValue(value, currency)).toBe(minor);
  });

  it('reads one decimal and whole numbers without float noise', () => {
    expect(fromPayPalValue('39.9', 'EUR')).toBe(3990);
    expect(fromPayPalValue('0.1', 'EUR')! + fromPayPalValue('0.2', 'EUR')!).toBe(30);
    expect(fromPayPalValue('40', 'EUR')).toBe(4000);
  });

  it.each(['abc', '39.901', '-1.00', '', '1e3', '39.'])('does not read "%s"', (value) => {
    expect(fromPayPalValue(value, 'EUR')).toBeUndefined();
  });

  it('does not read decimals on a zero-decimal currency', () => {
    expect(fromPayPalValue('10.50', 'JPY')).toBeUndefined();
  });

  it('refuses a fractional number of minor units instead of rounding money', () => {
    expect(() => toPayPalValue(39.9, 'EUR')).toThrow(RangeError);
  });
});
