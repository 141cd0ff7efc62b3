import type { Response } from 'express';
import { debugId } from './ids.js';

/** One entry of PayPal's `details` array: which input was wrong and the machine-readable issue. */
export interface IssueDetail {
  field?: string;
  value?: string;
  location?: 'body' | 'path' | 'header' | 'query';
  issue: string;
  description: string;
}

const docs = 'https://developer.paypal.com/api/rest/reference/orders/v2/errors/';

/** Sends an error in the body shape PayPal's v2 APIs use, so clients parse the simulator like the real thing. */
export function sendError(res: Response, status: number, name: string, message: string, details?: IssueDetail[]): void {
  const firstIssue = details?.[0]?.issue;
  const id = debugId();
  // PayPal repeats the debug id in a header, readable even when the body is not.
  res.setHeader('PayPal-Debug-Id', id);
  res.status(status).json({
    name,
    ...(details ? { details } : {}),
    message,
    debug_id: id,
    links: [{ href: firstIssue ? `${docs}#${firstIssue}` : docs, rel: 'information_link', method: 'GET' }],
  });
}

export function invalidRequest(res: Response, details: IssueDetail[]): void {
  sendError(res, 400, 'INVALID_REQUEST', 'The request is malformed or breaks the API schema.', details);
}

/** 422: the request was well formed but PayPal refuses it for a business reason (a decline, a duplicate, a limit). */
export function unprocessable(res: Response, issue: string, description: string, field?: string): void {
  sendError(res, 422, 'UNPROCESSABLE_ENTITY', 'The action was refused by a business rule.', [
    { ...(field ? { field, location: 'body' as const } : {}), issue, description },
  ]);
}

/** 404 INVALID_RESOURCE_ID for `what` (e.g. order_id); `at` names where the id was given, the URL path by default. */
export function resourceNotFound(
  res: Response,
  what: string,
  value: string,
  at: { field: string; location: IssueDetail['location'] } = { field: what, location: 'path' },
): void {
  sendError(res, 404, 'RESOURCE_NOT_FOUND', 'No resource exists under this id.', [
    { ...at, value, issue: 'INVALID_RESOURCE_ID', description: `No ${what} ${value} exists for this account.` },
  ]);
}

export function authenticationFailure(res: Response): void {
  sendError(
    res,
    401,
    'AUTHENTICATION_FAILURE',
    'The Authorization header is missing, or its access token is unknown or expired.',
  );
}
