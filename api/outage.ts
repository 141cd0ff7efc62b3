import { isGrpcServiceError, type Client } from '@temporalio/client';

/**
 * Tells an unreachable dependency from a bug: the request could not be served because PostgreSQL or Temporal did
 * not answer, so the client should come back later (503 + Retry-After) rather than report an error of ours.
 */
export type Dependency = 'postgres' | 'temporal';

/** Seconds a client is asked to wait before retrying during an outage. */
export const OUTAGE_RETRY_AFTER_SECONDS = 5;

/**
 * How long a create waits for Temporal to start its workflow. The client's own retries of an unreachable frontend
 * (10 attempts, backing off to 5 s, which a gRPC deadline does not cut short) took about 19 s before the 503; a
 * create now answers 503 within 3 s, and the same request retried with its Idempotency-Key converges on the one
 * order (or top-up) once Temporal is back.
 */
export const WORKFLOW_START_DEADLINE_MS = 2_000;

/** Temporal did not answer a start within WORKFLOW_START_DEADLINE_MS: an outage (503), not a bug. */
export class TemporalTimeout extends Error {
  constructor(what: string) {
    super(`Temporal did not answer ${what} within ${WORKFLOW_START_DEADLINE_MS} ms`);
    this.name = 'TemporalTimeout';
  }
}

/**
 * Runs a workflow start with WORKFLOW_START_DEADLINE_MS: past it the caller gets a TemporalTimeout (→ 503), and the
 * call, whose gRPC deadline has passed too, ends at its next attempt. A start that still reaches Temporal is
 * harmless: workflow ids are business keys, and the retried request finds that workflow (its listing row is
 * written by the workflow's projection).
 */
export async function withStartDeadline<T>(client: Client, start: () => Promise<T>, what = 'the start'): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const call = client.withDeadline(Date.now() + WORKFLOW_START_DEADLINE_MS, start);
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new TemporalTimeout(what)), WORKFLOW_START_DEADLINE_MS);
  });
  try {
    return await Promise.race([call, expired]);
  } finally {
    clearTimeout(timer);
    // Whatever the late call ends with, it is not this request's answer any more.
    call.catch(() => undefined);
  }
}

const networkCodes = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);

/**
 * PostgreSQL SQLSTATEs that mean "the server is not there right now": connection exceptions (08…), insufficient
 * resources (53…), operator intervention (57P01 admin shutdown, 57P02 crash shutdown, 57P03 cannot connect now).
 */
function isPostgresUnavailable(err: Record<string, unknown>): boolean {
  const code = typeof err.code === 'string' ? err.code : '';
  if (/^(08|53)/.test(code) || ['57P01', '57P02', '57P03'].includes(code)) return true;
  const message = typeof err.message === 'string' ? err.message : '';
  // node-postgres reports a dropped or never-made connection with plain messages rather than codes.
  return /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error|connection is not queryable|Client was closed/i.test(
    message,
  );
}

/** gRPC UNAVAILABLE (14) and DEADLINE_EXCEEDED (4): the Temporal frontend cannot be reached or did not answer. */
function isTemporalUnavailable(err: unknown): boolean {
  if (err instanceof TemporalTimeout) return true;
  for (
    let e: unknown = err, depth = 0;
    e instanceof Error && depth < 5;
    e = (e as { cause?: unknown }).cause, depth++
  ) {
    if (isGrpcServiceError(e) && (e.code === 14 || e.code === 4)) return true;
    if (/Failed to connect before the deadline|No connection established|TransportError/i.test(e.message)) return true;
  }
  return false;
}

const FAILED_PRECONDITION = 9;

/**
 * Temporal turns updates (and queries) away at once while the workflow's task keeps failing: from the third
 * attempt, after a worker died or timed out, or an outage made the task fail. It lasts until a task completes, so
 * it is a state of the moment, not a refusal: the update left no trace and may be sent again. It used to answer
 * 500 (order-hardening.test.ts makes it happen; the kill test's 500s right after a PostgreSQL restart fit it).
 */
export function workflowNotReady(error: unknown): boolean {
  for (let e: unknown = error, depth = 0; e instanceof Error && depth < 4; e = e.cause, depth++) {
    if (isGrpcServiceError(e) && e.code === FAILED_PRECONDITION && /Workflow Task in failed state/i.test(e.details))
      return true;
  }
  return false;
}

export function unavailableDependency(err: unknown): Dependency | null {
  if (err === null || typeof err !== 'object') return null;
  // A workflow whose task keeps failing turns calls away for a moment (an update past its deadline, a query).
  if (isTemporalUnavailable(err) || workflowNotReady(err)) return 'temporal';
  for (
    let e: unknown = err, depth = 0;
    e !== null && typeof e === 'object' && depth < 5;
    e = (e as { cause?: unknown }).cause, depth++
  ) {
    const rec = e as Record<string, unknown>;
    if (typeof rec.code === 'string' && networkCodes.has(rec.code)) return 'postgres';
    if (isPostgresUnavailable(rec)) return 'postgres';
  }
  return null;
}
