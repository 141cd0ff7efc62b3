import type { SignalDefinition, UpdateDefinition } from '@temporalio/common';
import { condition, currentUpdateInfo, setHandler } from '@temporalio/workflow';
import type { z } from 'zod';
import { actionNames, orderActions, type ActionName, type OrderActionResult } from '../../domain/order-actions.js';
import { refusalFor, withPatch, type OrderEvent } from '../../domain/order-machine.js';
import { toOrderView } from '../../domain/order-view.js';
import type { OrderRecord } from '../../domain/order.js';
import type { OrderTimings } from '../../domain/timings.js';
import { invalidArgument, invalidState, stateQuery } from '../messages.js';
import { checkData } from './data-check.js';
import type { OrderRun } from './order-run.js';
import type { Projection } from './projection.js';

/**
 * Registers every merchant action twice, from its registry entry: as a signal (operators; a refusal lands in the
 * timeline) and as an update (the REST API; the validator refuses without writing anything to history).
 */
export function registerHandlers(run: OrderRun, projection: Projection, timings: OrderTimings): void {
  for (const name of actionNames) registerAction(name, run, projection, timings);
  setHandler(stateQuery, () => toOrderView(run.state));
}

function registerAction<N extends ActionName>(
  name: N,
  run: OrderRun,
  projection: Projection,
  timings: OrderTimings,
): void {
  const action = orderActions[name];
  // Whatever arrives is parsed with the action's schema below: the handlers take it as it comes.
  const signal: SignalDefinition<[unknown?]> = action.signal;
  const update: UpdateDefinition<OrderActionResult, [unknown?]> = action.update;

  /** Update validators run synchronously and write nothing to history when they refuse. */
  const validate = (raw: unknown): OrderEvent => {
    const parsed = action.message.safeParse(raw ?? {});
    if (!parsed.success) {
      throw invalidArgument(parsed.error.issues);
    }
    const event = withActor(action.event(parsed.data), parsed.data.by);
    const refusal = refusalFor(run.state, event);
    if (refusal) throw invalidState(refusal, run.state.status);
    return event;
  };

  setHandler(signal, async (raw) => {
    const parsed = action.message.safeParse(raw ?? {});
    const by = (parsed.success ? parsed.data.by : undefined) ?? 'operator (Temporal signal)';
    if (!parsed.success) {
      run.note('signal.refused', { signal: name, reason: issues(parsed.error) }, by);
      return;
    }
    const result = run.dispatch(await withDataChecked(run, { ...action.event(parsed.data), by }));
    if (!result.accepted) run.note('signal.refused', { signal: name, reason: result.reason }, by);
  });

  /** The same update id (Idempotency-Key) accepted by an earlier run of this order: answered, not judged anew. */
  const acceptedBefore = (): boolean => {
    const id = currentUpdateInfo()?.id;
    return id !== undefined && run.carriedUpdates.has(id);
  };

  setHandler(
    update,
    async (raw?: unknown) => {
      if (acceptedBefore()) {
        await projection.shows(run.state.version);
        return toOrderView(run.state);
      }
      const event = await withDataChecked(run, validate(raw));
      const result = run.dispatch(event);
      if (!result.accepted) {
        throw invalidState(result.reason, run.state.status);
      }
      run.rememberUpdate(currentUpdateInfo()?.id);
      // Answer once the projection shows the action, so a GET right after the answer agrees with it.
      await projection.shows(run.state.version);
      if (name === 'cancel' && run.state.channelCancellation === 'pending') {
        await condition(() => run.state.channelCancellation !== 'pending', timings.channelCancelWait);
      }
      return toOrderView(run.state);
    },
    { validator: (raw?: unknown) => void (acceptedBefore() || validate(raw)) },
  );
}

/**
 * A fix of an order that checks its data in the activity carries the findings on the fixed data, so that the
 * answer to PATCH shows the data re-checked at once. Any check already running finishes first, and a fix that
 * landed meanwhile makes this one check again.
 */
async function withDataChecked(run: OrderRun, event: OrderEvent): Promise<OrderEvent> {
  if (event.type !== 'FIX_DATA' || run.state.checksIn !== 'activity' || refusalFor(run.state, event)) return event;
  for (;;) {
    await condition(() => run.state.dataReasons !== null);
    const fixed = withPatch(run.state.order, event.patch);
    const checked = await checkData(fixed, run.localActivities);
    if (sameData(withPatch(run.state.order, event.patch), fixed)) return { ...event, checked };
  }
}

function sameData(a: OrderRecord, b: OrderRecord): boolean {
  return JSON.stringify([a.customer, a.shippingAddress]) === JSON.stringify([b.customer, b.shippingAddress]);
}

function withActor(event: OrderEvent, by: string | undefined): OrderEvent {
  return by ? { ...event, by } : event;
}

function issues(error: z.ZodError): string {
  return error.issues.map((i) => i.message).join('; ');
}
