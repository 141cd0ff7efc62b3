import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { settingNames } from '../../app/config.js';

/**
 * The README is a front door to docs/: a reader who follows a link must land on a file that exists and, when the
 * link names a section, on that section.
 */
const root = fileURLToPath(new URL('../..', import.meta.url));
const pages = [
  'README.md',
  ...readdirSync(join(root, 'docs'))
    .filter((f) => f.endsWith('.md'))
    .map((f) => `docs/${f}`),
];

/** Markdown without its code blocks: a `#` or a link in a code block is text. */
function withoutCodeBlocks(markdown: string): string {
  return markdown.replace(/^(```|~~~)[^\n]*\n[\s\S]*?^\1[^\n]*$/gm, '');
}

/** Inline links and images, `[text](target)` / `![alt](target "title")`, without external ones. */
function relativeTargets(markdown: string): string[] {
  return [
    ...withoutCodeBlocks(markdown)
      .replace(/`[^`\n]*`/g, '')
      .matchAll(/!?\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g),
  ]
    .map((m) => m[1] ?? '')
    .filter((target) => !/^[a-z][a-z0-9+.-]*:/i.test(target));
}

/**
 * The anchors GitHub gives a page's headings: the heading's text (code spans included) in lower case, punctuation
 * dropped, spaces as hyphens, a repeated one numbered.
 */
function headingAnchors(markdown: string): Set<string> {
  const seen = new Map<string, number>();
  const result = new Set<string>();
  for (const [, heading] of withoutCodeBlocks(markdown).matchAll(/^#{1,6}\s+(.+?)\s*#*\s*$/gm)) {
    const base = (heading ?? '')
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\s_-]/gu, '')
      .replace(/\s/g, '-');
    const count = seen.get(base) ?? 0;
    seen.set(base, count + 1);
    result.add(count === 0 ? base : `${base}-${count}`);
  }
  return result;
}

describe('links of the README and docs/', () => {
  it('finds the pages and their links', () => {
    expect(pages).toContain('README.md');
    expect(pages.length).toBeGreaterThan(1);
    expect(relativeTargets(readFileSync(join(root, 'README.md'), 'utf8')).length).toBeGreaterThan(0);
  });

  it.each(pages)('every relative link of %s points at a file that exists, and at a heading of it', (page) => {
    const from = join(root, page);
    const broken: string[] = [];
    for (const target of relativeTargets(readFileSync(from, 'utf8'))) {
      const [path = '', anchor] = target.split('#');
      const file = path === '' ? from : resolve(dirname(from), decodeURIComponent(path));
      if (!existsSync(file)) {
        broken.push(`${target}: no file ${relative(root, file)}`);
        continue;
      }
      if (anchor && file.endsWith('.md') && !headingAnchors(readFileSync(file, 'utf8')).has(anchor))
        broken.push(`${target}: no heading #${anchor} in ${relative(root, file)}`);
    }
    expect(broken).toEqual([]);
  });

  it('tells a broken link from a good one', () => {
    expect(relativeTargets('see [a](docs/x.md), ![b](img.png "t"), [c](https://x.org) and `[d](no.md)`')).toEqual([
      'docs/x.md',
      'img.png',
    ]);
    expect([...headingAnchors('# Set up\n## `npm run start:production`: local\n## Set up')]).toEqual([
      'set-up',
      'npm-run-startproduction-local',
      'set-up-1',
    ]);
  });
});

describe('docs/configuration.md', () => {
  it('documents every setting app/config.ts reads, and no setting it does not', () => {
    const page = readFileSync(join(root, 'docs/configuration.md'), 'utf8');
    const [schemaTable = ''] = page.split('## Read outside the schema');
    // The first cell of each row of the schema's table names the settings the row is about.
    const firstCells = schemaTable
      .split('\n')
      .filter((line) => line.startsWith('| `'))
      .map((line) => line.split('|')[1] ?? '');
    const named = new Set(firstCells.flatMap((cell) => [...cell.matchAll(/`([A-Z][A-Z0-9_]+)`/g)].map((m) => m[1])));
    expect(settingNames.filter((name) => !named.has(name))).toEqual([]);
    expect([...named].filter((name) => !settingNames.includes(name!))).toEqual([]);
  });
});
