import { minorToDecimalString } from '../../domain/money.js';

/** PayPal refuses decimals for these currencies (their minor unit is the whole unit); all others take exactly two. */
const zeroDecimalCurrencies = new Set(['HUF', 'JPY', 'TWD']);

/** Integer minor units → PayPal's amount string: 3990 EUR → "39.90", 3990 JPY → "3990". */
export function toPayPalValue(minor: number, currency: string): string {
  if (!Number.isSafeInteger(minor))
    throw new RangeError(`amount must be an integer number of minor units, got ${minor}`);
  return zeroDecimalCurrencies.has(currency) ? String(minor) : minorToDecimalString(minor);
}

/** PayPal's amount string → integer minor units, by string arithmetic; undefined when it is not a plain decimal. */
export function fromPayPalValue(value: string, currency: string): number | undefined {
  const match = /^(\d{1,15})(?:\.(\d{1,2}))?$/.exec(value);
  if (!match) return undefined;
  const whole = Number(match[1]);
  const fraction = match[2] ?? '';
  if (zeroDecimalCurrencies.has(currency)) return /^0*$/.test(fraction) ? whole : undefined;
  return whole * 100 + Number(fraction.padEnd(2, '0'));
}
