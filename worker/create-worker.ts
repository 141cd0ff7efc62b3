import {
  makeWorkflowExporter,
  OpenTelemetryActivityInboundInterceptor,
  OpenTelemetryActivityOutboundInterceptor,
} from '@temporalio/interceptors-opentelemetry';
import { Worker, type NativeConnection } from '@temporalio/worker';
import { Resource } from '@opentelemetry/resources';
import { NoopSpanProcessor, type SpanProcessor } from '@opentelemetry/sdk-trace-base';
import type { AllActivities } from '../activities/order-activities.js';
import { ActivityMetricsInterceptor } from './activity-metrics.js';
import { workflowPreloadModules, workflowSource } from './workflow-bundle.js';

/** Measured on the 2-core development machine: see notes (sticky timeout and workflow task timeout). */
export const STICKY_QUEUE_TIMEOUT = '2s';

export interface OrderWorkerOptions {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  activities: AllActivities;
  workflowBundlePath?: string;
  /** Refuse to start without a prebuilt bundle (production). */
  requirePrebuiltBundle?: boolean;
  identity?: string;
  maxCachedWorkflows?: number;
  /** Workflow tasks taken at once (app/config.ts WORKER_MAX_CONCURRENT_WORKFLOW_TASKS says why it is small). */
  maxConcurrentWorkflowTasks?: number;
  /** Where workflow spans go (through the `exporter` sink workflows/tracing.ts calls). */
  tracing?: { resource: Resource; spanProcessor: SpanProcessor };
  /** Told which workflow code the worker runs, and how long loading it took. */
  onLoaded?: (info: { source: string; ms: number }) => void;
}

export async function createOrderWorker(opts: OrderWorkerOptions): Promise<Worker> {
  const source = workflowSource({ bundlePath: opts.workflowBundlePath, requirePrebuilt: opts.requirePrebuiltBundle });
  const { description: _description, interceptorModules, ...code } = source;
  const started = Date.now();
  const worker = await Worker.create({
    connection: opts.connection,
    namespace: opts.namespace,
    taskQueue: opts.taskQueue,
    activities: opts.activities,
    ...code,
    // Only for bundling at start, like the interceptor modules below: a prebuilt bundle has them built in (the SDK
    // warns at every start when given both).
    ...('workflowsPath' in code ? { bundlerOptions: { preloadModules: workflowPreloadModules } } : {}),
    interceptors: {
      // Only used when bundling at start; a prebuilt bundle already contains them (worker/workflow-bundle.ts).
      workflowModules: interceptorModules,
      activity: [
        (ctx) => ({
          inbound: new OpenTelemetryActivityInboundInterceptor(ctx),
          outbound: new OpenTelemetryActivityOutboundInterceptor(ctx),
        }),
        (ctx) => ({ inbound: new ActivityMetricsInterceptor(ctx) }),
      ],
    },
    // The workflow interceptors export through this sink; without tracing the spans are dropped here.
    sinks: {
      exporter: makeWorkflowExporter(
        opts.tracing?.spanProcessor ?? new NoopSpanProcessor(),
        opts.tracing?.resource ?? Resource.empty(),
      ),
    },
    ...(opts.identity ? { identity: opts.identity } : {}),
    ...(opts.maxCachedWorkflows !== undefined ? { maxCachedWorkflows: opts.maxCachedWorkflows } : {}),
    ...(opts.maxConcurrentWorkflowTasks !== undefined
      ? { maxConcurrentWorkflowTaskExecutions: opts.maxConcurrentWorkflowTasks }
      : {}),
    // Finish in-flight activities on shutdown rather than abandoning them to a timeout.
    shutdownGraceTime: '10s',
    // An order's next task goes first to the worker that has it cached; if that worker died, the server gives the
    // task to any worker after this long (the default is 10 s, which an action waiting for its answer would feel).
    stickyQueueScheduleToStartTimeout: STICKY_QUEUE_TIMEOUT,
  });
  opts.onLoaded?.({ source: source.description, ms: Date.now() - started });
  return worker;
}
