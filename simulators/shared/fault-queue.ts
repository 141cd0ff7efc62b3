import { Timers } from './timers.js';

/** A queued fault as stored: the request plus an id and how many occurrences are left. */
export type QueuedFault<F> = F & { id: number; remaining: number };

export interface FaultQueueOptions<F, R extends string> {
  /** A further rule on top of the route match, for faults that only make sense on some routes. */
  applies?: (fault: QueuedFault<F>, route: R) => boolean;
}

/**
 * Faults wait in the order they were added; each request consumes one occurrence of the oldest fault queued
 * for its route or for 'any'. Copies go out so callers cannot change what is queued.
 */
export class FaultQueue<F extends { route: string; times: number }, R extends string = string> {
  private faults: QueuedFault<F>[] = [];
  private nextId = 1;
  private readonly applies: (fault: QueuedFault<F>, route: R) => boolean;
  /** The waits of slow and held answers: the simulator cancels them when it closes. */
  readonly timers = new Timers();

  constructor(opts: FaultQueueOptions<F, R> = {}) {
    this.applies = opts.applies ?? (() => true);
  }

  add(request: F): QueuedFault<F> {
    const fault: QueuedFault<F> = { ...request, id: this.nextId++, remaining: request.times };
    this.faults.push(fault);
    return { ...fault };
  }

  take(route: R): QueuedFault<F> | undefined {
    const fault = this.faults.find((f) => (f.route === route || f.route === 'any') && this.applies(f, route));
    if (!fault) return undefined;
    fault.remaining -= 1;
    if (fault.remaining <= 0) this.faults = this.faults.filter((f) => f !== fault);
    return { ...fault };
  }

  list(): QueuedFault<F>[] {
    return this.faults.map((f) => ({ ...f }));
  }

  /** Returns how many faults were dropped. */
  clear(): number {
    const count = this.faults.length;
    this.faults = [];
    return count;
  }
}
