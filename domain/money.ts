/** Amounts travel as integers in minor units (cents) beside an ISO 4217 currency, never as floats. */
export interface Money {
  amount: number;
  currency: string;
}

/**
 * Converts a decimal amount as the supplier reports it (e.g. 34.5) into minor units.
 * Rounds half away from zero on the third decimal to absorb binary float noise (0.1 + 0.2).
 */
export function decimalToMinor(value: number): number {
  const cents = Math.round(Math.abs(value) * 100 + Number.EPSILON * 100);
  return value < 0 ? -cents : cents;
}

/** The decimal form external APIs expect ("59.90"). */
export function minorToDecimalString(amount: number): string {
  const sign = amount < 0 ? '-' : '';
  const abs = Math.abs(amount);
  return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}

const symbols: Record<string, string> = { EUR: '€', USD: '$', GBP: '£' };

/** Human form for summaries and messages: "€59.90", "PLN 12.00". */
export function formatMoney(money: Money): string {
  const symbol = symbols[money.currency];
  const decimal = minorToDecimalString(money.amount);
  return symbol
    ? `${decimal.startsWith('-') ? '-' : ''}${symbol}${decimal.replace('-', '')}`
    : `${money.currency} ${decimal}`;
}
