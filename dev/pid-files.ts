import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/**
 * The processes `npm start` runs beside itself (the Temporal dev server, PostgreSQL's postmaster) are written down
 * in DATA_DIR/pids/ as they start. When node dies without stopping them (SIGKILL, a crash), the next start finds
 * them there and stops them. A pid is only ever signalled while it still runs the same program that was written
 * down — same command line and same start time — so a pid the system has since given to another process is left
 * alone.
 */
export interface ProcessIdentity {
  pid: number;
  /** The command line, NUL-separated arguments joined by spaces. */
  command: string;
  /** When the process started, as the system reports it (clock ticks since boot on Linux). */
  startedAt: string;
}

interface PidFile extends ProcessIdentity {
  name: string;
}

const procFs = existsSync('/proc/self/stat');

/** What the system says about a running pid, or null when no such process runs. */
export function identify(pid: number): ProcessIdentity | null {
  try {
    if (procFs) {
      const command = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\u0000').filter(Boolean).join(' ');
      // Field 22 of /proc/<pid>/stat; the command name (field 2) may hold spaces, so count from its closing ')'.
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const state = fields[0];
      if (state === 'Z' || state === 'X') return null;
      return { pid, command, startedAt: fields[19] ?? '' };
    }
    const out = execFileSync('ps', ['-o', 'lstart=,command=', '-p', String(pid)], { encoding: 'utf8' }).trim();
    if (!out) return null;
    // lstart is a fixed-width date ("Mon Jan  1 00:00:00 2024"): 24 characters.
    return { pid, startedAt: out.slice(0, 24).trim(), command: out.slice(24).trim() };
  } catch {
    return null;
  }
}

function pidDir(dataDir: string): string {
  return path.join(dataDir, 'pids');
}

/** Writes down a child that just started. */
export function recordProcess(dataDir: string, name: string, pid: number): void {
  const identity = identify(pid);
  if (!identity) return;
  mkdirSync(pidDir(dataDir), { recursive: true });
  const file: PidFile = { name, ...identity };
  writeFileSync(path.join(pidDir(dataDir), `${name}.json`), `${JSON.stringify(file, null, 2)}\n`);
}

export function forgetProcess(dataDir: string, name: string): void {
  rmSync(path.join(pidDir(dataDir), `${name}.json`), { force: true });
}

function sameProcess(recorded: ProcessIdentity): boolean {
  const now = identify(recorded.pid);
  return now !== null && now.command === recorded.command && now.startedAt === recorded.startedAt;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Stops one recorded process: `signal`, then SIGKILL if it is still there after `graceMs`. */
export async function stopRecorded(
  recorded: ProcessIdentity,
  signal: NodeJS.Signals = 'SIGTERM',
  graceMs = 10_000,
): Promise<boolean> {
  if (!sameProcess(recorded)) return false;
  try {
    process.kill(recorded.pid, signal);
  } catch {
    return false;
  }
  const deadline = Date.now() + graceMs;
  while (Date.now() < deadline) {
    if (!sameProcess(recorded)) return true;
    await sleep(100);
  }
  if (sameProcess(recorded)) {
    try {
      process.kill(recorded.pid, 'SIGKILL');
    } catch {
      // gone meanwhile
    }
    while (sameProcess(recorded)) await sleep(50);
  }
  return true;
}

/**
 * Stops every process written down in DATA_DIR that still runs as written (left by a node that was killed), and
 * forgets the files. Returns the names of those stopped.
 */
export async function stopStaleProcesses(
  dataDir: string,
  signals: Record<string, NodeJS.Signals> = {},
): Promise<string[]> {
  const dir = pidDir(dataDir);
  if (!existsSync(dir)) return [];
  const stopped: string[] = [];
  for (const entry of readdirSync(dir).filter((f) => f.endsWith('.json'))) {
    const file = path.join(dir, entry);
    let recorded: PidFile | null = null;
    try {
      recorded = JSON.parse(readFileSync(file, 'utf8')) as PidFile;
    } catch {
      // unreadable: nothing we can safely act on
    }
    if (recorded && (await stopRecorded(recorded, signals[recorded.name] ?? 'SIGTERM'))) stopped.push(recorded.name);
    rmSync(file, { force: true });
  }
  return stopped;
}
