/** Reading what a server answered, the same way for every client: error snippets, JSON, Retry-After. */

interface HeaderSource {
  get(name: string): string | null;
}

/**
 * A body short enough for an error message: markup removed, whitespace collapsed, 200 characters at most.
 * Error pages of proxies and WordPress hosts are HTML; only their words help an operator.
 */
export function snippet(text: string, max = 200): string {
  const flat = text
    .replace(/<[^>]*>/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  return flat.length > max ? `${flat.slice(0, max)}…` : flat || '(empty body)';
}

/** The parsed JSON, or undefined when the body is empty or not JSON. */
export function parseJson(text: string): unknown {
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/**
 * Retry-After in milliseconds: delay-seconds ("3", or "2.0" as some shops send it) or an HTTP date. Null when absent or
 * unreadable, so that Temporal's own backoff applies.
 */
export function retryAfterMs(headers: HeaderSource, now: () => number = Date.now): number | null {
  const value = headers.get('retry-after')?.trim();
  if (!value) return null;
  if (/^\d+(\.\d+)?$/.test(value)) return Math.ceil(Number(value) * 1000);
  const at = Date.parse(value);
  return Number.isNaN(at) ? null : Math.max(0, at - now());
}

/**
 * X-Ratelimit-Reset in milliseconds from now: an epoch second, or (small values) seconds from now. Null when
 * absent or not a positive number.
 */
export function rateLimitResetMs(headers: HeaderSource, now: () => number = Date.now): number | null {
  const reset = Number(headers.get('x-ratelimit-reset') ?? NaN);
  if (!Number.isFinite(reset) || reset <= 0) return null;
  return Math.ceil(reset > 1e9 ? reset * 1000 - now() : reset * 1000);
}
