import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';

/**
 * The Chromium the browser tests drive: Debian's when CHROMIUM_PATH names it, else the build that
 * @sparticuz/chromium ships inside its npm package (no download). Its executablePath() inflates into the shared
 * temporary folder, where parallel workers would race: the global setup inflates it once, into .cache/.
 */
export async function provisionChromium(cacheDir: string): Promise<string> {
  if (process.env.CHROMIUM_PATH) return process.env.CHROMIUM_PATH;
  // The package exports no package.json: find it beside its entry (build/index.js).
  const entry = createRequire(import.meta.url).resolve('@sparticuz/chromium');
  const pkg = JSON.parse(readFileSync(path.join(path.dirname(entry), '..', 'package.json'), 'utf8')) as {
    version: string;
  };
  const dir = path.join(cacheDir, `sparticuz-chromium-${pkg.version}`);
  const binary = path.join(dir, 'chromium');
  if (existsSync(binary)) return binary;
  mkdirSync(dir, { recursive: true });
  // executablePath() inflates into os.tmpdir(), which follows TMPDIR: point it at the cache for this one call.
  const previous = process.env.TMPDIR;
  process.env.TMPDIR = dir;
  try {
    const { default: chromium } = await import('@sparticuz/chromium');
    return await chromium.executablePath();
  } finally {
    if (previous === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = previous;
  }
}

/** Chromium's flags from @sparticuz/chromium, less --single-process (closing a second context kills that browser). */
export async function chromiumArgs(): Promise<string[]> {
  if (process.env.CHROMIUM_PATH) return ['--no-sandbox', '--disable-dev-shm-usage'];
  const { default: chromium } = await import('@sparticuz/chromium');
  return [...chromium.args.filter((a) => a !== '--single-process'), '--no-sandbox', '--disable-dev-shm-usage'];
}
