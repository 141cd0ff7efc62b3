/**
 * Failures of calls to a shop's API. Transient ones are retried by Temporal (a shop that is down or rate-limits
 * us); a rejection is the shop saying no (e.g. the order is gone) and is reported on the order's timeline.
 */
export class ChannelError extends Error {
  constructor(
    message: string,
    readonly status: number | null,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export class ChannelTransientError extends ChannelError {
  constructor(
    message: string,
    status: number | null,
    readonly retryAfterMs: number | null = null,
  ) {
    super(message, status);
  }
}

export class ChannelRejected extends ChannelError {}
