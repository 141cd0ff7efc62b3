import { pino, type Logger } from 'pino';

/** JSON logs in production; readable lines on a terminal during `npm start`. */
export function createLogger(level: string, name = 'dropship'): Logger {
  const pretty = process.stdout.isTTY && process.env.NODE_ENV !== 'production';
  return pino({
    name,
    level,
    ...(pretty ? { transport: { target: 'pino-pretty', options: { colorize: true, translateTime: 'HH:MM:ss', ignore: 'pid,hostname' } } } : {}),
  });
}
