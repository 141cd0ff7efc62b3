import { performance } from 'node:perf_hooks';

/** Small helpers the capacity scripts share: percentiles, a client pool, memory figures. */
export const pct = (sorted: number[], p: number): number =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;

export interface Percentiles {
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

export function percentiles(xs: number[]): Percentiles {
  const s = [...xs].sort((a, b) => a - b);
  return { p50: pct(s, 50), p95: pct(s, 95), p99: pct(s, 99), max: s.at(-1) ?? NaN };
}

export const ms = (x: number): string => `${x.toFixed(0)} ms`;
export const summary = (xs: number[]): string => {
  const p = percentiles(xs);
  return `p50 ${ms(p.p50)} · p95 ${ms(p.p95)} · p99 ${ms(p.p99)} · max ${ms(p.max)}`;
};

export const mib = (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
export const kib = (bytes: number): string => `${(bytes / 1024).toFixed(0)} KiB`;

/** Runs fn over items with at most `size` at once (clients working in parallel). */
export async function pool<T>(items: T[], size: number, fn: (item: T) => Promise<void>): Promise<void> {
  const queue = [...items];
  await Promise.all(
    Array.from({ length: size }, async () => {
      for (let item = queue.shift(); item !== undefined; item = queue.shift()) await fn(item);
    }),
  );
}

/** `count` actions one after the other over the targets, round-robin: each one's round trip. */
export async function sequentialRoundTrips(
  count: number,
  targets: string[],
  act: (target: string) => Promise<void>,
): Promise<Percentiles> {
  const ms: number[] = [];
  for (let i = 0; i < count; i++) {
    const t0 = performance.now();
    await act(targets[i % targets.length] ?? '');
    ms.push(performance.now() - t0);
  }
  return percentiles(ms);
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Process memory after garbage collection (needs `node --expose-gc`), so slopes are not GC noise. */
export async function settledMemory(): Promise<{ rss: number; heapUsed: number }> {
  const gc = (globalThis as { gc?: () => void }).gc;
  for (let i = 0; i < 3; i++) {
    gc?.();
    await sleep(300);
  }
  const { rss, heapUsed } = process.memoryUsage();
  return { rss, heapUsed };
}
