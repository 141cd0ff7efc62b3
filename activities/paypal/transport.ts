import type { z } from 'zod';
import { parseJson, retryAfterMs } from '../http/answers.js';
import { exchange, HttpUnreachable, type FetchLike, type HttpAnswer } from '../http/exchange.js';
import { PayPalConfigError, PayPalDeclined, type PayPalError, PayPalTransientError } from './errors.js';
import { ErrorBodySchema, type ErrorBody } from './schemas.js';

export interface HttpRequest<T> {
  method: 'GET' | 'POST' | 'DELETE';
  path: string;
  headers: Record<string, string>;
  body?: string;
  schema: z.ZodType<T>;
}

/**
 * One HTTP exchange with PayPal, and the only place that turns what happened into the client's error kinds.
 * Each exchange gets its own timeout, covering the response body as well as the headers.
 */
export class PayPalTransport {
  constructor(
    private readonly baseUrl: string,
    private readonly timeoutMs: number,
    private readonly fetchImpl: FetchLike | undefined,
    private readonly now: () => number,
  ) {}

  async send<T>(request: HttpRequest<T>): Promise<T> {
    const operation = `${request.method} ${request.path}`;
    let response: HttpAnswer;
    try {
      response = await exchange(
        {
          service: 'PayPal',
          operation,
          method: request.method,
          url: `${this.baseUrl}${request.path}`,
          headers: request.headers,
          ...(request.body === undefined ? {} : { body: request.body }),
          timeoutMs: this.timeoutMs,
        },
        this.fetchImpl,
      );
    } catch (err) {
      if (!(err instanceof HttpUnreachable)) throw err;
      throw new PayPalTransientError(err.kind, err.message, { cause: err.cause });
    }

    const json = parseJson(response.text);
    if (response.status >= 200 && response.status < 300) {
      const parsed = request.schema.safeParse(json);
      if (parsed.success) return parsed.data;
      // A 2xx we cannot read may still have done its work; the retry replays it through the PayPal-Request-Id.
      throw new PayPalTransientError(
        'bad_response',
        `PayPal answered ${response.status} to ${operation} with an unexpected body`,
        {
          status: response.status,
          debugId: response.headers.get('paypal-debug-id') ?? undefined,
        },
      );
    }
    const body = ErrorBodySchema.safeParse(json);
    throw this.failure(operation, response, body.success ? body.data : undefined);
  }

  private failure(operation: string, response: HttpAnswer, body: ErrorBody | undefined): PayPalError {
    const status = response.status;
    const detail = body?.details?.[0];
    const issue = detail?.issue ?? body?.error ?? body?.name;
    const description = detail?.description ?? body?.error_description ?? body?.message ?? `HTTP ${status}`;
    const meta = {
      status,
      debugId: body?.debug_id ?? response.headers.get('paypal-debug-id') ?? undefined,
      ...(detail?.field ? { field: detail.field } : {}),
    };
    const summary = `PayPal answered ${status}${issue ? ` ${issue}` : ''} to ${operation}: ${description}`;

    if (status === 422) return new PayPalDeclined(issue ?? 'UNPROCESSABLE_ENTITY', description, meta);
    if (status === 429)
      return new PayPalTransientError('rate_limited', summary, { ...meta, ...this.retryAfter(response) });
    if (status >= 500) return new PayPalTransientError('http_5xx', summary, { ...meta, ...this.retryAfter(response) });
    if (status === 408) return new PayPalTransientError('timeout', summary, meta);
    // 409: another request with the same PayPal-Request-Id is still being worked on; asking again later is safe.
    if (status === 409) return new PayPalTransientError('conflict', summary, meta);
    if (status >= 400) return new PayPalConfigError(summary, { ...meta, ...(issue ? { issue } : {}) });
    return new PayPalTransientError('bad_response', summary, meta);
  }

  private retryAfter(response: HttpAnswer): { retryAfterMs?: number } {
    const ms = retryAfterMs(response.headers, this.now);
    return ms === null ? {} : { retryAfterMs: ms };
  }
}
