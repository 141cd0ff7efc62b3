import { InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { trace } from '@opentelemetry/api';
import { startTracing, traceLogFields, type Tracing } from '../../app/tracing.js';
import { waitFor } from '../../dev/http-client.js';
import { createMerchant, orderInput, waitForStatus } from '../support/fixtures.js';
import { startStack, type Stack } from '../support/stack.js';

/**
 * One order's trace, caught by an in-memory exporter: the API's server span, the Temporal client's start, the
 * workflow run (exported from inside the workflow sandbox through the worker's sink), every activity, and the
 * HTTP calls those activities make to the supplier — one trace id from the request to the supplier.
 */
const exporter = new InMemorySpanExporter();
let tracing: Tracing;
let stack: Stack;

beforeAll(async () => {
  tracing = startTracing({ serviceName: 'trace-test', spanProcessors: [new SimpleSpanProcessor(exporter)], env: {} });
  stack = await startStack({ tracing });
});

afterAll(async () => {
  await stack?.stop();
  await tracing?.shutdown();
});

function tree(spans: ReadableSpan[]): string[] {
  const children = new Map<string | undefined, ReadableSpan[]>();
  const ids = new Set(spans.map((s) => s.spanContext().spanId));
  for (const span of spans) {
    const parent = span.parentSpanId && ids.has(span.parentSpanId) ? span.parentSpanId : undefined;
    children.set(parent, [...(children.get(parent) ?? []), span]);
  }
  const lines: string[] = [];
  const walk = (parent: string | undefined, depth: number): void => {
    for (const span of (children.get(parent) ?? []).sort(
      (a, b) => a.startTime[0] - b.startTime[0] || a.startTime[1] - b.startTime[1],
    )) {
      const url = span.attributes['url.full'] ?? span.attributes['http.route'] ?? '';
      lines.push(
        `${'  '.repeat(depth)}${span.name}${url ? `  ${String(url)}` : ''}  [${span.resource.attributes['service.name'] ?? ''}]`,
      );
      walk(span.spanContext().spanId, depth + 1);
    }
  };
  walk(undefined, 0);
  return lines;
}

describe('tracing', () => {
  it('follows one order from the HTTP request through the workflow and its activities to the supplier', async () => {
    const m = await createMerchant(stack, { topUp: 10_000 });
    exporter.reset();
    const created = await stack.api.post('/v1/orders', orderInput(), { key: m.key });
    expect(created.status).toBe(201);
    const submitted = await waitForStatus(stack, m.key, created.body.id, 'SUBMITTED');
    // Shipped, the order's workflow completes, and its run span (the parent of every activity span) ends.
    await stack.supplier.post(`/_admin/orders/${submitted.supplierOrderId}/ship`, {
      trackingNumber: 'GLS-1',
      carrier: 'gls',
    });
    await waitForStatus(stack, m.key, created.body.id, 'SHIPPED');
    await waitFor('the workflow run span', async () => {
      await tracing.spanProcessor.forceFlush();
      return exporter.getFinishedSpans().some((s) => s.name === 'RunWorkflow:orderWorkflowV2');
    });

    const spans = exporter.getFinishedSpans();
    const request = spans.find((s) => s.name === 'POST /v1/orders');
    expect(request, 'the API request has a server span').toBeDefined();
    const traceId = request!.spanContext().traceId;
    const order = spans.filter((s) => s.spanContext().traceId === traceId);
    process.stderr.write(`\ntrace ${traceId} (${order.length} spans):\n${tree(order).join('\n')}\n\n`);

    const names = order.map((s) => s.name);
    expect(names).toContain('StartWorkflow:orderWorkflowV2');
    expect(names).toContain('RunWorkflow:orderWorkflowV2');
    // Every span of the order hangs from the request: nothing in the trace is an orphan.
    const ids = new Set(order.map((s) => s.spanContext().spanId));
    expect(
      order
        .filter((s) => s !== order.find((r) => !r.parentSpanId) && !ids.has(s.parentSpanId ?? ''))
        .map((s) => s.name),
    ).toEqual([]);
    for (const activity of ['quoteOrder', 'holdWalletFunds', 'submitOrder', 'captureWalletHold', 'pollTracking']) {
      expect(names, activity).toContain(`StartActivity:${activity}`);
      expect(names, activity).toContain(`RunActivity:${activity}`);
    }
    // The outgoing calls to the supplier, inside the activities that made them.
    const supplierCalls = order.filter((s) => String(s.attributes['url.full'] ?? '').startsWith(stack.supplierUrl));
    expect(supplierCalls.map((s) => new URL(String(s.attributes['url.full'])).pathname)).toEqual(
      expect.arrayContaining([
        '/rest/order/check.json',
        '/rest/order/create.json',
        `/rest/tracking/order/${submitted.supplierOrderId}.json`,
      ]),
    );
    const runActivities = new Map(
      order.filter((s) => s.name.startsWith('RunActivity:')).map((s) => [s.spanContext().spanId, s.name]),
    );
    for (const call of supplierCalls)
      expect(runActivities.get(call.parentSpanId ?? ''), `parent of ${String(call.attributes['url.full'])}`).toMatch(
        /^RunActivity:/,
      );
  });

  it('puts the active trace id on log lines (the logger mixin)', () => {
    const lines: string[] = [];
    // createLogger's mixin, on a logger that writes where the test can read.
    const logger = pino({ mixin: traceLogFields }, { write: (line: string) => void lines.push(line) });
    let ids = { traceId: '', spanId: '' };
    trace.getTracer('trace-test').startActiveSpan('log-line', (span) => {
      ids = { traceId: span.spanContext().traceId, spanId: span.spanContext().spanId };
      logger.info('inside a span');
      span.end();
    });
    logger.info('outside any span');
    expect(JSON.parse(lines[0]!)).toMatchObject(ids);
    expect(JSON.parse(lines[1]!)).not.toHaveProperty('traceId');
  });
});
