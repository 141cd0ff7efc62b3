import type { Request } from 'express';
import type { z } from 'zod';
import { validationFailed } from './errors.js';

/** Parses a request part with its schema: a mismatch is a 422 naming each path, never a 500. */
export function parseBody<S extends z.ZodType>(schema: S, req: Request): z.output<S> {
  const result = schema.safeParse(req.body ?? undefined);
  if (!result.success) throw validationFailed(result.error.issues);
  return result.data;
}

export function parseQuery<S extends z.ZodType>(schema: S, req: Request): z.output<S> {
  const result = schema.safeParse(req.query);
  if (!result.success) throw validationFailed(result.error.issues, ['query']);
  return result.data;
}
