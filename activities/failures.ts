import { ApplicationFailure } from '@temporalio/activity';

/**
 * A transient failure for Temporal to retry. When the remote service said when to come back (HTTP 429 with a
 * reset time), the next attempt waits exactly that long instead of the policy's backoff.
 */
export function retryLater(error: unknown): Error {
  const err = error instanceof Error ? error : new Error(String(error));
  const retryAfterMs = (err as { retryAfterMs?: unknown }).retryAfterMs;
  if (typeof retryAfterMs === 'number' && retryAfterMs > 0) {
    return ApplicationFailure.create({
      message: err.message,
      type: err.name,
      nextRetryDelay: retryAfterMs,
      cause: err,
    });
  }
  return err;
}
