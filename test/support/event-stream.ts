/** One server-sent event as a browser's EventSource hands it over; comments are kept apart. */
export interface StreamEvent {
  id: string | undefined;
  event: string;
  data: string;
}

export interface EventStream {
  /** Every event received so far, in order. */
  readonly events: StreamEvent[];
  readonly comments: string[];
  /** Resolves with the first event (already received or to come) matching, or rejects after `timeoutMs`. */
  next(match: (e: StreamEvent) => boolean, timeoutMs?: number): Promise<StreamEvent>;
  /** Resolves once the server ended the stream. */
  readonly ended: Promise<void>;
  close(): void;
}

/**
 * Opens GET /v1/events as a browser would (text/event-stream, optional Last-Event-ID) and parses the stream per
 * the HTML spec's rules for the fields used here (id, event, data, comments).
 */
export async function openEventStream(
  baseUrl: string,
  key: string | null,
  opts: { lastEventId?: string; headers?: Record<string, string> } = {},
): Promise<EventStream> {
  const abort = new AbortController();
  const res = await fetch(`${baseUrl}/v1/events`, {
    headers: {
      // A signed-in browser sends its session cookie instead (opts.headers).
      ...(key === null ? {} : { authorization: `Bearer ${key}` }),
      ...opts.headers,
      accept: 'text/event-stream',
      ...(opts.lastEventId !== undefined ? { 'last-event-id': opts.lastEventId } : {}),
    },
    signal: abort.signal,
  });
  if (res.status !== 200 || !res.body) throw new Error(`GET /v1/events: ${res.status} ${await res.text()}`);
  const events: StreamEvent[] = [];
  const comments: string[] = [];
  const waiters = new Set<() => void>();
  const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();

  let isEnded = false;
  const ended = (async () => {
    let buffer = '';
    for (;;) {
      const { value, done } = await reader.read().catch(() => ({ value: undefined, done: true as const }));
      if (done) break;
      buffer += value;
      let cut: number;
      while ((cut = buffer.indexOf('\n\n')) >= 0) {
        const block = buffer.slice(0, cut);
        buffer = buffer.slice(cut + 2);
        const fields = { id: undefined as string | undefined, event: 'message', data: [] as string[] };
        let isEvent = false;
        for (const line of block.split('\n')) {
          if (line.startsWith(':')) {
            comments.push(line.slice(1).trim());
            continue;
          }
          const colon = line.indexOf(':');
          const name = colon < 0 ? line : line.slice(0, colon);
          const val = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
          if (name === 'id') fields.id = val;
          else if (name === 'event') fields.event = val;
          else if (name === 'data') fields.data.push(val);
          else continue;
          isEvent = true;
        }
        if (isEvent && (fields.data.length > 0 || fields.event !== 'message'))
          events.push({ id: fields.id, event: fields.event, data: fields.data.join('\n') });
        for (const w of waiters) w();
      }
    }
    isEnded = true;
    for (const w of waiters) w();
  })();

  return {
    events,
    comments,
    ended,
    close: () => abort.abort(),
    next(match, timeoutMs = 10_000) {
      return new Promise((resolve, reject) => {
        const check = (): boolean => {
          const found = events.find(match);
          if (found) {
            cleanup();
            resolve(found);
            return true;
          }
          if (isEnded) {
            cleanup();
            reject(new Error(`the stream ended without the event; received: ${JSON.stringify(events)}`));
            return true;
          }
          return false;
        };
        const timer = setTimeout(() => {
          cleanup();
          reject(new Error(`no matching event within ${timeoutMs} ms; received: ${JSON.stringify(events)}`));
        }, timeoutMs);
        const cleanup = (): void => {
          clearTimeout(timer);
          waiters.delete(onChange);
        };
        const onChange = (): void => void check();
        if (!check()) waiters.add(onChange);
      });
    },
  };
}
