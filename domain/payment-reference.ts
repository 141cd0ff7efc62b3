/**
 * Structured creditor references (ISO 11649, "RF" references): what a merchant writes on a bank transfer so the
 * finance desk can match it to its top-up; banks across SEPA carry the format unchanged. The platform's bodies are
 * digits only, for which the two check digits (ISO 7064 MOD 97-10, as in IBANs) catch every single mistyped digit
 * and every swap of two neighbours (a letter body would let about 1 in 97 letter-for-digit typos through).
 */

/** How many digits a platform reference carries after "RF" and its check digits: 10^16 possibilities. */
export const REFERENCE_DIGITS = 16;

function mod97(alphanumeric: string): number {
  let rest = 0;
  for (const ch of alphanumeric) {
    const value = Number.parseInt(ch, 36);
    // Letters count as two digits (A = 10 … Z = 35).
    rest = value > 9 ? (rest * 100 + value) % 97 : (rest * 10 + value) % 97;
  }
  return rest;
}

/** The reference for a body of 1-21 letters and digits, e.g. "8K3D9QXW2M5T" → "RF478K3D9QXW2M5T". */
export function creditorReference(body: string): string {
  const upper = body.toUpperCase();
  if (!/^[0-9A-Z]{1,21}$/.test(upper)) throw new RangeError('A creditor reference body is 1-21 letters and digits');
  const check = 98 - mod97(`${upper}RF00`);
  return `RF${String(check).padStart(2, '0')}${upper}`;
}

/** Spaces and case as people type them do not matter: "rf47 8k3d 9qxw 2m5t" is the same reference. */
export function normalizeReference(input: string): string {
  return input.replace(/\s+/g, '').toUpperCase();
}

export function isValidCreditorReference(input: string): boolean {
  const ref = normalizeReference(input);
  if (!/^RF\d{2}[0-9A-Z]{1,21}$/.test(ref)) return false;
  return mod97(`${ref.slice(4)}${ref.slice(0, 4)}`) === 1;
}

/** Grouped by four for reading aloud and typing: "RF47 8K3D 9QXW 2M5T". */
export function formatReference(reference: string): string {
  return normalizeReference(reference).replace(/(.{4})(?=.)/g, '$1 ');
}

/** One of the platform's own references: a valid creditor reference whose body is REFERENCE_DIGITS digits. */
export function isPlatformReference(input: string): boolean {
  const ref = normalizeReference(input);
  return new RegExp(`^RF\\d{2}\\d{${REFERENCE_DIGITS}}$`).test(ref) && isValidCreditorReference(ref);
}
