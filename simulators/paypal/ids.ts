import { randomBytes } from 'node:crypto';

const upperAlphanumerics = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ';
const lowerAlphanumerics = '0123456789abcdefghijklmnopqrstuvwxyz';
const mixedAlphanumerics = `${upperAlphanumerics}abcdefghijklmnopqrstuvwxyz`;
// PayPal account ids leave out 0, 1, I and O, which read alike.
const accountIdAlphabet = '23456789ABCDEFGHJKLMNPQRSTUVWXYZ';

function randomString(alphabet: string, length: number): string {
  let id = '';
  for (const byte of randomBytes(length)) id += alphabet[byte % alphabet.length];
  return id;
}

/** PayPal resource ids (orders, captures, setup tokens) look like "5O190127TN364715T": 17 upper-case alphanumerics. */
export function resourceId(length = 17): string {
  return randomString(upperAlphanumerics, length);
}

/** Payment token (vault) ids are short lower-case ids in PayPal's examples, e.g. "8kk8451t". */
export function paymentTokenId(): string {
  return randomString(lowerAlphanumerics, 8);
}

/** The PayPal-generated customer id a first saved payment method gets, e.g. "GYzSRHSEAu". */
export function customerId(): string {
  return randomString(mixedAlphanumerics, 10);
}

/** A PayPal account id (payer_id): 13 characters of [2-9A-HJ-NP-Z]. */
export function payerId(): string {
  return randomString(accountIdAlphabet, 13);
}

/** Every PayPal error carries a debug_id that support uses to find the request. */
export function debugId(): string {
  return randomBytes(7).toString('hex').slice(0, 13);
}

export function accessToken(): string {
  return `A21AA${randomBytes(48).toString('base64url')}`;
}
