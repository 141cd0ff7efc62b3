import { describe, expect, it } from 'vitest';
import { cpuBetween, formatCpu, parseStat, partOf, readCpu } from '../../scripts/bench/cpu-usage.js';

// /proc/<pid>/stat as Linux writes it: pid (comm) state ppid … utime (14th field) stime (15th) …
const stat = (pid: number, comm: string, ppid: number, utime: number, stime: number): string =>
  `${pid} (${comm}) S ${ppid} ${pid} ${pid} 0 -1 4194560 1000 0 0 0 ${utime} ${stime} 0 0 20 0 12 0 100 1000000 5000`;

describe('the benchmarks read CPU time from /proc', () => {
  it('reads user + system time in ms, and the parent, after a command name with spaces and parentheses', () => {
    expect(parseStat(42, stat(42, 'node (main) x', 7, 150, 50), 'node\0x.js')).toEqual({
      pid: 42,
      ppid: 7,
      part: 'node (main) x',
      cpuMs: 2000,
    });
  });

  it('names the platform processes by entry point and servers by program', () => {
    expect(partOf('node', '/usr/bin/node\0/work/dist/app/worker-main.js')).toBe('worker');
    expect(partOf('node', '/usr/bin/node\0/work/dist/app/api-main.js')).toBe('api');
    expect(partOf('postgres', '/usr/lib/postgresql/15/bin/postgres\0-D\0/tmp/pg')).toBe('postgresql');
    expect(partOf('temporal-1.5.1', '/work/.cache/temporal-cli/temporal-1.5.1\0server\0start-dev')).toBe('temporal');
    expect(partOf('esbuild', '/work/node_modules/@esbuild/linux-x64/bin/esbuild')).toBe('esbuild');
  });

  it('charges what each part used between two readings, per order', () => {
    const used = cpuBetween(
      new Map([
        ['bench', 1_000],
        ['temporal', 500],
      ]),
      new Map([
        ['bench', 3_000],
        ['temporal', 1_500],
        ['postgresql', 400],
      ]),
    );
    expect([...used]).toEqual([
      ['bench', 2_000],
      ['temporal', 1_000],
      ['postgresql', 400],
    ]);
    expect(formatCpu(used, 200)).toBe('17.0 ms (bench 10.0 · temporal 5.0 · postgresql 2.0)');
  });

  it('finds this process in /proc and sees its CPU grow', () => {
    const before = readCpu();
    const until = Date.now() + 100;
    while (Date.now() < until) Math.sqrt(Math.random()); // spin: ~100 ms of CPU
    const after = readCpu();
    expect(after.get('bench') ?? 0).toBeGreaterThan(before.get('bench') ?? 0);
  });
});
