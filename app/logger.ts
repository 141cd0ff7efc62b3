import { pino, type DestinationStream, type Logger } from 'pino';
import { activityOrderIds } from '../worker/log-context.js';

/**
 * Secrets never reach a log line. Two nets:
 * - headers that carry credentials or signatures, by path, wherever a request or response is serialized;
 * - any field whose NAME says it holds a secret (apiKey, key, secret, token, password, signature…), at any depth of
 *   what the code logs — keys created by the API, shop credentials, PayPal tokens included.
 * Response bodies are never logged (pino-http logs status and headers only).
 */
const secretHeaders = ['authorization', 'proxy-authorization', 'cookie', 'set-cookie', 'x-shopify-hmac-sha256', 'x-wc-webhook-signature', 'x-api-key', 'paypal-auth-assertion'];
const redactPaths = ['req', 'res', '*.req', '*.res', 'err.config', 'err.request', 'err.response'].flatMap((at) =>
  secretHeaders.map((h) => `${at}.headers["${h}"]`),
);

const SECRET_FIELD = /^(key|keys|apikey|api[-_]key|authorization|cookie|password|passwd|pwd|vault[-_]?id)$|secret|token|password|signature|hmac|credential|private[-_]?key|consumer[-_]?key|api[-_]?key/i;
export const REDACTED = '[redacted]';

/** Copies plain objects and arrays with every secret-named field replaced; other values (errors, requests) as is. */
function redactFields(value: unknown, depth = 0): unknown {
  if (depth > 8 || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((v) => redactFields(v, depth + 1));
  const proto = Object.getPrototypeOf(value) as unknown;
  if (proto !== Object.prototype && proto !== null) return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = SECRET_FIELD.test(k) ? REDACTED : redactFields(v, depth + 1);
  return out;
}

export interface LoggerOptions {
  /** Human-readable, one line per event, for a person at a terminal (pino-pretty: a development dependency). */
  pretty?: boolean;
  /** Where JSON lines go (default stdout); tests pass a stream they read. */
  destination?: DestinationStream;
}

/**
 * JSON lines by default (what log collectors read). Every line written while an activity of an order runs carries
 * that order's `orderId` and `workflowId` (the mixin), whichever logger the activity's code uses.
 */
export function createLogger(level: string, name = 'dropship', opts: LoggerOptions = {}): Logger {
  const options = {
    name,
    level,
    redact: { paths: redactPaths, censor: REDACTED },
    formatters: { log: (object: Record<string, unknown>) => redactFields(object) as Record<string, unknown> },
    mixin: () => activityOrderIds(),
  };
  if (opts.pretty) {
    return pino({
      ...options,
      transport: { target: 'pino-pretty', options: { colorize: true, singleLine: true, translateTime: 'HH:MM:ss', ignore: 'pid,hostname' } },
    });
  }
  return opts.destination ? pino(options, opts.destination) : pino(options);
}
