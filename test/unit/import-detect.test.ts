import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { detectFormat } from '../../api/import/index.js';

const fixture = (name: string) => readFileSync(new URL(`../fixtures/${name}`, import.meta.url), 'utf8');

describe('detectFormat', () => {
  it('recognises Amazon reports and the eBay export by their headers', () => {
    expect(detectFormat(fixture('amazon-order-report.txt'))).toBe('amazon');
    expect(detectFormat(fixture('amazon-order-report-clean.txt'))).toBe('amazon');
    expect(detectFormat(fixture('ebay-orders.csv'))).toBe('ebay');
  });

  it('goes by the content, not by the declared type browsers guess from the file name', () => {
    expect(detectFormat(fixture('amazon-order-report.txt'), 'text/csv')).toBe('amazon');
    expect(detectFormat(fixture('ebay-orders.csv'), 'application/vnd.ms-excel')).toBe('ebay');
    expect(detectFormat(fixture('ebay-orders.csv'), 'text/plain; charset=utf-8')).toBe('ebay');
  });

  it('answers null for anything else', () => {
    expect(detectFormat('')).toBeNull();
    expect(detectFormat('\n\n')).toBeNull();
    expect(detectFormat('hello world')).toBeNull();
    expect(detectFormat('name,email\nAnna,anna@example.com\n')).toBeNull();
    expect(detectFormat('id\tname\n1\tAnna\n')).toBeNull();
    expect(detectFormat('"unterminated,quote\n')).toBeNull();
    expect(detectFormat('PK\u0003\u0004\u0014\u0000\u0006\u0000')).toBeNull();
    expect(
      detectFormat(fixture('ebay-orders.csv'), 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'),
    ).toBeNull();
    expect(detectFormat(fixture('amazon-order-report.txt'), 'application/pdf')).toBeNull();
  });
});
