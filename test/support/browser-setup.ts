import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TestProject } from 'vitest/node';
import { ensureConsoleBuilt } from '../../dev/console-build.js';
import { provisionChromium } from '../../dev/chromium.js';

declare module 'vitest' {
  export interface ProvidedContext {
    chromiumPath: string;
  }
}

const root = fileURLToPath(new URL('../..', import.meta.url));

/** Once per run: the console built (when stale) and Chromium inflated into .cache/ (no race between workers). */
export default async function setup(project: TestProject): Promise<void> {
  const say = (line: string): void => void process.stderr.write(`[browser-setup] ${line}\n`);
  await ensureConsoleBuilt(say);
  const chromiumPath = await provisionChromium(path.join(root, '.cache'));
  say(`Chromium at ${chromiumPath}`);
  project.provide('chromiumPath', chromiumPath);
}
