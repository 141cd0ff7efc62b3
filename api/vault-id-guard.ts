import type { RequestHandler } from 'express';
import { HttpError } from './errors.js';

/** Where a key named like a PayPal vault id sits in a JSON body, if anywhere (depth-limited: bodies are small). */
function vaultIdPath(value: unknown, path: string[] = [], depth = 0): string | null {
  if (depth > 32 || value === null || typeof value !== 'object') return null;
  for (const [key, inner] of Object.entries(value)) {
    const here = [...path, key];
    if (/^vault[_-]?id$/i.test(key)) return here.join('.');
    const found = vaultIdPath(inner, here, depth + 1);
    if (found) return found;
  }
  return null;
}

/**
 * A PayPal vault id never comes from a client: whoever could send one could make the platform charge someone
 * else's PayPal. PayPal is linked only through PayPal's approval (POST /v1/settings/paypal/link). Any request body
 * naming one is refused with 422, on every route, whatever its schema would otherwise ignore.
 */
export const refuseClientVaultIds: RequestHandler = (req, _res, next) => {
  const path = vaultIdPath(req.body);
  if (path) {
    const message =
      'a PayPal vault id is never accepted from a client: link PayPal with POST /v1/settings/paypal/link and approve it at PayPal';
    throw new HttpError(422, 'VALIDATION_FAILED', `${path}: ${message}`, [{ path, message }]);
  }
  next();
};
