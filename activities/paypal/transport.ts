import type { z } from 'zod';
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
    private readonly fetchImpl: typeof fetch,
    private readonly now: () => number,
  ) {}

  async send<T>(request: HttpRequest<T>): Promise<T> {
    const operation = `${request.method} ${request.path}`;
    let response: Response;
    let text: string;
    try {
      response = await this.fetchImpl(`${this.baseUrl}${request.path}`, {
        method: request.method,
        headers: request.headers,
        ...(request.body === undefined ? {} : { body: request.body }),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
      text = await response.text();
    } catch (err) {
      if (isTimeout(err)) {
        throw new PayPalTransientError('timeout', `PayPal did not answer ${operation} within ${this.timeoutMs} ms`, { cause: err });
      }
      throw new PayPalTransientError('network', `Could not reach PayPal for ${operation}: ${message(err)}`, { cause: err });
    }

    const json = parseJson(text);
    if (response.ok) {
      const parsed = request.schema.safeParse(json);
      if (parsed.success) return parsed.data;
      // A 2xx we cannot read may still have done its work; the retry replays it through the PayPal-Request-Id.
      throw new PayPalTransientError('bad_response', `PayPal answered ${response.status} to ${operation} with an unexpected body`, {
        status: response.status,
        debugId: response.headers.get('paypal-debug-id') ?? undefined,
      });
    }
    const body = ErrorBodySchema.safeParse(json);
    throw this.failure(operation, response, body.success ? body.data : undefined);
  }

  private failure(operation: string, response: Response, body: ErrorBody | undefined): PayPalError {
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
    if (status === 429) return new PayPalTransientError('rate_limited', summary, { ...meta, ...this.retryAfter(response) });
    if (status >= 500) return new PayPalTransientError('http_5xx', summary, { ...meta, ...this.retryAfter(response) });
    if (status === 408) return new PayPalTransientError('timeout', summary, meta);
    // 409: another request with the same PayPal-Request-Id is still being worked on; asking again later is safe.
    if (status === 409) return new PayPalTransientError('conflict', summary, meta);
    if (status >= 400) return new PayPalConfigError(summary, { ...meta, ...(issue ? { issue } : {}) });
    return new PayPalTransientError('bad_response', summary, meta);
  }

  private retryAfter(response: Response): { retryAfterMs?: number } {
    const header = response.headers.get('retry-after')?.trim();
    if (!header) return {};
    if (/^\d+$/.test(header)) return { retryAfterMs: Number(header) * 1000 };
    const at = Date.parse(header);
    return Number.isNaN(at) ? {} : { retryAfterMs: Math.max(0, at - this.now()) };
  }
}

function isTimeout(err: unknown): boolean {
  return err instanceof Error && (err.name === 'TimeoutError' || err.name === 'AbortError');
}

function message(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  // undici hides the socket error (ECONNREFUSED, ECONNRESET…) in `cause`.
  const cause = err.cause instanceof Error ? `: ${err.cause.message}` : '';
  return `${err.message}${cause}`;
}

function parseJson(text: string): unknown {
  if (text === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
