import type { Logger } from 'pino';

/**
 * A process that starts while PostgreSQL or Temporal is down (a host reboot, `docker compose up` in any order,
 * a dependency being restarted) waits for it instead of exiting: each attempt is logged, the pause doubles up to
 * `maxDelayMs`. Only failures to reach the dependency are retried; anything else (a wrong password, a broken
 * migration) still fails the start at once, since waiting would not fix it.
 */
export interface StartupRetryOptions {
  logger: Logger;
  initialDelayMs?: number;
  maxDelayMs?: number;
  /** Unlimited by default. */
  maxAttempts?: number;
}

const UNREACHABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
  'ENOTFOUND',
  'EPIPE',
  '57P03',
  '53300',
]);
// node-pg-migrate's lock does not wait: a replica starting next to another one retries until that one is done.
const UNREACHABLE_MESSAGE =
  /connect|unavailable|timed? ?out|terminat|starting up|shutting down|econnrefused|transport|deadline|another migration is already running/i;

export function isUnreachable(error: unknown): boolean {
  for (let e: unknown = error, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth += 1) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && UNREACHABLE_CODES.has(code)) return true;
    // gRPC UNAVAILABLE / DEADLINE_EXCEEDED.
    if (code === 14 || code === 4) return true;
    if (UNREACHABLE_MESSAGE.test(String((e as { message?: unknown }).message ?? ''))) return true;
    if (e instanceof AggregateError && e.errors.some(isUnreachable)) return true;
  }
  return false;
}

export async function retryOnStart<T>(what: string, attempt: () => Promise<T>, opts: StartupRetryOptions): Promise<T> {
  const initial = opts.initialDelayMs ?? 500;
  const max = opts.maxDelayMs ?? 10_000;
  for (let n = 1; ; n += 1) {
    try {
      const result = await attempt();
      if (n > 1) opts.logger.info({ dependency: what, attempts: n }, `${what}: reached`);
      return result;
    } catch (error) {
      if (!isUnreachable(error) || (opts.maxAttempts !== undefined && n >= opts.maxAttempts)) throw error;
      const delayMs = Math.min(max, initial * 2 ** (n - 1));
      opts.logger.warn(
        { dependency: what, attempt: n, retryInMs: delayMs, err: { message: (error as Error).message } },
        `${what}: unreachable, retrying`,
      );
      await new Promise((resolve) => setTimeout(resolve, delayMs));
    }
  }
}
