/**
 * Reading a Prometheus text exposition (a worker's `/metrics`) for the capacity scripts: samples, histograms summed
 * over their label sets, the difference of two scrapes, and quantiles read from bucket counts. Written here rather
 * than taken from npm: the parser of the text format found there (parse-prometheus-text-format) ships no types, and
 * these scripts read counters, gauges and histograms of two known exporters only.
 */

export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** One histogram's buckets (cumulative counts, ascending upper bounds, +Inf last), count and sum. */
export interface Histogram {
  buckets: { le: number; count: number }[];
  count: number;
  sum: number;
}

const labelPair = /\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*=\s*"((?:[^"\\]|\\.)*)"\s*,?/y;

function unescape(value: string): string {
  return value.replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c));
}

function number(text: string): number {
  if (text === '+Inf' || text === 'Inf') return Infinity;
  if (text === '-Inf') return -Infinity;
  // prom-client writes a gauge it never set (nodejs_eventloop_lag_mean_seconds…) as "Nan".
  if (text.toLowerCase() === 'nan') return NaN;
  return Number(text);
}

/** Every sample of the exposition (comments and blank lines skipped); throws on a line it cannot read. */
export function parsePrometheus(text: string): Sample[] {
  const samples: Sample[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const name = /^[a-zA-Z_:][a-zA-Z0-9_:]*/.exec(line)?.[0];
    if (!name) throw new Error(`not a Prometheus sample: ${line}`);
    let rest = line.slice(name.length);
    const labels: Record<string, string> = {};
    if (rest.startsWith('{')) {
      let at = 1;
      for (;;) {
        labelPair.lastIndex = at;
        const pair = labelPair.exec(rest);
        if (!pair) break;
        labels[pair[1]!] = unescape(pair[2]!);
        at = labelPair.lastIndex;
      }
      const close = /^\s*\}/.exec(rest.slice(at));
      if (!close) throw new Error(`unreadable labels: ${line}`);
      rest = rest.slice(at + close[0].length);
    }
    const value = rest.trim().split(/\s+/)[0] ?? '';
    const parsed = number(value);
    if (value === '' || (Number.isNaN(parsed) && value.toLowerCase() !== 'nan'))
      throw new Error(`unreadable value: ${line}`);
    samples.push({ name, labels, value: parsed });
  }
  return samples;
}

type LabelFilter = Record<string, string>;

const matches = (labels: Record<string, string>, filter: LabelFilter): boolean =>
  Object.entries(filter).every(([k, v]) => labels[k] === v);

/** Names of the samples present (histograms under their base name), for error messages and discovery. */
export function metricNames(samples: Sample[]): string[] {
  return [...new Set(samples.map((s) => s.name.replace(/_(bucket|count|sum)$/, '')))].sort();
}

/** Whether any sample of `name` (a counter, a gauge, or a histogram's base name) is present. */
export function hasMetric(samples: Sample[], name: string): boolean {
  return samples.some((s) => s.name === name || s.name === `${name}_bucket` || s.name === `${name}_count`);
}

/** The sum of a counter's (or gauge's) samples over every label set matching `filter`; 0 when absent. */
export function total(samples: Sample[], name: string, filter: LabelFilter = {}): number {
  return samples.filter((s) => s.name === name && matches(s.labels, filter)).reduce((n, s) => n + s.value, 0);
}

/**
 * A histogram summed over every label set matching `filter` (bucket by bucket: the label sets must share their
 * bounds, as one metric's do); null when the exposition has no bucket of it.
 */
export function histogram(samples: Sample[], name: string, filter: LabelFilter = {}): Histogram | null {
  const byBound = new Map<number, number>();
  for (const s of samples) {
    if (s.name !== `${name}_bucket` || !matches(s.labels, filter)) continue;
    const le = s.labels.le;
    if (le === undefined) throw new Error(`${name}_bucket without an le label`);
    const bound = number(le);
    byBound.set(bound, (byBound.get(bound) ?? 0) + s.value);
  }
  if (byBound.size === 0) return null;
  const buckets = [...byBound].map(([le, count]) => ({ le, count })).sort((a, b) => a.le - b.le);
  return {
    buckets,
    count: total(samples, `${name}_count`, filter),
    sum: total(samples, `${name}_sum`, filter),
  };
}

/** What was observed between two scrapes of one histogram (`before` null: nothing before). */
export function histogramDelta(after: Histogram | null, before: Histogram | null): Histogram | null {
  if (!after) return null;
  const earlier = new Map(before?.buckets.map((b) => [b.le, b.count]));
  return {
    buckets: after.buckets.map((b) => ({ le: b.le, count: b.count - (earlier.get(b.le) ?? 0) })),
    count: after.count - (before?.count ?? 0),
    sum: after.sum - (before?.sum ?? 0),
  };
}

/**
 * The upper bound of the bucket holding the q-quantile (0 < q ≤ 1): the smallest bound whose cumulative count
 * reaches the quantile's rank, ⌈q × observations⌉. Infinity when it lies above the largest finite bound; null with no observation.
 * No interpolation (Prometheus's histogram_quantile interpolates linearly inside the bucket): what is reported is
 * "at most this", which a target such as "p99 under 1 s" can be checked against when 1 s is a bound.
 */
export function bucketQuantile(h: Histogram | null, q: number): number | null {
  if (!(q > 0 && q <= 1)) throw new Error(`quantile ${q} is not in (0, 1]`);
  const observed = h?.buckets.at(-1)?.count ?? 0;
  if (!h || observed <= 0) return null;
  // The rank of the observation holding the quantile (nearest rank, 1-based), proof against a product like 57.99…9.
  const rank = Math.max(1, Math.ceil(q * observed - 1e-9));
  return h.buckets.find((b) => b.count >= rank)?.le ?? Infinity;
}
