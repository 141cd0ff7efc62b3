import { randomBytes } from 'node:crypto';

const alphabet = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ';

/** PayPal resource ids look like "5O190127TN364715T": 17 upper-case alphanumerics. */
export function resourceId(length = 17): string {
  const bytes = randomBytes(length);
  let id = '';
  for (const byte of bytes) id += alphabet[byte % alphabet.length];
  return id;
}

/** Every PayPal error carries a debug_id that support uses to find the request. */
export function debugId(): string {
  return randomBytes(7).toString('hex').slice(0, 13);
}

export function accessToken(): string {
  return `A21AA${randomBytes(48).toString('base64url')}`;
}
