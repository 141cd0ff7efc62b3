import type { Response } from 'express';
import { phpJsonEncode } from './php-json.js';

/**
 * How WordPress answers REST calls: JSON encoded by PHP, errors as `{code, message, data: {status}}`.
 * 401 without valid consumer credentials, 404 `woocommerce_rest_shop_order_invalid_id` for unknown orders and
 * `rest_no_route` for unknown paths, 400 `rest_invalid_param` / `rest_missing_callback_param` / `rest_invalid_json`
 * for bad input; 429 and 500 only when a fault is queued.
 */

export function sendWp(res: Response, status: number, body: unknown): void {
  res.status(status).type('application/json; charset=UTF-8').send(phpJsonEncode(body));
}

export function sendWpError(
  res: Response,
  status: number,
  code: string,
  message: string,
  extra: Record<string, unknown> = {},
): void {
  sendWp(res, status, { code, message, data: { status, ...extra } });
}

export function sendNoRoute(res: Response): void {
  sendWpError(res, 404, 'rest_no_route', 'No route was found matching the URL and request method.');
}
