import { Runtime, type Logger as SdkLogger, type LogLevel, type LogMetadata } from '@temporalio/worker';
import type { Logger } from 'pino';
import { orderIds } from './log-context.js';

let installed = false;

/**
 * Some SDK lines name only the run (e.g. "Got workflow activation"): the workflow id is remembered from the lines
 * that name both, so that those lines too say which order they are about. Bounded: oldest runs are forgotten.
 */
const workflowOfRun = new Map<string, string>();
const REMEMBERED_RUNS = 10_000;

function withOrderIds(meta: LogMetadata | undefined): LogMetadata {
  const runId =
    typeof meta?.runId === 'string'
      ? meta.runId
      : typeof meta?.workflowRunId === 'string'
        ? meta.workflowRunId
        : undefined;
  // The first activation of a run carries its workflow id only inside its initializeWorkflow job.
  const jobs = Array.isArray(meta?.jobs) ? (meta.jobs as { initializeWorkflow?: { workflowId?: unknown } }[]) : [];
  const initialized = jobs.find((j) => typeof j.initializeWorkflow?.workflowId === 'string')?.initializeWorkflow
    ?.workflowId as string | undefined;
  let workflowId = typeof meta?.workflowId === 'string' ? meta.workflowId : initialized;
  if (runId && workflowId && !workflowOfRun.has(runId)) {
    workflowOfRun.set(runId, workflowId);
    if (workflowOfRun.size > REMEMBERED_RUNS) workflowOfRun.delete(workflowOfRun.keys().next().value as string);
  }
  workflowId ??= runId ? workflowOfRun.get(runId) : undefined;
  return { ...meta, ...orderIds(workflowId) };
}

export interface TemporalTelemetryOptions {
  /** host:port where the SDK's Prometheus exporter listens (worker task latencies, schedule-to-start, sticky cache). */
  prometheusBindAddress?: string;
}

/**
 * The one Runtime.install of the process (the SDK allows one). Routes the Temporal SDK's own logs (worker
 * lifecycle, workflow `log.*` through the SDK's logger sink, activity `log.*`) through the platform's pino logger
 * (the SDK puts `workflowId` in the metadata of workflow and activity lines; an order's lines also get its
 * `orderId`) and, when asked, turns on the SDK's Prometheus exporter. The first call wins, so an entry point that
 * wants metrics calls it before startPlatform does.
 */
export function installTemporalLogger(logger: Logger, telemetry: TemporalTelemetryOptions = {}): void {
  if (installed) return;
  installed = true;
  const child = logger.child({ component: 'temporal' });
  const write = (level: LogLevel, message: string, meta?: LogMetadata): void => {
    const method =
      level === 'TRACE'
        ? 'trace'
        : level === 'DEBUG'
          ? 'debug'
          : level === 'INFO'
            ? 'info'
            : level === 'WARN'
              ? 'warn'
              : 'error';
    child[method](withOrderIds(meta), message);
  };
  const sdkLogger: SdkLogger = {
    log: write,
    trace: (m, meta) => write('TRACE', m, meta),
    debug: (m, meta) => write('DEBUG', m, meta),
    info: (m, meta) => write('INFO', m, meta),
    warn: (m, meta) => write('WARN', m, meta),
    error: (m, meta) => write('ERROR', m, meta),
  };
  // The SDK's native core logs (connection retries, poller errors) go through the same logger instead of straight
  // to the console: one format, one redaction, one destination. Its Prometheus exporter, when asked for.
  Runtime.install({
    logger: sdkLogger,
    telemetryOptions: {
      logging: { filter: { core: 'WARN', other: 'ERROR' }, forward: {} },
      ...(telemetry.prometheusBindAddress
        ? { metrics: { prometheus: { bindAddress: telemetry.prometheusBindAddress, useSecondsForDurations: true } } }
        : {}),
    },
  });
}
