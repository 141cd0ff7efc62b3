/**
 * How a supplier call failed, sorted by what the caller should do about it. The client never retries:
 * Temporal retries activities durably, and these classes (by `name`) tell it which failures are worth it.
 */

export abstract class SupplierError extends Error {
  /** Whether calling again unchanged may succeed. */
  abstract readonly retryable: boolean;
}

/** BigBuy refused the order for a business reason (ER003 stock, ER004 postcode, ...). */
export class SupplierRejection extends SupplierError {
  readonly retryable = false;
  constructor(
    readonly code: string,
    readonly info: string,
    readonly data: unknown,
    readonly httpStatus: number,
  ) {
    super(`Supplier refused (${code}): ${info}`);
    this.name = 'SupplierRejection';
  }
}

export interface FieldErrors {
  /** Dotted path of the field in the order form, e.g. `shippingAddress.address`; '' for the form itself. */
  path: string;
  messages: string[];
}

/** HTTP 400 "Validation Failed": some fields of the order form are invalid. */
export class SupplierValidationFailed extends SupplierError {
  readonly retryable = false;
  readonly httpStatus = 400;
  constructor(readonly fields: FieldErrors[]) {
    super(
      `Supplier rejected the order form: ${fields.map((f) => `${f.path || '(form)'}: ${f.messages.join(' ')}`).join('; ') || 'no details'}`,
    );
    this.name = 'SupplierValidationFailed';
  }
}

/** 401/403: the API key is wrong or lacks access. A configuration problem that retrying will not fix. */
export class SupplierAuthError extends SupplierError {
  readonly retryable = false;
  constructor(
    readonly httpStatus: number,
    detail: string,
  ) {
    super(`Supplier refused the API key (HTTP ${httpStatus}): ${detail}`);
    this.name = 'SupplierAuthError';
  }
}

export type TransientKind = 'http_5xx' | 'network' | 'timeout' | 'rate_limited' | 'error_body_200' | 'bad_response';

/** Worth retrying: the supplier was down, slow, rate limiting, or answered something unreadable. */
export class SupplierTransientError extends SupplierError {
  readonly retryable = true;
  readonly httpStatus: number | null;
  /** Set for `rate_limited`: how long the supplier asked us to wait (at least 1000 ms). */
  readonly retryAfterMs: number | null;

  constructor(
    readonly kind: TransientKind,
    message: string,
    options: { httpStatus?: number | undefined; retryAfterMs?: number | undefined; cause?: unknown } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'SupplierTransientError';
    this.httpStatus = options.httpStatus ?? null;
    this.retryAfterMs = options.retryAfterMs ?? null;
  }
}
