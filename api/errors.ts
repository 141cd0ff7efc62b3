import type { ErrorRequestHandler, RequestHandler } from 'express';
import type { Logger } from 'pino';
import type { z } from 'zod';
import { OUTAGE_RETRY_AFTER_SECONDS, unavailableDependency } from './outage.js';

/** Every error leaves as `{"error": {"code", "message", "details"?}}` with the status the contract names. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown[],
    /** Seconds, sent as Retry-After (429, 503). */
    readonly retryAfter?: number,
  ) {
    super(message);
  }
}

export const notFound = (what = 'Order'): HttpError => new HttpError(404, 'NOT_FOUND', `${what} not found`);

export function validationFailed(issues: z.core.$ZodIssue[], prefix: (string | number)[] = []): HttpError {
  const details = issues.map((i) => ({ path: [...prefix, ...i.path].map(String).join('.'), message: i.message }));
  const first = details[0];
  return new HttpError(
    422,
    'VALIDATION_FAILED',
    first ? `${first.path || 'body'}: ${first.message}` : 'Invalid request',
    details,
  );
}

export function errorBody(
  code: string,
  message: string,
  details?: unknown[],
): { error: { code: string; message: string; details?: unknown[] } } {
  return { error: { code, message, ...(details ? { details } : {}) } };
}

export const unknownRoute: RequestHandler = (req, res) => {
  res.status(404).json(errorBody('NOT_FOUND', `No route ${req.method} ${req.path}`));
};

/**
 * The last handler of the app: every error leaves as JSON, never as Express's HTML page. Maps body-parser failures
 * and our HttpErrors; an unreachable PostgreSQL or Temporal is an outage (503 + Retry-After); anything else is
 * our bug: logged, and a bare 500.
 */
export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (err: unknown, req, res, _next) => {
    if (res.headersSent) {
      // Too late for an answer: make sure the client is not left waiting for the rest of one.
      if (!res.writableEnded) res.destroy();
      return;
    }
    try {
      const { status, body, retryAfter } = toAnswer(err);
      if (status >= 500) {
        const dependency = unavailableDependency(err);
        if (dependency) logger.warn({ err, method: req.method, path: req.path, dependency }, 'dependency unavailable');
        else logger.error({ err, method: req.method, path: req.path }, 'unhandled error');
      }
      // Every 503 says when to come back, whoever raised it.
      const wait = retryAfter ?? (status === 503 ? OUTAGE_RETRY_AFTER_SECONDS : undefined);
      if (wait !== undefined) res.set('Retry-After', String(wait));
      res.status(status).json(body);
    } catch (failure) {
      // Even the answer failed (e.g. a response hook threw): still JSON, written by hand.
      logger.error({ err: failure }, 'error handler failed');
      if (!res.headersSent) {
        res.statusCode = 500;
        res.setHeader('content-type', 'application/json; charset=utf-8');
      }
      res.end(JSON.stringify(errorBody('INTERNAL', 'Something went wrong on our side; it has been logged')));
    }
  };
}

type Answer = { status: number; body: ReturnType<typeof errorBody>; retryAfter?: number };

function toAnswer(err: unknown): Answer {
  if (err instanceof HttpError) {
    return {
      status: err.status,
      body: errorBody(err.code, err.message, err.details),
      ...(err.retryAfter !== undefined ? { retryAfter: err.retryAfter } : {}),
    };
  }
  const type = (err as { type?: string } | null)?.type;
  const message = err instanceof Error ? err.message : String(err);
  if (type === 'entity.parse.failed')
    return { status: 400, body: errorBody('BAD_JSON', `The body is not valid JSON: ${message}`) };
  if (type === 'entity.too.large') {
    return {
      status: 413,
      body: errorBody(
        'PAYLOAD_TOO_LARGE',
        `The body is larger than the ${(err as { limit?: number }).limit ?? ''} byte limit`,
      ),
    };
  }
  if (type === 'encoding.unsupported' || type === 'charset.unsupported')
    return { status: 415, body: errorBody('UNSUPPORTED_MEDIA_TYPE', message) };
  const dependency = unavailableDependency(err);
  if (dependency) {
    const what = dependency === 'postgres' ? 'The database' : 'The workflow service (Temporal)';
    return {
      status: 503,
      body: errorBody(
        'TEMPORARILY_UNAVAILABLE',
        `${what} is unreachable right now; try again shortly (a create with the same Idempotency-Key)`,
      ),
      retryAfter: OUTAGE_RETRY_AFTER_SECONDS,
    };
  }
  const status = (err as { status?: number } | null)?.status;
  if (typeof status === 'number' && status >= 400 && status < 500)
    return { status, body: errorBody('BAD_REQUEST', message) };
  return { status: 500, body: errorBody('INTERNAL', 'Something went wrong on our side; it has been logged') };
}
