import { context, trace, type Span } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { registerInstrumentations } from '@opentelemetry/instrumentation';
import { UndiciInstrumentation } from '@opentelemetry/instrumentation-undici';
import { Resource } from '@opentelemetry/resources';
import { BatchSpanProcessor, NodeTracerProvider, type SpanProcessor } from '@opentelemetry/sdk-trace-node';

/**
 * OpenTelemetry for one process: spans from the HTTP request (api/tracing.ts) through the Temporal client, the
 * workflow (interceptors inside the bundle, exported through a worker sink) and the activities, to every outgoing
 * fetch (undici's diagnostics channels, so every HTTP client in activities/ is covered without touching it).
 * Spans leave by OTLP/HTTP when OTEL_EXPORTER_OTLP_ENDPOINT is set (the exporter reads the standard OTEL_*
 * variables itself); without it they are still made, so that log lines carry a trace id that ties the API's
 * lines to the worker's.
 */
export interface Tracing {
  resource: Resource;
  /** Every processor of the provider: the worker's workflow-span sink feeds it too. */
  spanProcessor: SpanProcessor;
  shutdown(): Promise<void>;
}

export interface TracingOptions {
  serviceName: string;
  /** Extra processors (a test's in-memory exporter). */
  spanProcessors?: SpanProcessor[];
  env?: Record<string, string | undefined>;
}

let current: Tracing | null = null;

/** Installs the process-wide tracer provider once; later calls return the first one. */
export function startTracing(opts: TracingOptions): Tracing {
  if (current) return current;
  const env = opts.env ?? process.env;
  const resource = Resource.default().merge(
    new Resource({ 'service.name': env.OTEL_SERVICE_NAME || opts.serviceName }),
  );
  const processors = [...(opts.spanProcessors ?? [])];
  if (env.OTEL_EXPORTER_OTLP_ENDPOINT || env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT)
    processors.push(new BatchSpanProcessor(new OTLPTraceExporter()));
  const provider = new NodeTracerProvider({ resource, spanProcessors: processors });
  provider.register();
  const instrumentations = registerInstrumentations({
    instrumentations: [
      new UndiciInstrumentation({ ignoreRequestHook: (request) => request.path.startsWith('/metrics') }),
    ],
  });
  current = {
    resource,
    spanProcessor: provider.getActiveSpanProcessor(),
    async shutdown() {
      instrumentations();
      await provider.shutdown();
    },
  };
  return current;
}

/** For the logger's mixin: the active span's ids, so a line can be found from its trace and the reverse. */
export function traceLogFields(): { traceId?: string; spanId?: string } {
  const span: Span | undefined = trace.getSpan(context.active());
  if (!span) return {};
  const spanContext = span.spanContext();
  return trace.isSpanContextValid(spanContext) ? { traceId: spanContext.traceId, spanId: spanContext.spanId } : {};
}
