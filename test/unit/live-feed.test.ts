import { describe, expect, it } from 'vitest';
import { LiveFeed, type FeedEvent } from '../../api/live-feed.js';
import type { Change } from '../../db/change-listener.js';

const change = (seq: number, merchantId = 'mer_a'): Change => ({ seq, kind: 'order', id: `ord_${seq}`, merchantId });

function listen(feed: LiveFeed, scope: string | null, lastEventId?: number): { events: FeedEvent[]; closed: boolean } {
  const got = { events: [] as FeedEvent[], closed: false };
  feed.subscribe(
    {
      scope,
      deliver: (e) => got.events.push(e),
      close: () => {
        got.closed = true;
      },
    },
    lastEventId,
  );
  return got;
}

const seqs = (events: FeedEvent[]): (number | string)[] =>
  events.map((e) => (e.type === 'change' ? e.change.seq : 'resync'));

describe('the live feed ring', () => {
  it('resumes after the last id by position: a lower number committed later is not skipped', () => {
    const feed = new LiveFeed();
    // Numbers are taken at write time; 7 committed before 6.
    for (const s of [5, 7, 6, 8]) feed.publish(change(s));
    expect(seqs(listen(feed, null, 7).events)).toEqual([6, 8]);
    expect(seqs(listen(feed, null, 8).events)).toEqual([]);
  });

  it("replays and delivers only the subscriber's merchant's changes; an operator gets all", () => {
    const feed = new LiveFeed();
    feed.publish(change(1, 'mer_a'));
    feed.publish(change(2, 'mer_b'));
    const a = listen(feed, 'mer_a', 1);
    const operator = listen(feed, null, 1);
    feed.publish(change(3, 'mer_b'));
    feed.publish(change(4, 'mer_a'));
    expect(seqs(a.events)).toEqual([4]);
    expect(seqs(operator.events)).toEqual([2, 3, 4]);
  });

  it('asks for a resync when the id is unknown, too old, or a gap follows it', () => {
    const feed = new LiveFeed(2);
    for (const s of [1, 2, 3, 4, 5]) feed.publish(change(s));
    expect(seqs(listen(feed, null, 99).events)).toEqual(['resync']);
    // Capacity 2: trimmed in chunks, 1 and 2 are gone once 4 entries were held.
    expect(seqs(listen(feed, null, 1).events)).toEqual(['resync']);
    expect(seqs(listen(feed, null, 4).events)).toEqual([5]);
    const open = listen(feed, null);
    feed.gap();
    expect(open.events).toEqual([{ type: 'resync', lastSeq: 5 }]);
    feed.publish(change(6));
    expect(seqs(listen(feed, null, 5).events)).toEqual(['resync']);
    expect(seqs(listen(feed, null, 6).events)).toEqual([]);
  });

  it('ends every open stream on close', () => {
    const feed = new LiveFeed();
    const a = listen(feed, 'mer_a');
    const b = listen(feed, null);
    feed.close();
    expect([a.closed, b.closed]).toEqual([true, true]);
    feed.publish(change(1));
    expect(a.events).toEqual([]);
  });
});
