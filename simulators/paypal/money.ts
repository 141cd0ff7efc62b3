/** PayPal moves these currencies in whole units only; every other currency carries two decimals. */
const zeroDecimalCurrencies = new Set(['HUF', 'JPY', 'TWD']);

export function decimalsOf(currency: string): number {
  return zeroDecimalCurrencies.has(currency) ? 0 : 2;
}

const decimalPattern = /^(\d{1,15})(?:\.(\d+))?$/;

export type ParsedValue =
  { ok: true; minor: number } | { ok: false; issue: 'INVALID_PARAMETER_SYNTAX' | 'DECIMAL_PRECISION' };

/**
 * Reads PayPal's decimal string ("39.9", "39.90") into integer minor units by string arithmetic,
 * so sums of captures and refunds never pick up binary float noise.
 */
export function parseValue(value: string, currency: string): ParsedValue {
  const match = decimalPattern.exec(value);
  if (!match) return { ok: false, issue: 'INVALID_PARAMETER_SYNTAX' };
  const whole = match[1] ?? '0';
  const fraction = match[2] ?? '';
  const decimals = decimalsOf(currency);
  if (fraction.length > decimals) return { ok: false, issue: 'DECIMAL_PRECISION' };
  return { ok: true, minor: Number(whole) * 10 ** decimals + Number(fraction.padEnd(decimals, '0') || '0') };
}

export function formatValue(minor: number, currency: string): string {
  const decimals = decimalsOf(currency);
  if (decimals === 0) return String(minor);
  const unit = 10 ** decimals;
  return `${Math.floor(minor / unit)}.${String(minor % unit).padStart(decimals, '0')}`;
}
