import { readdirSync, readFileSync } from 'node:fs';

/**
 * CPU time of the benchmark's process tree, by part (this process, the Temporal server, PostgreSQL, each platform
 * process of the production topology), read from /proc: what a phase of a benchmark cost each part. Linux only; an
 * empty reading elsewhere.
 */
export type CpuReading = Map<string, number>;

/** USER_HZ: the unit of /proc/<pid>/stat's utime and stime (100 on Linux everywhere Node runs). */
const TICKS_PER_SECOND = 100;

interface Proc {
  pid: number;
  ppid: number;
  part: string;
  cpuMs: number;
}

/** One process of /proc: its parent, what it is, and the CPU it used so far (user + system), or null if gone. */
export function parseStat(pid: number, stat: string, cmdline: string): Proc | null {
  // The command name is in parentheses and may itself hold spaces or parentheses: fields start after the last ')'.
  const close = stat.lastIndexOf(')');
  if (close < 0) return null;
  const comm = stat.slice(stat.indexOf('(') + 1, close);
  const fields = stat.slice(close + 2).split(' ');
  const ppid = Number(fields[1]);
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  if (!Number.isFinite(ppid) || !Number.isFinite(utime) || !Number.isFinite(stime)) return null;
  return { pid, ppid, part: partOf(comm, cmdline), cpuMs: ((utime + stime) * 1000) / TICKS_PER_SECOND };
}

/** Names a process by what it runs: the platform's entry points by their file, servers by their program. */
export function partOf(comm: string, cmdline: string): string {
  const entry = /(api-main|worker-main|simulators-main)\.[jt]s/.exec(cmdline)?.[1];
  if (entry) return entry.replace('-main', '');
  if (/postgres|postmaster/.test(comm) || /\bpostgres\b/.test(cmdline)) return 'postgresql';
  if (/temporal/.test(comm) || /temporal/.test(cmdline.split('\0')[0] ?? '')) return 'temporal';
  return comm;
}

function readProc(pid: number): Proc | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    return parseStat(pid, stat, cmdline);
  } catch {
    return null; // exited meanwhile
  }
}

/** CPU milliseconds used so far by this process and its descendants, summed by part; this process is `bench`. */
export function readCpu(root = process.pid): CpuReading {
  let pids: number[];
  try {
    pids = readdirSync('/proc')
      .filter((d) => /^\d+$/.test(d))
      .map(Number);
  } catch {
    return new Map();
  }
  const procs = pids.map(readProc).filter((p): p is Proc => p !== null);
  const children = new Map<number, Proc[]>();
  for (const p of procs) children.set(p.ppid, [...(children.get(p.ppid) ?? []), p]);
  const reading: CpuReading = new Map();
  const visit = (p: Proc, part: string): void => {
    reading.set(part, (reading.get(part) ?? 0) + p.cpuMs);
    for (const c of children.get(p.pid) ?? []) visit(c, c.part === 'node' || c.part === 'sh' ? part : c.part);
  };
  const self = procs.find((p) => p.pid === root);
  if (self) visit(self, 'bench');
  return reading;
}

/** What each part used between two readings (a process that exited in between is not counted). */
export function cpuBetween(before: CpuReading, after: CpuReading): CpuReading {
  const used: CpuReading = new Map();
  for (const [part, ms] of after) used.set(part, Math.max(0, ms - (before.get(part) ?? 0)));
  return used;
}

/** "bench 12.3 · temporal 4.5 · postgresql 1.2 ms" per unit, largest first, with the total. */
export function formatCpu(used: CpuReading, per: number): string {
  const parts = [...used].filter(([, ms]) => ms > 0).sort((a, b) => b[1] - a[1]);
  const total = parts.reduce((sum, [, ms]) => sum + ms, 0);
  return `${(total / per).toFixed(1)} ms (${parts.map(([part, ms]) => `${part} ${(ms / per).toFixed(1)}`).join(' · ')})`;
}
