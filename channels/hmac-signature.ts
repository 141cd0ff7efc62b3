import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Shopify (X-Shopify-Hmac-SHA256) and WooCommerce (X-WC-Webhook-Signature) sign a webhook the same way:
 * base64(HMAC-SHA256(exact bytes received, webhook secret)). A channel signing otherwise brings its own verify.
 */
export function hmacSha256Base64(rawBody: Buffer | string, secret: string): string {
  return createHmac('sha256', secret).update(rawBody).digest('base64');
}

/**
 * True when the header matches the body under any of the secrets (several during a secret rotation). Empty
 * secrets are skipped: anyone can compute an HMAC with an empty key, so a connection without a secret accepts
 * nothing. Every secret is compared, in constant time, so timing tells neither the signature nor which secret signed.
 */
export function verifyHmacSha256Base64(
  rawBody: Buffer,
  header: string | undefined,
  secrets: readonly string[],
): boolean {
  const given = header?.trim();
  if (!given) return false;
  const received = Buffer.from(given, 'utf8');
  let matched = false;
  for (const secret of secrets) {
    if (secret === '') continue;
    const expected = Buffer.from(hmacSha256Base64(rawBody, secret), 'utf8');
    if (expected.length === received.length && timingSafeEqual(expected, received)) matched = true;
  }
  return matched;
}
