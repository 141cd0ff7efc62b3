/**
 * Postcode formats of the countries the supplier ships to, with an example to show the merchant.
 * Countries missing here are not checked locally: the supplier's own check (ER004) still catches them.
 */
interface PostcodeFormat {
  pattern: RegExp;
  example: string;
}

const formats: Record<string, PostcodeFormat> = {
  AT: { pattern: /^\d{4}$/, example: '1010' },
  BE: { pattern: /^\d{4}$/, example: '1000' },
  BG: { pattern: /^\d{4}$/, example: '1000' },
  CH: { pattern: /^\d{4}$/, example: '8001' },
  CY: { pattern: /^\d{4}$/, example: '1010' },
  CZ: { pattern: /^\d{3} ?\d{2}$/, example: '110 00' },
  DE: { pattern: /^\d{5}$/, example: '10115' },
  DK: { pattern: /^\d{4}$/, example: '1050' },
  EE: { pattern: /^\d{5}$/, example: '10111' },
  ES: { pattern: /^(0[1-9]|[1-4]\d|5[0-2])\d{3}$/, example: '28001' },
  FI: { pattern: /^\d{5}$/, example: '00100' },
  FR: { pattern: /^\d{5}$/, example: '75001' },
  GB: { pattern: /^[A-Z]{1,2}\d[A-Z\d]? ?\d[A-Z]{2}$/i, example: 'SW1A 1AA' },
  GR: { pattern: /^\d{3} ?\d{2}$/, example: '105 57' },
  HR: { pattern: /^\d{5}$/, example: '10000' },
  HU: { pattern: /^\d{4}$/, example: '1011' },
  IE: { pattern: /^[A-Z]\d[\dW] ?[A-Z\d]{4}$/i, example: 'D02 X285' },
  IT: { pattern: /^\d{5}$/, example: '20121' },
  LT: { pattern: /^(LT-)?\d{5}$/i, example: 'LT-01100' },
  LU: { pattern: /^(L-)?\d{4}$/i, example: 'L-1009' },
  LV: { pattern: /^(LV-)?\d{4}$/i, example: 'LV-1010' },
  MT: { pattern: /^[A-Z]{3} ?\d{4}$/i, example: 'VLT 1117' },
  NL: { pattern: /^\d{4} ?[A-Z]{2}$/i, example: '1012 AB' },
  NO: { pattern: /^\d{4}$/, example: '0150' },
  PL: { pattern: /^\d{2}-\d{3}$/, example: '00-001' },
  PT: { pattern: /^\d{4}-\d{3}$/, example: '1000-001' },
  RO: { pattern: /^\d{6}$/, example: '010011' },
  SE: { pattern: /^\d{3} ?\d{2}$/, example: '111 22' },
  SI: { pattern: /^\d{4}$/, example: '1000' },
  SK: { pattern: /^\d{3} ?\d{2}$/, example: '811 01' },
  US: { pattern: /^\d{5}(-\d{4})?$/, example: '10001' },
};

export type PostcodeCheck = { ok: true } | { ok: false; example: string };

export function checkPostcode(country: string, postcode: string): PostcodeCheck {
  const format = formats[country.toUpperCase()];
  if (!format) return { ok: true };
  return format.pattern.test(postcode.trim()) ? { ok: true } : { ok: false, example: format.example };
}
