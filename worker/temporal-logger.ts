import { Runtime, type Logger as SdkLogger, type LogLevel, type LogMetadata } from '@temporalio/worker';
import type { Logger } from 'pino';

let installed = false;

export interface TemporalTelemetryOptions {
  /** host:port where the SDK's Prometheus exporter listens (worker task latencies, schedule-to-start, sticky cache). */
  prometheusBindAddress?: string;
}

/**
 * The one Runtime.install of the process (the SDK allows one): routes the Temporal SDK's own logs (worker
 * lifecycle, workflow `log.*`) through the platform's pino logger and, when asked, turns on the SDK's Prometheus
 * exporter. The first call wins, so an entry point that wants metrics calls it before startPlatform does.
 */
export function installTemporalLogger(logger: Logger, telemetry: TemporalTelemetryOptions = {}): void {
  if (installed) return;
  installed = true;
  const child = logger.child({ component: 'temporal' });
  const write = (level: LogLevel, message: string, meta?: LogMetadata): void => {
    const method = level === 'TRACE' ? 'trace' : level === 'DEBUG' ? 'debug' : level === 'INFO' ? 'info' : level === 'WARN' ? 'warn' : 'error';
    child[method](meta ?? {}, message);
  };
  const sdkLogger: SdkLogger = {
    log: write,
    trace: (m, meta) => write('TRACE', m, meta),
    debug: (m, meta) => write('DEBUG', m, meta),
    info: (m, meta) => write('INFO', m, meta),
    warn: (m, meta) => write('WARN', m, meta),
    error: (m, meta) => write('ERROR', m, meta),
  };
  Runtime.install({
    logger: sdkLogger,
    ...(telemetry.prometheusBindAddress
      ? { telemetryOptions: { metrics: { prometheus: { bindAddress: telemetry.prometheusBindAddress, useSecondsForDurations: true } } } }
      : {}),
  });
}
