import { spawn } from 'node:child_process';
import { access, constants, mkdir, rename, rm } from 'node:fs/promises';
import path from 'node:path';

/**
 * Finds or builds the Temporal CLI (which carries the dev server and its Web UI):
 * TEMPORAL_CLI_PATH if set → a binary cached in `.cache/temporal-cli` → `go install` into that cache →
 * null, meaning "let the SDK download its own" (machines with internet and no Go).
 */
export const TEMPORAL_CLI_VERSION = '1.5.1';
const MODULE = 'github.com/temporalio/cli/cmd/temporal';
/** Roughly how many packages the build compiles: turns go's per-package lines into a percentage. */
const EXPECTED_PACKAGES = 1300;

export interface ProvisionOptions {
  projectRoot: string;
  explicitPath?: string | undefined;
  progress?: (line: string) => void;
}

export function cachedCliPath(projectRoot: string): string {
  return path.join(projectRoot, '.cache', 'temporal-cli', `temporal-${TEMPORAL_CLI_VERSION}`);
}

async function isExecutable(file: string): Promise<boolean> {
  try {
    await access(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

export async function hasGo(): Promise<boolean> {
  return new Promise((resolve) => {
    const child = spawn('go', ['version'], { stdio: 'ignore' });
    child.on('error', () => resolve(false));
    child.on('exit', (code) => resolve(code === 0));
  });
}

export async function provisionTemporalCli(opts: ProvisionOptions): Promise<string | null> {
  const say = opts.progress ?? ((line: string) => process.stderr.write(`${line}\n`));
  if (opts.explicitPath) {
    if (!(await isExecutable(opts.explicitPath))) throw new Error(`TEMPORAL_CLI_PATH=${opts.explicitPath} is not an executable file`);
    return opts.explicitPath;
  }
  const cached = cachedCliPath(opts.projectRoot);
  if (await isExecutable(cached)) return cached;
  if (!(await hasGo())) {
    say('[temporal-cli] Go is not installed: falling back to the Temporal SDK\'s own download of the dev server');
    return null;
  }
  await buildWithGo(cached, say);
  return cached;
}

async function buildWithGo(target: string, say: (line: string) => void): Promise<void> {
  const dir = path.dirname(target);
  const gobin = path.join(dir, `build-${process.pid}`);
  await mkdir(gobin, { recursive: true });
  say(`[temporal-cli] building the Temporal CLI v${TEMPORAL_CLI_VERSION} from Go modules (first run only; takes a few minutes)…`);
  const started = Date.now();
  let downloaded = 0;
  let compiled = 0;
  const report = (): void => {
    const now = Date.now();
    const pct = Math.min(99, Math.round((compiled / EXPECTED_PACKAGES) * 100));
    say(`[temporal-cli] ${Math.round((now - started) / 1000)}s: ${downloaded} modules downloaded, ${compiled} packages compiled (~${pct}%)`);
  };
  const timer = setInterval(report, 15_000);
  try {
    await new Promise<void>((resolve, reject) => {
      const child = spawn('go', ['install', '-v', `${MODULE}@v${TEMPORAL_CLI_VERSION}`], {
        env: { ...process.env, GOBIN: gobin },
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      let tail = '';
      child.stderr.setEncoding('utf8');
      child.stderr.on('data', (chunk: string) => {
        for (const line of chunk.split('\n')) {
          if (!line.trim()) continue;
          if (line.startsWith('go: downloading')) downloaded += 1;
          else compiled += 1;
          tail = `${tail}\n${line}`.slice(-4000);
        }
      });
      child.on('error', reject);
      child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`go install failed (exit ${code}):${tail}`))));
    });
    await rename(path.join(gobin, 'temporal'), target);
    say(`[temporal-cli] built in ${Math.round((Date.now() - started) / 1000)}s → ${target}`);
  } finally {
    clearInterval(timer);
    await rm(gobin, { recursive: true, force: true });
  }
}
