import type { ErrorRequestHandler, RequestHandler } from 'express';
import type { Logger } from 'pino';
import type { z } from 'zod';

/** Every error leaves as `{"error": {"code", "message", "details"?}}` with the status the contract names. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown[],
  ) {
    super(message);
  }
}

export const notFound = (what = 'Order'): HttpError => new HttpError(404, 'NOT_FOUND', `${what} not found`);

export function validationFailed(issues: z.core.$ZodIssue[], prefix: (string | number)[] = []): HttpError {
  const details = issues.map((i) => ({ path: [...prefix, ...i.path].map(String).join('.'), message: i.message }));
  const first = details[0];
  return new HttpError(422, 'VALIDATION_FAILED', first ? `${first.path || 'body'}: ${first.message}` : 'Invalid request', details);
}

export function errorBody(code: string, message: string, details?: unknown[]): { error: { code: string; message: string; details?: unknown[] } } {
  return { error: { code, message, ...(details ? { details } : {}) } };
}

export const unknownRoute: RequestHandler = (req, res) => {
  res.status(404).json(errorBody('NOT_FOUND', `No route ${req.method} ${req.path}`));
};

/** Maps body-parser failures and our HttpErrors; anything else is our bug: logged, and a bare 500. */
export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (err: unknown, req, res, _next) => {
    if (res.headersSent) return;
    if (err instanceof HttpError) {
      res.status(err.status).json(errorBody(err.code, err.message, err.details));
      return;
    }
    const type = (err as { type?: string }).type;
    if (type === 'entity.parse.failed') {
      res.status(400).json(errorBody('BAD_JSON', `The body is not valid JSON: ${(err as Error).message}`));
      return;
    }
    if (type === 'entity.too.large') {
      res.status(413).json(errorBody('PAYLOAD_TOO_LARGE', `The body is larger than the ${(err as { limit?: number }).limit ?? ''} byte limit`));
      return;
    }
    if (type === 'encoding.unsupported' || type === 'charset.unsupported') {
      res.status(415).json(errorBody('UNSUPPORTED_MEDIA_TYPE', (err as Error).message));
      return;
    }
    const status = (err as { status?: number }).status;
    if (typeof status === 'number' && status >= 400 && status < 500) {
      res.status(status).json(errorBody('BAD_REQUEST', (err as Error).message));
      return;
    }
    logger.error({ err, method: req.method, path: req.path }, 'unhandled error');
    res.status(500).json(errorBody('INTERNAL', 'Something went wrong on our side; it has been logged'));
  };
}
