import { createRequire } from 'node:module';
import { pino, type DestinationStream, type Logger } from 'pino';
import type PinoPretty from 'pino-pretty';
import { salesChannels } from '../channels/registry.js';
import type { SalesChannel } from '../channels/sales-channel.js';
import { activityOrderIds } from '../worker/log-context.js';
import { traceLogFields } from './tracing.js';

/**
 * Secrets never reach a log line. Two nets:
 * - headers that carry credentials or signatures (the sales channels' from their registry), by path, wherever a
 *   request or response is serialized;
 * - any field whose NAME says it holds a secret (apiKey, key, secret, token, password, signature…), at any depth of
 *   what the code logs — keys created by the API, shop credentials, PayPal tokens included.
 * Response bodies are never logged (pino-http logs status and headers only).
 */
const credentialHeaders = [
  'authorization',
  'proxy-authorization',
  'cookie',
  'set-cookie',
  'x-api-key',
  'paypal-auth-assertion',
];

/** Where secret headers sit in what is logged: the credential headers and each sales channel's webhook signature. */
function redactPaths(channels: readonly Pick<SalesChannel, 'webhook'>[]): string[] {
  const headers = [...credentialHeaders, ...channels.map((c) => c.webhook.signatureHeader.toLowerCase())];
  return ['req', 'res', '*.req', '*.res', 'err.config', 'err.request', 'err.response'].flatMap((at) =>
    headers.map((h) => `${at}.headers["${h}"]`),
  );
}

const SECRET_FIELD =
  /^(key|keys|apikey|api[-_]key|authorization|cookie|password|passwd|pwd|vault[-_]?id)$|secret|token|password|signature|hmac|credential|private[-_]?key|consumer[-_]?key|api[-_]?key/i;
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
  /** Whose webhook signature headers are redacted: the registered sales channels (a test passes others). */
  channels?: readonly Pick<SalesChannel, 'webhook'>[];
}

/**
 * JSON lines by default (what log collectors read). Every line written while an activity of an order runs carries
 * that order's `orderId` and `workflowId` (the mixin), whichever logger the activity's code uses; every line written
 * inside a span carries its `traceId` and `spanId`.
 */
export function createLogger(level: string, name = 'dropship', opts: LoggerOptions = {}): Logger {
  const options = {
    name,
    level,
    redact: { paths: redactPaths(opts.channels ?? salesChannels), censor: REDACTED },
    formatters: { log: (object: Record<string, unknown>) => redactFields(object) as Record<string, unknown> },
    // The order an activity works for, and the active trace: the API's request and the worker's activities share one trace id.
    mixin: () => ({ ...activityOrderIds(), ...traceLogFields() }),
  };
  if (opts.pretty) return pino(options, prettyStream());
  return opts.destination ? pino(options, opts.destination) : pino(options);
}

/** A request line as a person reads it: `GET /v1/orders/ord_… 200 (12 ms)`. */
function requestSummary(log: Record<string, unknown>): string {
  const req = log.req as { method?: string; url?: string } | undefined;
  const res = log.res as { statusCode?: number } | undefined;
  if (!req?.method) return '';
  const time = typeof log.responseTime === 'number' ? ` (${log.responseTime} ms)` : '';
  return `${req.method} ${req.url ?? ''} ${res?.statusCode ?? ''}${time} `;
}

/**
 * One line per event for a terminal: requests summarised, an error reduced to its message, multi-line messages
 * (the workflow bundler's report) folded, the remaining fields on the same line. pino-pretty is a development
 * dependency, loaded only when asked for (the production image does not have it).
 */
function prettyStream(): DestinationStream {
  const pretty = createRequire(import.meta.url)('pino-pretty') as typeof PinoPretty;
  return pretty({
    colorize: true,
    singleLine: true,
    translateTime: 'HH:MM:ss',
    ignore: 'pid,hostname,req,res,err,responseTime',
    messageFormat: (log, messageKey) => {
      const err = log.err as { message?: string } | undefined;
      const message = `${requestSummary(log)}${String(log[messageKey] ?? '')}${err?.message ? ` — ${err.message}` : ''}`;
      return message.replace(/\s*\n\s*/g, ' ⏎ ');
    },
  });
}
