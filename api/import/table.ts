import { CsvError, parse } from 'csv-parse/sync';
import { ImportFileError } from './errors.js';

/** One record of a delimited file with the line of the file it starts on (a quoted field may span lines). */
export interface TableRow {
  line: number;
  cells: string[];
}

/** Drops a byte-order mark and unifies line endings, so that line numbers count what an editor shows. */
export function normalizeText(content: string): string {
  return content.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n');
}

/**
 * Splits delimited text into records, keeping blank lines (as a single empty cell) so callers decide what they mean.
 * `quoted: false` for Amazon's reports, which never quote: a product name like `12" cable` must stay as it is.
 */
export function readTable(content: string, delimiter: string, quoted: boolean): TableRow[] {
  const text = normalizeText(content);
  let records: { record: string[]; raw: string }[];
  try {
    records = parse(text, {
      delimiter,
      quote: quoted ? '"' : false,
      // eBay does not always escape a quote inside a title: keep it when it stands inside an unquoted field.
      relax_quotes: quoted,
      relax_column_count: true,
      skip_empty_lines: false,
      raw: true,
    }) as unknown as { record: string[]; raw: string }[];
  } catch (err) {
    if (err instanceof CsvError)
      throw new ImportFileError(`the file cannot be read as ${delimiterName(delimiter)} text: ${err.message}`);
    throw err;
  }
  // csv-parse counts the line breaks of a quoted field oddly; counting them in the raw text is exact.
  const rows: TableRow[] = [];
  let line = 1;
  for (const { record, raw } of records) {
    rows.push({ line, cells: record });
    line += raw.split('\n').length - 1;
  }
  return rows;
}

export function isBlank(cells: readonly string[]): boolean {
  return cells.every((c) => c.trim() === '');
}

/** Lower-cased, single-spaced header name: exports differ in case and stray spaces, never in meaning. */
export function headerKey(name: string): string {
  return name.trim().replace(/\s+/g, ' ').toLowerCase();
}

/** Reads cells by column name; a column the file lacks, or a short line, reads as ''. */
export class Columns<Name extends string> {
  private readonly index = new Map<Name, number>();

  constructor(header: readonly string[], aliases: Readonly<Record<Name, readonly string[]>>) {
    const positions = new Map<string, number>();
    header.forEach((h, i) => {
      if (!positions.has(headerKey(h))) positions.set(headerKey(h), i);
    });
    for (const name of Object.keys(aliases) as Name[]) {
      const found = aliases[name].map((a) => positions.get(headerKey(a))).find((i) => i !== undefined);
      if (found !== undefined) this.index.set(name, found);
    }
  }

  has(name: Name): boolean {
    return this.index.has(name);
  }

  get(cells: readonly string[], name: Name): string {
    const i = this.index.get(name);
    return i === undefined ? '' : (cells[i] ?? '').trim();
  }
}

function delimiterName(delimiter: string): string {
  return delimiter === '\t' ? 'tab-separated' : `"${delimiter}"-separated`;
}
