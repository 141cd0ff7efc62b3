import countries from 'i18n-iso-countries';

/**
 * eBay writes the ship-to country as a name in the language of the seller's site ("Italy", "Italia", "Deutschland",
 * "España"), sometimes as a code; orders need ISO 3166-1 alpha-2. The names and their common aliases ("UK",
 * "Czechia") come from i18n-iso-countries rather than a hand-kept list.
 */
const nameLanguages = ['en', 'it', 'es', 'de', 'fr', 'nl', 'pl'] as const;

let byName: Map<string, string> | undefined;

function normalizeName(name: string): string {
  return name
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[.'’]/g, '')
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim()
    .replace(/^the /, '');
}

function names(): Map<string, string> {
  if (byName) return byName;
  const map = new Map<string, string>();
  // The first language to claim a name keeps it: English first, as eBay's own sites mostly write it.
  for (const lang of nameLanguages) {
    for (const [code, localized] of Object.entries(countries.getNames(lang, { select: 'all' }))) {
      for (const name of localized) {
        const key = normalizeName(name);
        if (key && !map.has(key)) map.set(key, code);
      }
    }
  }
  byName = map;
  return map;
}

/** The alpha-2 code when `value` is one that exists (any case), else null. */
export function isoAlpha2(value: string): string | null {
  const code = value.trim().toUpperCase();
  return /^[A-Z]{2}$/.test(code) && countries.isValid(code) ? code : null;
}

/** An alpha-2 or alpha-3 code, or a country name in one of eBay's European languages, as alpha-2; null if unknown. */
export function countryCode(value: string): string | null {
  const trimmed = value.trim();
  if (trimmed === '') return null;
  const alpha2 = isoAlpha2(trimmed);
  if (alpha2) return alpha2;
  if (/^[A-Za-z]{3}$/.test(trimmed)) {
    const fromAlpha3 = countries.alpha3ToAlpha2(trimmed.toUpperCase());
    if (fromAlpha3) return fromAlpha3;
  }
  return names().get(normalizeName(trimmed)) ?? null;
}
