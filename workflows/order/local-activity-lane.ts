import { Mutex } from 'async-mutex';

/**
 * Runs the order's local activities one at a time (the data check and the projection write).
 *
 * Two local activities in flight at once make a run nondeterministic: live, their results arrive in separate
 * activations as each completes; on replay, the SDK hands them back together, so what ran between them (a
 * projection write, its sequence number) is not what the history holds. Seen in the kill test: two address
 * fixes accepted in one task, each checking its data, failed on replay with "Missing associated machine for
 * LocalActivity(7)". With one at a time, every result arrives alone, live and on replay alike.
 *
 * Runs started before the patch keep running them as they did (no lock), so that they replay as recorded.
 */
export class LocalActivityLane {
  // async-mutex is what Temporal's TypeScript guide suggests for handlers that must not interleave: FIFO, no timers.
  private readonly mutex: Mutex | null;

  constructor(oneAtATime: boolean) {
    this.mutex = oneAtATime ? new Mutex() : null;
  }

  run<T>(work: () => Promise<T>): Promise<T> {
    return this.mutex ? this.mutex.runExclusive(work) : work();
  }
}
