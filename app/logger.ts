import { pino, type Logger } from 'pino';
import { traceLogFields } from './tracing.js';

/**
 * JSON lines by default (what log collectors read). `pretty` is for a person at a terminal: the development
 * runner asks for it, and pino-pretty is a development dependency, absent from the production image.
 */
export function createLogger(level: string, name = 'dropship', opts: { pretty?: boolean } = {}): Logger {
  return pino({
    name,
    level,
    // The active trace on every line: the API's request and the worker's activities share one trace id.
    mixin: traceLogFields,
    ...(opts.pretty ? { transport: { target: 'pino-pretty', options: { colorize: true, translateTime: 'HH:MM:ss', ignore: 'pid,hostname' } } } : {}),
  });
}
