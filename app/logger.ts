import { pino, type Logger } from 'pino';

/**
 * JSON lines by default (what log collectors read). `pretty` is for a person at a terminal: the development
 * runner asks for it, and pino-pretty is a development dependency, absent from the production image.
 */
export function createLogger(level: string, name = 'dropship', opts: { pretty?: boolean } = {}): Logger {
  return pino({
    name,
    level,
    ...(opts.pretty ? { transport: { target: 'pino-pretty', options: { colorize: true, translateTime: 'HH:MM:ss', ignore: 'pid,hostname' } } } : {}),
  });
}
