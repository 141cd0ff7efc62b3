import { WorkflowNotFoundError, WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { INVALID_ARGUMENT, INVALID_STATE } from '../workflows/messages.js';
import { HttpError } from './errors.js';
import { workflowNotReady } from './outage.js';

/**
 * What a workflow's refusal of an update means to the API's client: its validator refused the status (409,
 * naming the workflow's own current status) or the arguments (422, naming each path). `undefined` when the
 * error is not such a refusal.
 */
export function refusalAsHttp(error: unknown, listedStatus: string): HttpError | undefined {
  if (!(error instanceof WorkflowUpdateFailedError && error.cause instanceof ApplicationFailure)) return undefined;
  const failure = error.cause;
  if (failure.type === INVALID_STATE) {
    const status = typeof failure.details?.[0] === 'string' ? failure.details[0] : listedStatus;
    return new HttpError(409, 'INVALID_STATE', `${failure.message} (current status: ${status})`);
  }
  if (failure.type === INVALID_ARGUMENT) {
    const details = Array.isArray(failure.details?.[0]) ? (failure.details[0] as unknown[]) : [];
    return new HttpError(422, 'VALIDATION_FAILED', failure.message, details);
  }
  return undefined;
}

/** The workflow has finished (or is gone): no update can reach it any more. */
export function workflowClosed(error: unknown): boolean {
  return (
    error instanceof WorkflowNotFoundError ||
    /already completed|completed workflow/i.test(String((error as Error | null)?.message))
  );
}

/**
 * Sends an update and sends it again, with a growing pause, while it is turned away for a moment (the workflow not
 * ready, or `momentary` says so), until the deadline; then the last error stands. Asking again is harmless: a
 * turned-away update leaves nothing in the workflow's history (with the same update id too).
 *
 * With `attemptMs`, an attempt that has no answer by then is abandoned and the update sent again — only for updates
 * sent with an id of their own (Temporal runs an id once and answers a repeat with the first outcome). A worker
 * killed while it held the order's task can leave the first request waiting on a task that the server hands out
 * again only later (a sticky or speculative task of the dead worker): asking again delivers the update anew to a live
 * worker instead of waiting out the whole deadline (issue 15: 503s under worker churn).
 */
export async function untilJudged<T>(
  deadline: AbortSignal,
  send: (attempt: AbortSignal) => Promise<T>,
  momentary: (error: unknown) => boolean = () => false,
  attemptMs?: number,
): Promise<T> {
  for (let pause = 100; ; pause = Math.min(pause * 2, 1_000)) {
    const attempt = attemptMs ? AbortSignal.any([deadline, AbortSignal.timeout(attemptMs)]) : deadline;
    try {
      return await send(attempt);
    } catch (error) {
      const abandoned = attempt.aborted && !deadline.aborted;
      if (!(abandoned || workflowNotReady(error) || momentary(error)) || deadline.aborted) throw error;
      if (!abandoned) await new Promise((resolve) => setTimeout(resolve, pause));
      if (deadline.aborted) throw error;
    }
  }
}
