import { Router, type Response } from 'express';
import { z } from 'zod';
import { changeKinds } from '../../db/change-listener.js';
import { scopeOf } from '../auth.js';
import { HttpError } from '../errors.js';
import type { FeedEvent, LiveFeed } from '../live-feed.js';
import type { Spec } from '../openapi-spec.js';

/** A Last-Event-ID as this feed writes them: a sequence number. Anything else starts afresh with a resync. */
const LastEventId = z.coerce.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER);

function write(res: Response, event: FeedEvent): void {
  if (event.type === 'resync') {
    // Its id (the last change this process holds) lets the browser resume from here after the reload it triggers.
    res.write(`${event.lastSeq === null ? '' : `id: ${event.lastSeq}\n`}event: resync\ndata: {}\n\n`);
    return;
  }
  const { seq, kind, id, merchantId } = event.change;
  res.write(`id: ${seq}\nevent: ${kind}\ndata: ${JSON.stringify({ id, merchantId })}\n\n`);
}

/**
 * The live feed (Server-Sent Events): the principal's merchant's order, top-up and wallet changes (an operator's:
 * every merchant's), ids only; the client reads what changed through the rest of the API.
 */
export function eventRoutes(feed: LiveFeed, opts: { heartbeatMs: number }): Router {
  const router = Router();
  router.get('/v1/events', (req, res) => {
    const scope = scopeOf(req);
    // An endless stream only for a client that asks for one by name (EventSource does): a generic client's */*
    // (fetch, curl) would otherwise hang on it, e.g. a request for /v1/orders/../events, which URLs resolve here.
    if (!/\btext\/event-stream\b/i.test(req.get('accept') ?? ''))
      throw new HttpError(406, 'NOT_ACCEPTABLE', 'GET /v1/events answers text/event-stream: accept it to listen');
    // Staff do not see money: they are told of orders only (the top-up and wallet routes refuse them anyway).
    const ordersOnly = req.principal?.user?.role === 'staff';
    const lastHeader = req.get('last-event-id');
    const last = lastHeader === undefined ? undefined : LastEventId.safeParse(lastHeader);
    res.status(200).set({
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-cache, no-transform',
      Connection: 'keep-alive',
      // A proxy in front (nginx) must pass each event on at once.
      'X-Accel-Buffering': 'no',
    });
    res.flushHeaders();
    res.write(': connected\nretry: 2000\n\n');
    let unsubscribe = (): void => undefined;
    const heartbeat = setInterval(() => res.write(': heartbeat\n\n'), opts.heartbeatMs);
    const end = (): void => {
      clearInterval(heartbeat);
      unsubscribe();
    };
    res.on('close', end);
    if (last !== undefined && !last.success) write(res, { type: 'resync', lastSeq: null });
    unsubscribe = feed.subscribe(
      {
        scope,
        deliver: (event) => {
          if (ordersOnly && event.type !== 'resync' && event.change.kind !== 'order') return;
          write(res, event);
        },
        close: () => {
          end();
          res.end();
        },
      },
      last?.success ? last.data : undefined,
    );
  });
  return router;
}

/** The rows of /openapi.json these routes serve. */
export const eventSpecs: Spec[] = [
  {
    method: 'get',
    path: '/v1/events',
    summary:
      "Live feed (Server-Sent Events) of the merchant's order, top-up and wallet changes (an operator's: every merchant's). " +
      `Each event is \`event: ${changeKinds.join('|')}\`, \`data: {"id", "merchantId"}\` (ids only: read the rest through the API) and an \`id:\`; ` +
      'send it back as Last-Event-ID to resume after it; `event: resync` says that changes were missed: read again what you show. A comment every 15 s keeps the connection open',
    ok: [200, z.string().meta({ description: 'An endless text/event-stream' }), 'The stream'],
    media: 'text/event-stream',
    errors: [401, 406],
  },
];
