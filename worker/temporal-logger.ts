import { Runtime, type Logger as SdkLogger, type LogLevel, type LogMetadata } from '@temporalio/worker';
import type { Logger } from 'pino';
import { orderIds } from './log-context.js';

let installed = false;

/**
 * Routes the Temporal SDK's own logs (worker lifecycle, workflow `log.*` through the SDK's logger sink, activity
 * `log.*`) through the platform's pino logger. The SDK puts `workflowId` in the metadata of workflow and activity
 * lines; an order's lines also get its `orderId`.
 */
export function installTemporalLogger(logger: Logger): void {
  if (installed) return;
  installed = true;
  const child = logger.child({ component: 'temporal' });
  const write = (level: LogLevel, message: string, meta?: LogMetadata): void => {
    const method = level === 'TRACE' ? 'trace' : level === 'DEBUG' ? 'debug' : level === 'INFO' ? 'info' : level === 'WARN' ? 'warn' : 'error';
    child[method]({ ...meta, ...orderIds(meta?.workflowId) }, message);
  };
  const sdkLogger: SdkLogger = {
    log: write,
    trace: (m, meta) => write('TRACE', m, meta),
    debug: (m, meta) => write('DEBUG', m, meta),
    info: (m, meta) => write('INFO', m, meta),
    warn: (m, meta) => write('WARN', m, meta),
    error: (m, meta) => write('ERROR', m, meta),
  };
  Runtime.install({ logger: sdkLogger });
}
