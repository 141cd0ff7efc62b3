import type { z } from 'zod';

/**
 * One operation as /openapi.json documents it. Each router exports the rows of the routes it serves, next to
 * them, from the same zod schemas that validate the requests; api/openapi.ts assembles the document.
 */
export interface Spec {
  method: 'get' | 'post' | 'put' | 'patch' | 'delete';
  path: string;
  summary: string;
  body?: z.ZodType;
  query?: z.ZodObject;
  /** Status, schema and description of the success answer. */
  ok: [number, z.ZodType, string];
  /** The success answer's media type when it is not JSON (text/csv, text/event-stream). */
  media?: string;
  errors?: number[];
  /** false: reached without an API key (health, PayPal's return, webhooks). */
  auth?: boolean;
  /** Accepts an Idempotency-Key. */
  idempotent?: boolean;
  /** Path parameters other than a lone {id}. */
  params?: z.ZodObject;
}
