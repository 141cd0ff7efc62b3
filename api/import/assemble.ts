import type { z } from 'zod';
import { NewOrder } from '../../domain/order.js';
import type { ImportFormat, ImportOrder, ParsedImport } from './types.js';

/** One line of a report, read by a format's parser, before lines are grouped into orders. */
export interface SourceLine<T> {
  row: number;
  externalId: string | null;
  /** Identifies the line within its order (Amazon's order-item-id): a later line with the same key is a re-export. */
  key: string | null;
  /** Why this line cannot be used, each naming its column. */
  problems: string[];
  data: T;
}

/** What a format makes of the lines of one order: the order to validate, or why there is none. */
export type OrderDraft = { order: unknown } | { problem: string };

/**
 * Groups lines by order id and turns each group into a validated NewOrder.
 *
 * An order with any bad line is rejected whole, every one of its lines listed: importing the good lines alone would
 * create a partial order that ships and is paid for as if complete, and a later import of the fixed file could not
 * add the missing items (the order id is already taken).
 */
export function assembleOrders<T>(
  format: ImportFormat,
  lines: readonly SourceLine<T>[],
  draft: (lines: SourceLine<T>[], externalId: string) => OrderDraft,
): ParsedImport {
  const result: ParsedImport = { format, orders: [], rejected: [], duplicates: [] };
  const groups = new Map<string, SourceLine<T>[]>();

  for (const line of lines) {
    if (line.externalId === null) {
      result.rejected.push({ row: line.row, externalId: null, reason: line.problems.join('; ') });
      continue;
    }
    const group = groups.get(line.externalId) ?? [];
    const first = line.key === null ? undefined : group.find((l) => l.key === line.key);
    if (first) {
      result.duplicates.push({ row: line.row, externalId: line.externalId, sameAsRow: first.row });
      continue;
    }
    group.push(line);
    groups.set(line.externalId, group);
  }

  for (const [externalId, group] of groups) {
    const bad = group.filter((l) => l.problems.length > 0);
    if (bad.length > 0) {
      const which = bad.length === 1 ? `line ${bad[0]?.row} is` : `lines ${bad.map((l) => l.row).join(', ')} are`;
      const heldBack = `not imported: ${which} rejected and order ${externalId} is imported whole or not at all`;
      for (const line of group) {
        result.rejected.push({
          row: line.row,
          externalId,
          reason: line.problems.length > 0 ? line.problems.join('; ') : heldBack,
        });
      }
      continue;
    }
    const made = draft(group, externalId);
    const parsed = 'order' in made ? NewOrder.safeParse(made.order) : undefined;
    if (parsed?.success) {
      const order: ImportOrder = { externalId, rows: group.map((l) => l.row), order: parsed.data };
      result.orders.push(order);
      continue;
    }
    const reason = 'problem' in made ? made.problem : `the order does not fit: ${describeIssues(parsed?.error)}`;
    for (const line of group) result.rejected.push({ row: line.row, externalId, reason });
  }

  result.rejected.sort((a, b) => a.row - b.row);
  return result;
}

function describeIssues(error: z.ZodError | undefined): string {
  if (!error) return 'unknown reason';
  return error.issues.map((i) => `${i.path.map(String).join('.') || 'order'}: ${i.message}`).join('; ');
}

/** "sku is empty" / "currency is empty": the common first problem of a required cell. */
export function requireCell(value: string, column: string, problems: string[]): string {
  if (value === '') problems.push(`${column} is empty`);
  return value;
}

/** Quantities are whole numbers from 1: "2" but not "two", "1.5" or "0". */
export function readQuantity(value: string, column: string, problems: string[]): number {
  if (value === '') {
    problems.push(`${column} is empty`);
    return 0;
  }
  if (!/^\d+$/.test(value)) {
    problems.push(`${column} "${value}" is not a whole number`);
    return 0;
  }
  const quantity = Number(value);
  if (quantity < 1) problems.push(`${column} "${value}" must be at least 1`);
  return quantity;
}

/** Items with the same SKU become one item with the quantities added. */
export function sumItems(items: readonly { sku: string; quantity: number }[]): { sku: string; quantity: number }[] {
  const bySku = new Map<string, number>();
  for (const { sku, quantity } of items) bySku.set(sku, (bySku.get(sku) ?? 0) + quantity);
  return [...bySku].map(([sku, quantity]) => ({ sku, quantity }));
}
