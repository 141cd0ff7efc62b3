/**
 * The carriers the supplier ships with, by the name its API takes. Offered all at once when the merchant chose
 * none (the supplier picks the cheapest that serves the address), and looked for in a shop's shipping line.
 */
export const supplierCarriers = ['gls', 'dhl', 'correos', 'ups'] as const;

/** A carrier name as a whole word: "GLS Express", "DHL-EXP" and "dhl_express" name one; "Pickups" does not. */
const carrierWord = new RegExp(`(?<![a-z0-9])(${supplierCarriers.join('|')})(?![a-z0-9])`, 'i');

/** The supplier carrier a shop's shipping line names (lower-case), if any. */
export function carrierNamedIn(text: string | null | undefined): string | undefined {
  return carrierWord.exec(text ?? '')?.[1]?.toLowerCase();
}
