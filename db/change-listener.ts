import pg from 'pg';
import type { Logger } from 'pino';
import { z } from 'zod';

/** The channel the projection tables' trigger notifies (migration 1765100000000). */
const CHANNEL = 'platform_changes';

export const changeKinds = ['order', 'top-up', 'wallet'] as const;

/** One projection write, as the trigger announces it: ids only. */
export interface Change {
  /** From a database sequence: the same number on every API process, increasing in the order of the writes. */
  seq: number;
  kind: (typeof changeKinds)[number];
  /** The order's or top-up's id; the merchant's for a wallet. */
  id: string;
  merchantId: string;
}

const Notification = z.object({ s: z.number().int(), k: z.enum(changeKinds), i: z.string(), m: z.string() });

export interface ChangeListenerOptions {
  databaseUrl: string;
  logger: Logger;
  onChange(change: Change): void;
  /** The connection was lost and is back: changes made meanwhile were not heard. */
  onGap(): void;
}

/**
 * One dedicated connection per process LISTENing to the projection writes' notifications (a pooled connection
 * cannot: LISTEN belongs to a session). When it is lost (the database restarted), it reconnects with a growing
 * pause and reports the gap, since PostgreSQL keeps no notification for a session that was not there.
 */
export class ChangeListener {
  private client: pg.Client | null = null;
  private stopped = false;
  private retry: NodeJS.Timeout | undefined;
  private pause = 250;

  constructor(private readonly opts: ChangeListenerOptions) {}

  /** Listens before answering, so that a change made after start() is heard; retries alone if it cannot yet. */
  async start(): Promise<void> {
    try {
      await this.connect();
    } catch (error) {
      this.opts.logger.warn({ err: error }, 'change feed: cannot listen yet, retrying');
      this.reconnectLater();
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.retry);
    const client = this.client;
    this.client = null;
    await client?.end().catch(() => undefined);
  }

  private async connect(): Promise<void> {
    const client = new pg.Client({ connectionString: this.opts.databaseUrl, keepAlive: true });
    // A lost connection emits 'error' then 'end'; either one starts a reconnection (once).
    let lost = false;
    const onLost = (error?: Error): void => {
      if (lost || this.stopped) return;
      lost = true;
      if (this.client === client) this.client = null;
      this.opts.logger.warn({ reason: error?.message }, 'change feed: connection lost, reconnecting');
      client.end().catch(() => undefined);
      this.reconnectLater();
    };
    client.on('error', onLost);
    client.on('end', () => onLost());
    client.on('notification', (msg) => {
      if (msg.channel !== CHANNEL || !msg.payload) return;
      const parsed = Notification.safeParse(JSON.parse(msg.payload));
      if (!parsed.success) return;
      const { s, k, i, m } = parsed.data;
      this.opts.onChange({ seq: s, kind: k, id: i, merchantId: m });
    });
    await client.connect();
    await client.query(`LISTEN ${CHANNEL}`);
    if (this.stopped) {
      await client.end();
      return;
    }
    this.client = client;
    this.pause = 250;
  }

  private reconnectLater(): void {
    if (this.stopped) return;
    clearTimeout(this.retry);
    this.retry = setTimeout(() => {
      this.connect().then(
        () => {
          if (!this.stopped) this.opts.onGap();
        },
        (error: unknown) => {
          this.opts.logger.debug({ err: error }, 'change feed: reconnection failed');
          this.pause = Math.min(this.pause * 2, 5_000);
          this.reconnectLater();
        },
      );
    }, this.pause);
  }
}
