import { describe, expect, it } from 'vitest';
import {
  bucketQuantile,
  hasMetric,
  histogram,
  histogramDelta,
  metricNames,
  parsePrometheus,
  total,
} from '../../scripts/bench/prometheus.js';

// A worker's /metrics as app/metrics-server.ts answers it: prom-client's registry, then the Temporal SDK's exporter
// (seconds, one label set per workflow type), shaped like a real scrape of worker-main.
const labels = (type: string): string =>
  `namespace="default",service_name="temporal-core-sdk",task_queue="orders",workflow_type="${type}"`;
const bounds = ['0.001', '0.01', '0.02', '0.05', '0.1', '0.2', '0.5', '1', '+Inf'];
const executionLatency = (type: string, counts: number[], sum: number): string =>
  [
    ...bounds.map(
      (le, i) => `temporal_workflow_task_execution_latency_bucket{${labels(type)},le="${le}"} ${counts[i]}`,
    ),
    `temporal_workflow_task_execution_latency_sum{${labels(type)}} ${sum}`,
    `temporal_workflow_task_execution_latency_count{${labels(type)}} ${counts.at(-1)}`,
  ].join('\n');

const scrape = (order: number[], catalog: number[], hits: number, misses: number | null): string => `
# HELP process_resident_memory_bytes Resident memory size in bytes.
# TYPE process_resident_memory_bytes gauge
process_resident_memory_bytes 283111424
# HELP nodejs_heap_space_size_used_bytes Process heap space size used from Node.js in bytes.
# TYPE nodejs_heap_space_size_used_bytes gauge
nodejs_heap_space_size_used_bytes{space="new"} 13777920
nodejs_heap_space_size_used_bytes{space="old"} 46056784
# HELP nodejs_eventloop_lag_mean_seconds The mean of the recorded event loop delays.
# TYPE nodejs_eventloop_lag_mean_seconds gauge
nodejs_eventloop_lag_mean_seconds Nan
# HELP dropship_supplier_calls_total Calls to the supplier
# TYPE dropship_supplier_calls_total counter
dropship_supplier_calls_total{operation="create order",outcome="ok",note="a \\"quoted\\" value, a back\\\\slash\\nand a newline"} 7
# HELP temporal_num_pollers Current number of active pollers per queue type
# TYPE temporal_num_pollers gauge
temporal_num_pollers{namespace="default",poller_type="workflow_task",service_name="temporal-core-sdk",task_queue="orders"} 1
# HELP temporal_sticky_cache_hit Count of times the workflow cache was used for a new workflow task
# TYPE temporal_sticky_cache_hit counter
temporal_sticky_cache_hit{${labels('catalogSyncWorkflow')}} 1
temporal_sticky_cache_hit{${labels('orderWorkflow')}} ${hits}
${misses === null ? '' : `temporal_sticky_cache_miss{${labels('orderWorkflow')}} ${misses}`}
# HELP temporal_workflow_task_execution_latency Histogram of workflow task execution (not replay) latencies
# TYPE temporal_workflow_task_execution_latency histogram
${executionLatency('catalogSyncWorkflow', catalog, 0.2)}
${executionLatency('orderWorkflow', order, 5.868213991)}
# HELP temporal_workflow_task_schedule_to_start_latency Histogram of workflow task schedule-to-start latencies
# TYPE temporal_workflow_task_schedule_to_start_latency histogram
temporal_workflow_task_schedule_to_start_latency_bucket{namespace="default",service_name="temporal-core-sdk",task_queue="orders",le="0.1"} 18
temporal_workflow_task_schedule_to_start_latency_bucket{namespace="default",service_name="temporal-core-sdk",task_queue="orders",le="0.5"} 20
temporal_workflow_task_schedule_to_start_latency_bucket{namespace="default",service_name="temporal-core-sdk",task_queue="orders",le="1"} 20
temporal_workflow_task_schedule_to_start_latency_bucket{namespace="default",service_name="temporal-core-sdk",task_queue="orders",le="5"} 22
temporal_workflow_task_schedule_to_start_latency_bucket{namespace="default",service_name="temporal-core-sdk",task_queue="orders",le="+Inf"} 22
temporal_workflow_task_schedule_to_start_latency_sum{namespace="default",service_name="temporal-core-sdk",task_queue="orders"} 4.384152683000001
temporal_workflow_task_schedule_to_start_latency_count{namespace="default",service_name="temporal-core-sdk",task_queue="orders"} 22
`;

//                 0.001 0.01 0.02 0.05  0.1  0.2  0.5    1  +Inf
const orderBefore = [0, 0, 2, 7, 13, 16, 17, 17, 20];
const orderAfter = [0, 0, 2, 57, 113, 216, 317, 318, 322];
const catalog = [0, 0, 0, 0, 0, 1, 1, 1, 1];
const before = parsePrometheus(scrape(orderBefore, catalog, 15, null));
const after = parsePrometheus(scrape(orderAfter, [0, 0, 1, 1, 1, 2, 2, 2, 2], 215, 4));

describe('Prometheus text (scripts/bench/prometheus.ts)', () => {
  it('reads samples with their labels, escapes and +Inf, skipping comments and blank lines', () => {
    const calls = after.find((s) => s.name === 'dropship_supplier_calls_total');
    expect(calls).toEqual({
      name: 'dropship_supplier_calls_total',
      labels: { operation: 'create order', outcome: 'ok', note: 'a "quoted" value, a back\\slash\nand a newline' },
      value: 7,
    });
    expect(after.find((s) => s.labels.le === '+Inf')?.value).toBe(2);
    // prom-client's spelling of a gauge it never set.
    expect(total(after, 'nodejs_eventloop_lag_mean_seconds')).toBeNaN();
    expect(total(after, 'process_resident_memory_bytes')).toBe(283111424);
    expect(total(after, 'nodejs_heap_space_size_used_bytes', { space: 'old' })).toBe(46056784);
    expect(metricNames(after)).toContain('temporal_workflow_task_execution_latency');
    expect(hasMetric(before, 'temporal_sticky_cache_miss')).toBe(false);
    expect(hasMetric(after, 'temporal_sticky_cache_miss')).toBe(true);
    expect(() => parsePrometheus('temporal_x{a="b" 1')).toThrow(/labels/);
    expect(() => parsePrometheus('temporal_x{a="b"} one')).toThrow(/value/);
  });

  it('sums a histogram over its label sets, bucket by bucket', () => {
    const h = histogram(after, 'temporal_workflow_task_execution_latency');
    expect(h?.buckets.map((b) => b.le)).toEqual([0.001, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, Infinity]);
    expect(h?.buckets.map((b) => b.count)).toEqual([0, 0, 3, 58, 114, 218, 319, 320, 324]);
    expect(h?.count).toBe(324);
    expect(h?.sum).toBeCloseTo(6.068213991, 9);
    expect(
      histogram(after, 'temporal_workflow_task_execution_latency', { workflow_type: 'orderWorkflow' })?.count,
    ).toBe(322);
    expect(histogram(after, 'temporal_workflow_task_replay_latency')).toBeNull();
  });

  it('gives the upper bound of the bucket holding each quantile of what two scrapes differ by', () => {
    const name = 'temporal_workflow_task_execution_latency';
    const phase = histogramDelta(histogram(after, name), histogram(before, name));
    // 303 tasks in the phase: 1 ≤ 20 ms, 50 more ≤ 50 ms, 50 ≤ 100 ms, 100 ≤ 200 ms, 100 ≤ 500 ms, 1 ≤ 1 s, 1 above.
    expect(phase?.buckets.map((b) => b.count)).toEqual([0, 0, 1, 51, 101, 201, 301, 302, 303]);
    expect(phase?.count).toBe(303);
    // p50: the 152nd of 303, in (100 ms, 200 ms]; p99: the 300th, in (200 ms, 500 ms]; p99.5: the 302nd, in
    // (500 ms, 1 s]; p99.9: the 303rd, above the largest finite bound.
    expect(bucketQuantile(phase, 0.5)).toBe(0.2);
    expect(bucketQuantile(phase, 0.99)).toBe(0.5);
    expect(bucketQuantile(phase, 0.995)).toBe(1);
    expect(bucketQuantile(phase, 0.999)).toBe(Infinity);
    expect(bucketQuantile(phase, 1)).toBe(Infinity);
    // The whole scrape, not the phase: its p99 (the 321st of 324) is above 1 s, where the phase's is not.
    const all = histogram(after, name);
    expect(bucketQuantile(all, 0.5)).toBe(0.2);
    expect(bucketQuantile(all, 0.99)).toBe(Infinity);
    // The first bucket holding the rank: the 58th of 324 is the last one ≤ 50 ms, the 59th is in the next bucket.
    expect(bucketQuantile(all, 58 / 324)).toBe(0.05);
    expect(bucketQuantile(all, 59 / 324)).toBe(0.1);
    const scheduleToStart = histogram(after, 'temporal_workflow_task_schedule_to_start_latency');
    expect(bucketQuantile(scheduleToStart, 0.5)).toBe(0.1);
    expect(bucketQuantile(scheduleToStart, 0.99)).toBe(5);
  });

  it('answers above the largest finite bound with Infinity, nothing observed with null', () => {
    const h = {
      buckets: [
        { le: 1, count: 1 },
        { le: Infinity, count: 100 },
      ],
      count: 100,
      sum: 500,
    };
    expect(bucketQuantile(h, 0.01)).toBe(1);
    expect(bucketQuantile(h, 0.5)).toBe(Infinity);
    const name = 'temporal_workflow_task_schedule_to_start_latency';
    expect(bucketQuantile(histogramDelta(histogram(after, name), histogram(after, name)), 0.99)).toBeNull();
    expect(bucketQuantile(null, 0.99)).toBeNull();
    expect(() => bucketQuantile(h, 99)).toThrow(/quantile/);
  });

  it('counts counters between scrapes, absent ones (exported from their first increment) as 0', () => {
    expect(total(after, 'temporal_sticky_cache_hit') - total(before, 'temporal_sticky_cache_hit')).toBe(200);
    expect(total(after, 'temporal_sticky_cache_miss') - total(before, 'temporal_sticky_cache_miss')).toBe(4);
    expect(total(after, 'temporal_workflow_task_execution_failed')).toBe(0);
  });
});
