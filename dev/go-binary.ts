import { spawn } from 'node:child_process';
import { access, constants, mkdir, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';

/**
 * Builds a Go program from its module with `go install <module>@v<version>` and caches the binary in
 * `.cache/<name>/<binary>-<version>`, so each version is built once per checkout. GOBIN is a private
 * directory next to the target, renamed into place only when the build succeeded: an interrupted or
 * concurrent build never leaves a half-written binary where another process looks for it.
 */
export interface GoBinarySpec {
  /** Cache subdirectory, e.g. `temporal-server`. */
  name: string;
  /** Main package path, e.g. `go.temporal.io/server/cmd/server`. */
  module: string;
  /** Version without the leading `v`, e.g. `1.32.2`. */
  version: string;
  /** File name `go install` writes: the last element of the package path. */
  binary: string;
  /** Extra environment for go, e.g. GOTOOLCHAIN for modules that need a newer toolchain. */
  env?: Record<string, string>;
  /** Roughly how many packages the build compiles: turns go's per-package lines into a percentage. */
  expectedPackages?: number;
}

export type Say = (line: string) => void;

export const stderrSay: Say = (line) => void process.stderr.write(`${line}\n`);

export function cachedBinaryPath(projectRoot: string, spec: GoBinarySpec): string {
  return path.join(projectRoot, '.cache', spec.name, `${spec.binary}-${spec.version}`);
}

export async function isExecutable(file: string): Promise<boolean> {
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

/** The cached binary, built first if missing. Throws when Go is missing or the build fails. */
export async function provisionGoBinary(
  spec: GoBinarySpec,
  opts: { projectRoot: string; progress?: Say },
): Promise<string> {
  const target = cachedBinaryPath(opts.projectRoot, spec);
  if (await isExecutable(target)) return target;
  const say = opts.progress ?? stderrSay;
  if (!(await hasGo()))
    throw new Error(`[${spec.name}] Go is not installed: cannot build ${spec.module}@v${spec.version}`);
  await buildGoBinary(spec, target, say);
  return target;
}

async function buildGoBinary(spec: GoBinarySpec, target: string, say: Say): Promise<void> {
  const gobin = path.join(path.dirname(target), `build-${process.pid}-${Date.now()}`);
  await mkdir(gobin, { recursive: true });
  const ref = `${spec.module}@v${spec.version}`;
  const extra = Object.entries(spec.env ?? {})
    .map(([k, v]) => `${k}=${v}`)
    .join(' ');
  say(
    `[${spec.name}] building ${ref}${extra ? ` (${extra})` : ''} from Go modules (first run only; can take minutes)…`,
  );
  const started = Date.now();
  let downloaded = 0;
  let compiled = 0;
  const report = (): void => {
    const pct = spec.expectedPackages
      ? ` (~${Math.min(99, Math.round((compiled / spec.expectedPackages) * 100))}%)`
      : '';
    say(
      `[${spec.name}] ${Math.round((Date.now() - started) / 1000)}s: ${downloaded} modules downloaded, ${compiled} packages compiled${pct}`,
    );
  };
  const timer = setInterval(report, 15_000);
  try {
    const { code, tail } = await runGo(['install', '-v', ref], { ...spec.env, GOBIN: gobin }, (line) => {
      if (line.startsWith('go: downloading')) downloaded += 1;
      else compiled += 1;
    });
    if (code !== 0) throw new Error(`[${spec.name}] go install ${ref} failed (exit ${code}); last output:\n${tail}`);
    await rename(path.join(gobin, spec.binary), target);
    say(`[${spec.name}] built in ${Math.round((Date.now() - started) / 1000)}s → ${target}`);
  } finally {
    clearInterval(timer);
    await rm(gobin, { recursive: true, force: true });
  }
}

/** Runs go with extra env; returns its exit code and the last few KiB of its output (stdout + stderr). */
export async function runGo(
  args: string[],
  env: Record<string, string> = {},
  onLine: (line: string) => void = () => undefined,
): Promise<{ code: number | null; stdout: string; tail: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('go', args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let tail = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      stdout += chunk;
    });
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => {
      for (const line of chunk.split('\n')) {
        if (!line.trim()) continue;
        onLine(line);
        tail = `${tail}\n${line}`.slice(-4000);
      }
    });
    child.on('error', reject);
    child.on('exit', (code) => resolve({ code, stdout, tail: `${tail}${stdout.slice(-1000)}`.trim() }));
  });
}

const ModuleDownload = z.object({ Dir: z.string().min(1), Version: z.string() });

/**
 * The unpacked source of a module version in the module cache (`go mod download -json` prints its Dir),
 * downloading it if needed. Used to copy non-Go files a binary needs at run time, such as SQL schemas.
 */
export async function goModuleSourceDir(
  module: string,
  version: string,
  env: Record<string, string> = {},
): Promise<string> {
  const ref = `${module}@v${version}`;
  const { code, stdout, tail } = await runGo(['mod', 'download', '-json', ref], env);
  if (code !== 0) throw new Error(`go mod download ${ref} failed (exit ${code}):\n${tail}`);
  return ModuleDownload.parse(JSON.parse(stdout)).Dir;
}
