import type { NewOrder } from '../../domain/order.js';

export type ImportFormat = 'amazon' | 'ebay';

/** Where a line of the file came from. `row` is the 1-based line in the file (header = line 1 for Amazon). */
export interface ParsedRow {
  row: number;
  externalId: string | null;
}

/** One order ready to be created: the lines it was built from, so the answer can point back at the file. */
export interface ImportOrder {
  externalId: string;
  rows: number[];
  order: NewOrder;
}

/** A line that gives no order; `reason` names the column, so the merchant can fix the file. */
export interface RejectedRow extends ParsedRow {
  reason: string;
}

/** A line exported twice: ignored, pointing at the line that was used. */
export interface DuplicateRow {
  row: number;
  externalId: string;
  sameAsRow: number;
}

export interface ParsedImport {
  format: ImportFormat;
  orders: ImportOrder[];
  rejected: RejectedRow[];
  duplicates: DuplicateRow[];
}
