import { isAmazonHeader, parseAmazon } from './amazon.js';
import { isEbayExport, parseEbay } from './ebay.js';
import { normalizeText } from './table.js';
import type { ImportFormat, ParsedImport } from './types.js';

export { ImportFileError } from './errors.js';
export { defaultEbayCurrency } from './ebay.js';
export type { DuplicateRow, ImportFormat, ImportOrder, ParsedImport, ParsedRow, RejectedRow } from './types.js';

/**
 * Reads an uploaded order file into orders ready to create, lines rejected with their reason, and lines exported
 * twice. Pure: creating the orders (idempotently, by channel + externalId) is the caller's job.
 * Throws ImportFileError when the file as a whole is unusable.
 */
export function parseImport(format: ImportFormat, content: string): ParsedImport {
  return format === 'amazon' ? parseAmazon(content) : parseEbay(content);
}

/** The marketplaces whose order reports can be imported, as the orders' `channel` and as merchants read them. */
export const importChannels: readonly { type: ImportFormat; label: string }[] = [
  { type: 'amazon', label: 'Amazon' },
  { type: 'ebay', label: 'eBay' },
];

/** Declared types of uploads that cannot be a text report, whatever their bytes look like. */
const binaryTypes = /^(image|audio|video)\/|^application\/(pdf|zip|gzip|x-gzip|vnd\.openxmlformats|vnd\.oasis)/i;

/**
 * Tells the format from the content: Amazon's tab-separated header, or an eBay CSV with its header near the top.
 * The declared content type only rules out binary uploads (browsers send text/csv, text/plain or
 * application/vnd.ms-excel for the same file, so it cannot tell the two reports apart). Null when neither fits.
 */
export function detectFormat(content: string, contentType?: string): ImportFormat | null {
  if (contentType && binaryTypes.test(contentType.trim())) return null;
  const text = normalizeText(content);
  // Zip containers (xlsx, ods) and PDFs: a spreadsheet saved in its own format instead of exported as text.
  if (text.startsWith('PK\u0003\u0004') || text.startsWith('%PDF')) return null;
  const firstLine = text.split('\n', 1)[0] ?? '';
  if (isAmazonHeader(firstLine)) return 'amazon';
  if (isEbayExport(text)) return 'ebay';
  return null;
}
