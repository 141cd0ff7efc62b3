import type { Request, Response } from 'express';
import { invalidRequest } from './errors.js';
import { RequestIdSchema, validate } from './schemas.js';
import type { PayPalState, StoredReply } from './state.js';

/** A handler either produces a success to send (and remember for its request id) or has already sent an error. */
export type Outcome = StoredReply | undefined;

export interface IdempotencyOptions {
  /** Payment Method Tokens v3 makes PayPal-Request-Id mandatory on its POSTs. */
  required?: boolean;
  /** Payment Method Tokens v3 answers a replay 200 where the first answer was 201; Orders v2 repeats its status. */
  replayStatus?: number;
}

/** `Prefer: return=minimal` trims a response to id, status and links, as PayPal does. */
export function shaped(req: Request, status: number, body: Record<string, unknown>): StoredReply {
  if (!/return=minimal/i.test(req.get('prefer') ?? '')) return { status, body };
  return { status, body: { id: body['id'], status: body['status'], links: body['links'] } };
}

/**
 * PayPal-Request-Id: the first success under an id is stored and replayed for the same id and resource,
 * without doing anything again. Refusals are not stored, since they changed nothing and may succeed later
 * (e.g. once a declined PayPal account is fixed, or the payer approved a setup token).
 */
export function idempotent(
  state: PayPalState,
  scope: string,
  req: Request,
  res: Response,
  handle: () => Outcome,
  opts: IdempotencyOptions = {},
): void {
  const header = req.get('paypal-request-id');
  if (opts.required && header === undefined) {
    invalidRequest(res, [
      {
        field: 'PayPal-Request-Id',
        location: 'header',
        issue: 'MISSING_REQUIRED_PARAMETER',
        description: 'A PayPal-Request-Id header is required.',
      },
    ]);
    return;
  }
  const requestId = validate(RequestIdSchema, header, 'header');
  if (!requestId.ok) {
    invalidRequest(
      res,
      requestId.details.map((d) => ({ ...d, field: 'PayPal-Request-Id' })),
    );
    return;
  }
  const key = requestId.data === undefined ? undefined : `${scope}|${requestId.data}`;
  const stored = key === undefined ? undefined : state.replies.get(key);
  if (stored) {
    res.status(opts.replayStatus ?? stored.status).json(stored.body);
    return;
  }
  const outcome = handle();
  if (!outcome) return;
  if (key !== undefined) state.replies.set(key, outcome);
  res.status(outcome.status).json(outcome.body);
}

export function param(req: Request, name: string): string {
  const value: unknown = req.params[name];
  return typeof value === 'string' ? value : '';
}
