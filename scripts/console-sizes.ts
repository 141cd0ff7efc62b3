import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { consoleOutput } from '../dev/console-build.js';

/**
 * The console's bundle, file by file, gzipped; and what the first page (the orders list) loads: the entry script,
 * its static imports, and the orders page's chunk with its own static imports.
 */
const assets = path.join(consoleOutput, 'assets');
const files = readdirSync(assets).sort();
const gz = (file: string): number => gzipSync(readFileSync(path.join(assets, file))).length;
const kb = (bytes: number): string => `${(bytes / 1024).toFixed(1)} kB`;

const staticImports = (file: string): string[] =>
  [
    ...readFileSync(path.join(assets, file), 'utf8').matchAll(
      /(?:^|[;}\s])import\s*(?:[^'"()]*?from\s*)?["']\.\/([^"']+)["']/g,
    ),
  ].map((m) => m[1] ?? '');
function closure(file: string, seen = new Set<string>()): Set<string> {
  if (seen.has(file)) return seen;
  seen.add(file);
  for (const dep of staticImports(file)) closure(dep, seen);
  return seen;
}

for (const file of files) {
  const raw = readFileSync(path.join(assets, file)).length;
  process.stdout.write(`${file.padEnd(36)} ${kb(raw).padStart(10)}  gzip ${kb(gz(file)).padStart(9)}\n`);
}
const html = readFileSync(path.join(consoleOutput, 'index.html'), 'utf8');
const entry = /src="\/assets\/([^"]+\.js)"/.exec(html)?.[1];
const orders = files.find((f) => /^orders-[\w-]+\.js$/.test(f));
if (entry && orders) {
  const first = new Set([...closure(entry), ...closure(orders)]);
  const total = [...first].reduce((sum, f) => sum + gz(f), 0);
  process.stdout.write(`\nfirst page (/orders): ${[...first].join(' + ')}\n  = ${kb(total)} gzip (limit 250 kB)\n`);
  if (total > 250 * 1024) process.exitCode = 1;
}
