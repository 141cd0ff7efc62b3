import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { createWriteStream, mkdirSync } from 'node:fs';
import path from 'node:path';

/**
 * A long-running child (Temporal server, UI server) whose output goes to a log file, keeping the last few KiB
 * in memory so a failed start can say why.
 */
export interface LoggedChild {
  child: ChildProcess;
  /** The last output, for error messages. */
  tail(): string;
  exited(): boolean;
  stop(graceMs?: number): Promise<void>;
}

export function spawnLogged(
  command: string,
  args: string[],
  opts: SpawnOptions & { logFile?: string | undefined },
): LoggedChild {
  if (opts.logFile) mkdirSync(path.dirname(opts.logFile), { recursive: true });
  const sink = opts.logFile ? createWriteStream(opts.logFile, { flags: 'a' }) : null;
  const child = spawn(command, args, { ...opts, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const collect = (chunk: Buffer): void => {
    sink?.write(chunk);
    // The server's dependency-injection trace ([Fx] lines) would push the actual error out of the tail.
    const lines = chunk
      .toString('utf8')
      .split('\n')
      .filter((line) => !line.startsWith('[Fx]'));
    output = `${output}${lines.join('\n')}`.slice(-8000);
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  let done = false;
  child.on('exit', () => {
    done = true;
    sink?.end();
  });
  child.on('error', (error) => {
    done = true;
    output += `\n${error.message}`;
    sink?.end();
  });
  return {
    child,
    tail: () => output,
    exited: () => done || child.exitCode !== null || child.signalCode !== null,
    stop: (graceMs) => stopChild(child, graceMs),
  };
}

/** SIGTERM, then SIGKILL if the child has not exited within `graceMs`. */
export async function stopChild(child: ChildProcess, graceMs = 20_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timeout = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await exited;
  clearTimeout(timeout);
}

/** Runs a command to its end; rejects with the end of its output when it exits non-zero. */
export async function runToEnd(command: string, args: string[], opts: SpawnOptions = {}): Promise<void> {
  const run = spawnLogged(command, args, opts);
  const code = await new Promise<number | null>((resolve, reject) => {
    run.child.on('error', reject);
    run.child.on('exit', resolve);
  });
  if (code !== 0) throw new Error(`${command} ${args.join(' ')} failed (${code}):\n${run.tail().slice(-4000)}`);
}

/** Polls `attempt` until it resolves, or throws the last error after `timeoutMs`. */
export async function retryUntil<T>(
  what: string,
  timeoutMs: number,
  attempt: () => Promise<T>,
  opts: { intervalMs?: number; giveUp?: () => string | null } = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    const reason = opts.giveUp?.();
    if (reason) throw new Error(`${what}: ${reason}`);
    try {
      return await attempt();
    } catch (error) {
      lastError = error;
    }
    if (Date.now() >= deadline) break;
    await new Promise((r) => setTimeout(r, opts.intervalMs ?? 500));
  }
  throw new Error(
    `${what}: still failing after ${timeoutMs} ms: ${(lastError as Error | undefined)?.message ?? String(lastError)}`,
  );
}
