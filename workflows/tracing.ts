import { defaultPayloadConverter, type Headers } from '@temporalio/common';
import { ContinueAsNew, proxySinks, workflowInfo, type Sinks, type WorkflowInterceptors } from '@temporalio/workflow';

/**
 * The workflow side of tracing, without the OpenTelemetry SDK in the sandbox. The SDK's own workflow interceptors
 * load OpenTelemetry into every cached workflow (most of an open order's memory, docs/capacity.md); these write the
 * same few spans by hand: `RunWorkflow:<type>` under the caller's span (the API request that started the order),
 * and `StartActivity:<name>` / `StartChildWorkflow:<type>` / `SignalExternalWorkflow:<name>` under it, whose ids
 * go to the activity or child in the same `_tracer-data` header the OpenTelemetry activity interceptors read. The
 * worker turns them into real spans through the `exporter` sink (worker/create-worker.ts). Span ids come from the
 * workflow's seeded Math.random and times from workflow time, so a replay rebuilds the same spans; sinks are not
 * called while replaying, so nothing is exported twice. No command changes: the header is not part of determinism.
 */
const TRACE_HEADER = '_tracer-data';
const INTERNAL = 0; // SpanKind.INTERNAL
const OK = 1; // SpanStatusCode.OK
const ERROR = 2; // SpanStatusCode.ERROR

/** A finished span as the worker's `makeWorkflowExporter` sink takes it (its `SerializableSpan`). */
interface ExportedSpan {
  name: string;
  kind: number;
  spanContext: { traceId: string; spanId: string; traceFlags: number };
  parentSpanId: string;
  startTime: [number, number];
  endTime: [number, number];
  duration: [number, number];
  status: { code: number; message?: string };
  attributes: Record<string, string>;
  links: [];
  events: [];
  ended: true;
  droppedAttributesCount: 0;
  droppedLinksCount: 0;
  droppedEventsCount: 0;
  instrumentationLibrary: { name: string };
}

interface TracingSinks extends Sinks {
  exporter: { export(spans: ExportedSpan[]): void };
}

interface SpanParent {
  traceId: string;
  spanId: string;
  traceFlags: number;
}

/** The W3C `traceparent` the OpenTelemetry client and activity interceptors carry in the header. */
function parentFrom(headers: Headers): SpanParent | undefined {
  const payload = headers[TRACE_HEADER];
  if (!payload) return undefined;
  const carrier = defaultPayloadConverter.fromPayload<Record<string, string> | null>(payload);
  const match = /^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/.exec(carrier?.traceparent ?? '');
  return match ? { traceId: match[1]!, spanId: match[2]!, traceFlags: parseInt(match[3]!, 16) } : undefined;
}

const hex = (chars: number): string =>
  Array.from({ length: chars }, () => Math.floor(Math.random() * 16).toString(16)).join('');
const hrTime = (ms: number): [number, number] => [Math.floor(ms / 1000), (ms % 1000) * 1_000_000];

class WorkflowSpan {
  readonly spanId = hex(16);
  private readonly start = Date.now();

  constructor(
    readonly name: string,
    readonly parent: SpanParent,
    private readonly attributes: Record<string, string> = {},
  ) {}

  /** The header that makes the callee's spans children of this one. */
  headers(headers: Headers): Headers {
    const flags = this.parent.traceFlags.toString(16).padStart(2, '0');
    const traceparent = `00-${this.parent.traceId}-${this.spanId}-${flags}`;
    return { ...headers, [TRACE_HEADER]: defaultPayloadConverter.toPayload({ traceparent }) };
  }

  end(error?: unknown): void {
    const end = Date.now();
    const span: ExportedSpan = {
      name: this.name,
      kind: INTERNAL,
      spanContext: { traceId: this.parent.traceId, spanId: this.spanId, traceFlags: this.parent.traceFlags },
      parentSpanId: this.parent.spanId,
      startTime: hrTime(this.start),
      endTime: hrTime(end),
      duration: hrTime(end - this.start),
      status: error === undefined ? { code: OK } : { code: ERROR, message: String(error) },
      attributes: this.attributes,
      links: [],
      events: [],
      ended: true,
      droppedAttributesCount: 0,
      droppedLinksCount: 0,
      droppedEventsCount: 0,
      instrumentationLibrary: { name: 'dropship-workflows' },
    };
    proxySinks<TracingSinks>().exporter.export([span]);
  }

  /** Runs fn as a child span of this one, handing fn the header to send. */
  async child<T>(name: string, headers: Headers, fn: (headers: Headers) => Promise<T>): Promise<T> {
    const child = new WorkflowSpan(name, { ...this.parent, spanId: this.spanId });
    try {
      const result = await fn(child.headers(headers));
      child.end();
      return result;
    } catch (error) {
      child.end(error);
      throw error;
    }
  }
}

export const interceptors = (): WorkflowInterceptors => {
  let run: WorkflowSpan | undefined;
  const traced = <T>(name: string, headers: Headers, fn: (headers: Headers) => Promise<T>): Promise<T> =>
    run ? run.child(name, headers, fn) : fn(headers);
  return {
    inbound: [
      {
        async execute(input, next) {
          const parent = parentFrom(input.headers);
          if (!parent) return next(input);
          const info = workflowInfo();
          run = new WorkflowSpan(`RunWorkflow:${info.workflowType}`, parent, {
            temporalWorkflowId: info.workflowId,
            run_id: info.runId,
          });
          try {
            const result = await next(input);
            run.end();
            return result;
          } catch (error) {
            // Continuing as new is how a long order carries on, not a failure of its run.
            run.end(error instanceof ContinueAsNew ? undefined : error);
            throw error;
          }
        },
      },
    ],
    outbound: [
      {
        scheduleActivity: (input, next) =>
          traced(`StartActivity:${input.activityType}`, input.headers, (headers) => next({ ...input, headers })),
        scheduleLocalActivity: (input, next) =>
          traced(`StartActivity:${input.activityType}`, input.headers, (headers) => next({ ...input, headers })),
        startChildWorkflowExecution: (input, next) =>
          traced(`StartChildWorkflow:${input.workflowType}`, input.headers, (headers) => next({ ...input, headers })),
        signalWorkflow: (input, next) =>
          traced(`SignalExternalWorkflow:${input.signalName}`, input.headers, (headers) => next({ ...input, headers })),
        continueAsNew: (input, next) => next({ ...input, headers: run ? run.headers(input.headers) : input.headers }),
      },
    ],
  };
};
