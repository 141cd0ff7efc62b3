import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
export const consoleSource = path.join(root, 'console');
export const consoleOutput = path.join(root, 'dist', 'console');

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'node_modules') continue;
    const full = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(full) : statSync(full).mtimeMs);
  }
  return newest;
}

function builtAt(): number {
  try {
    return statSync(path.join(consoleOutput, 'index.html')).mtimeMs;
  } catch {
    return 0;
  }
}

/** True when dist/console is missing or older than a file of console/ (or the generated API types in it). */
export function consoleIsStale(): boolean {
  return builtAt() < newestMtime(consoleSource);
}

/** Builds the console with Vite when it is missing or older than its sources; says whether it built. */
export async function ensureConsoleBuilt(say: (line: string) => void = () => undefined): Promise<boolean> {
  if (!consoleIsStale()) return false;
  say('building the console (dist/console)…');
  const { build } = await import('vite');
  await build({ configFile: path.join(consoleSource, 'vite.config.ts'), logLevel: 'warn' });
  return true;
}
