import type { Change } from '../db/change-listener.js';

/** What a subscriber is told: a change, or that it missed some and must read again what it shows. */
export type FeedEvent = { type: 'change'; change: Change } | { type: 'resync'; lastSeq: number | null };

export interface Subscriber {
  /** The merchant whose changes it receives; null: every merchant's (operators). */
  scope: string | null;
  deliver(event: FeedEvent): void;
  /** The process stops: end the stream. */
  close(): void;
}

type Entry = { change: Change } | { gap: true };

/**
 * The process's recent changes, in the order PostgreSQL delivered them (commit order, the same on every API
 * process listening), kept in a bounded ring so that a reconnecting browser resumes after the last change it saw,
 * by its Last-Event-ID, on whichever replica it reaches. Sequence numbers are taken when a write happens, so a
 * change can arrive after one with a higher number: resuming goes by position in the ring, never by comparing
 * numbers. An id the ring no longer holds (or never heard), or a gap after it, asks the browser to resync.
 */
export class LiveFeed {
  private readonly ring: Entry[] = [];
  /** Position in the ring of each change still held, by sequence number. */
  private readonly positions = new Map<number, number>();
  /** Position of ring[0] since the process started. */
  private offset = 0;
  private readonly subscribers = new Set<Subscriber>();

  /** `capacity`: how many changes back a browser can resume at least. */
  constructor(private readonly capacity = 10_000) {}

  publish(change: Change): void {
    this.append({ change });
    for (const s of this.subscribers)
      if (s.scope === null || s.scope === change.merchantId) s.deliver({ type: 'change', change });
  }

  /** Changes were missed (the listening connection was lost): everyone open reads again. */
  gap(): void {
    this.append({ gap: true });
    for (const s of this.subscribers) s.deliver({ type: 'resync', lastSeq: this.lastSeq() });
  }

  /**
   * Adds a subscriber, first replaying what it missed after `lastEventId` (its changes only), or a resync when
   * that cannot be told. Answers the function that removes it.
   */
  subscribe(subscriber: Subscriber, lastEventId?: number): () => void {
    if (lastEventId !== undefined) {
      for (const event of this.since(lastEventId, subscriber.scope)) subscriber.deliver(event);
    }
    this.subscribers.add(subscriber);
    return () => this.subscribers.delete(subscriber);
  }

  /** Ends every open stream (the process stops). */
  close(): void {
    for (const s of this.subscribers) s.close();
    this.subscribers.clear();
  }

  private since(lastSeq: number, scope: string | null): FeedEvent[] {
    const position = this.positions.get(lastSeq);
    if (position === undefined) return [{ type: 'resync', lastSeq: this.lastSeq() }];
    const after = this.ring.slice(position - this.offset + 1);
    if (after.some((e) => 'gap' in e)) return [{ type: 'resync', lastSeq: this.lastSeq() }];
    return after.flatMap((e) =>
      'change' in e && (scope === null || scope === e.change.merchantId) ? [{ type: 'change', change: e.change }] : [],
    );
  }

  private lastSeq(): number | null {
    for (let i = this.ring.length - 1; i >= 0; i -= 1) {
      const e = this.ring[i];
      if (e && 'change' in e) return e.change.seq;
    }
    return null;
  }

  private append(entry: Entry): void {
    if ('change' in entry) this.positions.set(entry.change.seq, this.offset + this.ring.length);
    this.ring.push(entry);
    // Trimmed in chunks, not one entry per change: holds between capacity and twice that.
    if (this.ring.length >= 2 * this.capacity) {
      for (const dropped of this.ring.splice(0, this.capacity))
        if ('change' in dropped) this.positions.delete(dropped.change.seq);
      this.offset += this.capacity;
    }
  }
}
