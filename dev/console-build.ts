import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { runToEnd } from './child-process.js';

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
  // In a child: the build script pins NODE_ENV=production, where vitest (which builds it for the browser tests) runs
  // with NODE_ENV=test and Vite would bundle React's development build (+70 kB gzip) in-process.
  await runToEnd('npm', ['run', '--silent', 'build:console'], { cwd: root });
  return true;
}
