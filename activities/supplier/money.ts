/**
 * Decimal EUR amounts from the supplier into integer cents, exactly. Going through the decimal text instead of
 * multiplying (1.005 * 100 = 100.49999...) keeps half-cent values rounding the way the supplier printed them.
 */
export function decimalToCents(value: number | string): number {
  const text = typeof value === 'number' ? plainDecimal(value) : value.trim();
  const match = /^([+-]?)(\d*)(?:\.(\d*))?$/.exec(text);
  if (!match || (match[2] === '' && (match[3] ?? '') === ''))
    throw new RangeError(`Not a decimal amount: ${String(value)}`);
  const [, sign = '', whole = '', fraction = ''] = match;
  let cents = Number(whole || '0') * 100 + Number(fraction.padEnd(2, '0').slice(0, 2));
  // Round half away from zero on the third decimal; later digits cannot change that decision.
  if ((fraction[2] ?? '0') >= '5') cents += 1;
  return sign === '-' && cents !== 0 ? -cents : cents;
}

function plainDecimal(value: number): string {
  if (!Number.isFinite(value)) throw new RangeError(`Not a finite amount: ${value}`);
  const text = String(value);
  // String() switches to exponent notation below 1e-6; toFixed gives plain digits there.
  return /e/i.test(text) ? value.toFixed(20) : text;
}
