import { z } from 'zod';
import { PayPalConfigError } from './errors.js';

/** One authenticated PayPal REST call, as the client's operations describe it. */
export interface ApiCall<T> {
  method: 'GET' | 'POST' | 'DELETE';
  path: string;
  schema: z.ZodType<T>;
  body?: unknown;
  /** PayPal-Request-Id: makes a POST safe to repeat. */
  requestId?: string;
}

/** Sends an ApiCall with a valid access token and returns PayPal's answer parsed by the call's schema. */
export type CallApi = <T>(call: ApiCall<T>) => Promise<T>;

/** Checks the caller's input before anything goes to PayPal: bad input is a bug, never worth a retry. */
export function parseInput<T extends z.ZodType>(schema: T, input: unknown): z.infer<T> {
  const parsed = schema.safeParse(input);
  if (!parsed.success) throw new PayPalConfigError(`Invalid PayPal request: ${z.prettifyError(parsed.error)}`);
  return parsed.data;
}
