/**
 * JSON the way WordPress writes it (`wp_json_encode`, PHP's default flags): slashes escaped as `\/` and every
 * non-ASCII character as `\uXXXX`. Real deliveries look like this, so a receiver that re-serialises the parsed
 * body instead of hashing the raw bytes fails its signature check here too, not only in production.
 */
export function phpJsonEncode(value: unknown): string {
  const json = JSON.stringify(value);
  if (json === undefined) throw new TypeError('value cannot be encoded as JSON');
  // Outside strings JSON has neither slashes nor non-ASCII characters, so plain replacement is safe.
  return json
    .replace(/\//g, '\\/')
    .replace(/[\u0080-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
