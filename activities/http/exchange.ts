import { Agent, fetch as undiciFetch } from 'undici';

/**
 * Every outgoing HTTP call of the platform (supplier, PayPal, shops) goes through `exchange`: one timeout that
 * covers the headers AND the body, one pool of kept-alive connections, and network failures told apart from
 * answers. It never retries: the clients classify, Temporal retries (docs/architecture.md, "Retries live in Temporal").
 * Being the single `fetch` call site, it is also where tracing of outgoing calls gets added.
 */

/** What the clients need of a response; both Node's global fetch and undici's satisfy it (tests inject either). */
export interface FetchedResponse {
  status: number;
  headers: { get(name: string): string | null };
  text(): Promise<string>;
}

export interface FetchInit {
  method: string;
  headers: Record<string, string>;
  body?: string;
  redirect: 'follow' | 'manual';
  signal: AbortSignal;
}

export type FetchLike = (url: string, init: FetchInit) => Promise<FetchedResponse>;

export interface HttpCall {
  /** Who is called, for messages (and span names): a shop platform's label, "the supplier". */
  service: string;
  /** What is done, e.g. "POST /orders/1/cancel.json": names the call in messages without query or secrets. */
  operation: string;
  method: string;
  url: string | URL;
  headers: Record<string, string>;
  body?: string;
  /** 'manual' hands a 3xx back instead of following it (a redirect may drop the Authorization header). */
  redirect?: 'follow' | 'manual';
  timeoutMs: number;
}

export interface HttpAnswer {
  status: number;
  headers: { get(name: string): string | null };
  /** The whole body, read within the same timeout as the headers. */
  text: string;
}

/**
 * No answer at all: worth retrying, whatever the call. `kind` says whether the time ran out or the network
 * failed; the message names the service and the operation, e.g. "Could not reach the supplier for GET /orders/1.json:
 * fetch failed (ECONNREFUSED)". Each client wraps it in its own transient error.
 */
export class HttpUnreachable extends Error {
  override readonly name = 'HttpUnreachable';
  constructor(
    readonly kind: 'timeout' | 'network',
    message: string,
    options: { cause: unknown },
  ) {
    super(message, options);
  }
}

/**
 * Connections are kept open between calls so that a burst of activities does not pay a TCP (and TLS) handshake
 * each. Servers announce how long they keep an idle connection (Keep-Alive: timeout=N) and undici honours it;
 * 10 s applies when they say nothing.
 */
const keepAlive = new Agent({ keepAliveTimeout: 10_000, keepAliveMaxTimeout: 60_000 });

/** undici's own fetch with its own Agent: the Agent and the fetch then always come from the same undici version. */
const defaultFetch: FetchLike = (url, init) => undiciFetch(url, { ...init, dispatcher: keepAlive });

export async function exchange(call: HttpCall, fetchImpl: FetchLike = defaultFetch): Promise<HttpAnswer> {
  const signal = AbortSignal.timeout(call.timeoutMs);
  try {
    const response = await fetchImpl(String(call.url), {
      method: call.method,
      headers: call.headers,
      ...(call.body === undefined ? {} : { body: call.body }),
      redirect: call.redirect ?? 'follow',
      signal,
    });
    // Inside the try: the timeout also covers a server that stalls halfway through its answer.
    return { status: response.status, headers: response.headers, text: await response.text() };
  } catch (err) {
    if (signal.aborted || (err instanceof Error && (err.name === 'TimeoutError' || err.name === 'AbortError'))) {
      throw new HttpUnreachable(
        'timeout',
        `${call.service} did not answer ${call.operation} within ${call.timeoutMs} ms`,
        { cause: err },
      );
    }
    throw new HttpUnreachable(
      'network',
      `Could not reach ${call.service} for ${call.operation}: ${describeNetworkError(err)}`,
      { cause: err },
    );
  }
}

function describeNetworkError(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  // undici keeps the socket error (ECONNREFUSED, ECONNRESET, ENOTFOUND…) in `cause`.
  const cause =
    err.cause instanceof Error ? ((err.cause as NodeJS.ErrnoException).code ?? err.cause.message) : undefined;
  return cause ? `${err.message} (${cause})` : err.message;
}
