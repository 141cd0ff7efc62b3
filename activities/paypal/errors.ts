/**
 * Every failure of the PayPal client is one of three kinds, so the activity around it can decide without
 * reading messages: retry (transient), stop and tell the merchant (declined), or stop and page an operator (config).
 * `name` is set on each class because Temporal reports an activity failure's type by the error's name.
 */

export interface PayPalErrorMeta {
  /** HTTP status PayPal answered with, when there was an answer. */
  status?: number;
  /** PayPal's debug_id: quote it to PayPal support to find the request. */
  debugId?: string;
  /** The input PayPal blamed (its first detail's `field`), e.g. /payment_source/paypal/vault_id. */
  field?: string;
  cause?: unknown;
}

export abstract class PayPalError extends Error {
  abstract readonly retryable: boolean;
  readonly status: number | undefined;
  readonly debugId: string | undefined;
  readonly field: string | undefined;

  constructor(message: string, meta: PayPalErrorMeta = {}) {
    super(message, meta.cause === undefined ? undefined : { cause: meta.cause });
    this.status = meta.status;
    this.debugId = meta.debugId;
    this.field = meta.field;
  }
}

/**
 * PayPal refused the payment for a business reason (HTTP 422): INSTRUMENT_DECLINED, PAYER_ACTION_REQUIRED,
 * PAYER_CANNOT_PAY, TRANSACTION_REFUSED, BILLING_AGREEMENT_NOT_FOUND, DUPLICATE_INVOICE_ID, REFUND_AMOUNT_EXCEEDED…
 * Also a saved PayPal account or a setup token PayPal no longer knows (INVALID_RESOURCE_ID), and a setup token
 * the payer has not approved or that was already used (PAYER_ACTION_REQUIRED, SETUP_TOKEN_ALREADY_TOKENIZED).
 * Retrying the same request gives the same answer; the merchant has to act.
 */
export class PayPalDeclined extends PayPalError {
  override readonly name = 'PayPalDeclined';
  readonly retryable = false;

  constructor(
    readonly issue: string,
    readonly description: string,
    meta: PayPalErrorMeta = {},
  ) {
    super(`PayPal refused the request (${issue}): ${description}`, meta);
  }
}

export type PayPalTransientKind = 'http_5xx' | 'network' | 'timeout' | 'rate_limited' | 'bad_response' | 'conflict';

/** Worth retrying with the same request key: PayPal was down, slow, busy, or answered something unreadable. */
export class PayPalTransientError extends PayPalError {
  override readonly name = 'PayPalTransientError';
  readonly retryable = true;
  /** From Retry-After, when PayPal sent one. */
  readonly retryAfterMs: number | undefined;

  constructor(
    readonly kind: PayPalTransientKind,
    message: string,
    meta: PayPalErrorMeta & { retryAfterMs?: number } = {},
  ) {
    super(message, meta);
    this.retryAfterMs = meta.retryAfterMs;
  }
}

/**
 * A bug or a misconfiguration: wrong credentials (401 even with a fresh token), a request PayPal calls
 * malformed (400), an unknown resource (404), or a request key reused for a different payment. Not retryable.
 */
export class PayPalConfigError extends PayPalError {
  override readonly name = 'PayPalConfigError';
  readonly retryable = false;
  /** PayPal's issue code or OAuth error, when it gave one. */
  readonly issue: string | undefined;

  constructor(message: string, meta: PayPalErrorMeta & { issue?: string } = {}) {
    super(message, meta);
    this.issue = meta.issue;
  }
}

/** Re-labels PayPal's 404 for an id the caller was handed (a vault id, a setup token) as the refusal it is. */
export function declinedFrom(error: PayPalConfigError, description: string): PayPalDeclined {
  return new PayPalDeclined(error.issue ?? 'INVALID_RESOURCE_ID', description, {
    status: error.status,
    debugId: error.debugId,
    field: error.field,
    cause: error,
  });
}
