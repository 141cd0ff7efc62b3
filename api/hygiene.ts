import type { RequestHandler } from 'express';
import { HttpError } from './errors.js';

/**
 * The one place that decides whether a string may enter the platform at all, whatever its field: PostgreSQL
 * cannot store a NUL (U+0000) in text or jsonb, nor a lone UTF-16 surrogate in jsonb, and a workflow started with
 * such a value would fail on its first projection write. Field-specific limits (lengths, patterns) stay in the zod
 * schemas; this check runs on everything before them, so that nothing passing validation can fail later.
 */

/** Above any field's own maximum: a string longer than this is refused wherever it appears (keys included). */
export const MAX_STRING_LENGTH = 100_000;

export interface UnsafeString {
  path: string;
  problem: string;
}

/** Lone surrogates: a high one not followed by a low one, or a low one not preceded by a high one. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Why a string cannot be accepted, or null. `maxLength` defaults to MAX_STRING_LENGTH. */
export function stringProblem(s: string, maxLength = MAX_STRING_LENGTH): string | null {
  if (s.includes('\u0000')) return 'must not contain a NUL character (U+0000)';
  if (LONE_SURROGATE.test(s)) return 'must not contain a lone UTF-16 surrogate (invalid Unicode)';
  if (s.length > maxLength) return `must be at most ${maxLength} characters`;
  return null;
}

/** The first unacceptable string (value or object key) in a parsed JSON value, with its dotted path. */
export function findUnsafeString(
  value: unknown,
  path: (string | number)[] = [],
  maxLength = MAX_STRING_LENGTH,
): UnsafeString | null {
  const at = (p: (string | number)[]): string => p.map(String).join('.');
  if (typeof value === 'string') {
    const problem = stringProblem(value, maxLength);
    return problem ? { path: at(path), problem } : null;
  }
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = findUnsafeString(value[i], [...path, i], maxLength);
      if (found) return found;
    }
    return null;
  }
  if (value !== null && typeof value === 'object') {
    for (const [key, child] of Object.entries(value)) {
      const keyProblem = stringProblem(key, 200);
      // The key itself cannot be shown in the path when it is the problem: name its position instead.
      if (keyProblem) return { path: at([...path, '(key)']), problem: `object key ${keyProblem}` };
      const found = findUnsafeString(child, [...path, key], maxLength);
      if (found) return found;
    }
  }
  return null;
}

/** A copy that PostgreSQL's jsonb accepts: NULs and lone surrogates spelled out as visible `\u` escapes. */
export function storableCopy(value: unknown): unknown {
  if (typeof value === 'string') {
    return value
      .replaceAll('\u0000', '\\u0000')
      .replace(new RegExp(LONE_SURROGATE.source, 'g'), (c) => `\\u${c.charCodeAt(0).toString(16)}`);
  }
  if (Array.isArray(value)) return value.map(storableCopy);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [storableCopy(k) as string, storableCopy(v)]));
  }
  return value;
}

export function unsafeInput(found: UnsafeString): HttpError {
  const path = found.path || 'body';
  return new HttpError(422, 'VALIDATION_FAILED', `${path}: ${found.problem}`, [{ path, message: found.problem }]);
}

/** Throws the 422 for the first unacceptable string in `value`, if any. */
export function assertSafeStrings(value: unknown, path: (string | number)[] = [], maxLength = MAX_STRING_LENGTH): void {
  const found = findUnsafeString(value, path, maxLength);
  if (found) throw unsafeInput(found);
}

/** Query strings, checked for every route before anything reads them. */
export const rejectUnsafeQuery: RequestHandler = (req, _res, next) => {
  assertSafeStrings(req.query, ['query']);
  next();
};

/** Parsed JSON bodies (mounted after the JSON parser); raw bodies (webhooks, file imports) are checked by their routes. */
export const rejectUnsafeBody: RequestHandler = (req, _res, next) => {
  if (req.body !== undefined && req.body !== null && typeof req.body === 'object' && !Buffer.isBuffer(req.body))
    assertSafeStrings(req.body);
  next();
};
