import {
  allHandlersFinished,
  ApplicationFailure,
  condition,
  continueAsNew,
  proxyActivities,
  proxyLocalActivities,
  setCurrentDetails,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
  log,
} from '@temporalio/workflow';
import type { SearchAttributeUpdatePair } from '@temporalio/common';
import type { OrderActivities, ProjectionActivities } from '../activities/types.js';
import { describeWaiting } from '../domain/order-describe.js';
import {
  initialState,
  isTerminal,
  pendingTimer,
  refusalFor,
  transition,
  type Command,
  type OrderEvent,
  type OrderState,
  type TimelineRow,
} from '../domain/order-machine.js';
import { toOrderView } from '../domain/order-view.js';
import type { OrderRecord } from '../domain/order.js';
import { OrderStatusKey, ReviewReasonsKey } from '../domain/search-attributes.js';
import type { OrderTimings } from '../domain/timings.js';
import { ActionArgs, actionNames, INVALID_ARGUMENT, INVALID_STATE, signals, stateQuery, updates, type ActionName } from './messages.js';

export interface OrderWorkflowInput {
  order: OrderRecord;
  timings: OrderTimings;
  /** Present after continue-as-new: the order carries on exactly where it was. */
  resume?: { state: OrderState; timelineSeq: number };
}

/**
 * One durable workflow per order: a thin shell around the pure state machine. It turns signals, updates, timers
 * and activity results into events, runs the commands the machine returns, and keeps the Postgres projection,
 * the search attributes and the current details in step with the state.
 */
export async function orderWorkflow(input: OrderWorkflowInput): Promise<OrderState> {
  const { timings } = input;
  let state: OrderState = input.resume?.state ?? initialState(input.order);
  let seq = input.resume?.timelineSeq ?? 0;
  let projectedVersion = input.resume ? state.version : -1;
  let unprojected: TimelineRow[] = [];
  const queue: Command[] = [];

  const external = proxyActivities<OrderActivities>({
    startToCloseTimeout: timings.activityTimeout,
    // No maximum attempts: business outcomes come back as values, so what fails is transient and worth retrying
    // until it works (an operator sees the attempts and the last error on the pending activity in the UI).
    retry: { initialInterval: timings.retryInitialInterval, maximumInterval: timings.retryMaxInterval, backoffCoefficient: 2 },
  });
  const projection = proxyLocalActivities<ProjectionActivities>({
    startToCloseTimeout: '10s',
    retry: { initialInterval: '500ms', maximumInterval: '30s', backoffCoefficient: 2 },
  });

  let published = { status: '', reasons: '', details: '' };
  const publish = (): void => {
    const reasons = state.reviewReasons.map((r) => r.code);
    const pairs: SearchAttributeUpdatePair[] = [];
    if (published.status !== state.status) pairs.push({ key: OrderStatusKey, value: state.status });
    if (published.reasons !== reasons.join(',')) pairs.push({ key: ReviewReasonsKey, value: [...new Set(reasons)] });
    if (pairs.length > 0) upsertSearchAttributes(pairs);
    const details = describeWaiting(state) ?? `Finished: ${state.status}.`;
    if (published.details !== details) setCurrentDetails(details);
    published = { status: state.status, reasons: reasons.join(','), details };
  };

  const now = (): string => new Date().toISOString();

  const dispatch = (event: OrderEvent): ReturnType<typeof transition> => {
    const result = transition(state, event, now());
    if (!result.accepted) return result;
    state = result.state;
    queue.push(...result.commands);
    const at = now();
    for (const entry of result.timeline) unprojected.push({ ...entry, seq: ++seq, at });
    publish();
    return result;
  };

  /** Results of the workflow's own activities must always fit the machine; anything else is a bug worth logging. */
  const dispatchResult = (event: OrderEvent): void => {
    const result = dispatch(event);
    if (!result.accepted) log.warn('Result event ignored', { event: event.type, reason: result.reason });
  };

  const note = (type: string, details: Record<string, unknown>, by?: string): void => {
    unprojected.push({ type, status: state.status, details, ...(by ? { by } : {}), seq: ++seq, at: now() });
  };

  const needsProjection = (): boolean => unprojected.length > 0 || state.version > projectedVersion;

  const project = async (): Promise<void> => {
    const rows = unprojected;
    const version = state.version;
    unprojected = [];
    await projection.projectOrder({ view: toOrderView(state), timeline: rows });
    projectedVersion = Math.max(projectedVersion, version);
  };

  /**
   * Awaits a command while keeping the projection current: an action accepted while a call is being retried
   * (a shop or PayPal that is down) is answered without waiting for that call.
   */
  const projectingWhile = async <T>(work: Promise<T>): Promise<T> => {
    let settled = false;
    const tracked = work.finally(() => {
      settled = true;
    });
    for (;;) {
      await condition(() => settled || needsProjection());
      if (settled) return tracked;
      await project();
    }
  };

  const eventFor = (name: ActionName, args: Record<string, unknown>): OrderEvent => {
    const by = typeof args.by === 'string' ? args.by : undefined;
    const base = by ? { by } : {};
    switch (name) {
      case 'paymentAccepted':
        return { type: 'PAYMENT_ACCEPTED', ...base };
      case 'addressFixed': {
        const { by: _by, ...patch } = ActionArgs.addressFixed.parse(args);
        return { type: 'FIX_DATA', patch, ...base };
      }
      case 'resend':
        return { type: 'RESEND', ...base };
      case 'cancel':
        return {
          type: 'CANCEL',
          ...(typeof args.reason === 'string' ? { reason: args.reason } : {}),
          ...(args.fromChannel === true ? { fromChannel: true } : {}),
          ...base,
        };
      case 'markSentManually':
        return { type: 'MARK_SENT_MANUALLY', ...base };
      case 'synchronize':
        return { type: 'SYNCHRONIZE', ...(typeof args.shippingMethod === 'string' ? { shippingMethod: args.shippingMethod } : {}), ...base };
      case 'walletToppedUp':
        return { type: 'WALLET_TOPPED_UP', ...base };
    }
  };

  /** Update validators run synchronously and write nothing to history when they refuse. */
  const validate = (name: ActionName, raw: unknown): OrderEvent => {
    const parsed = ActionArgs[name].safeParse(raw ?? {});
    if (!parsed.success) {
      throw ApplicationFailure.create({
        type: INVALID_ARGUMENT,
        message: parsed.error.issues.map((i) => `${i.path.join('.') || '(input)'}: ${i.message}`).join('; '),
        nonRetryable: true,
        details: [parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message }))],
      });
    }
    const event = eventFor(name, parsed.data as Record<string, unknown>);
    const refusal = refusalFor(state, event);
    if (refusal) throw ApplicationFailure.create({ type: INVALID_STATE, message: refusal, nonRetryable: true, details: [state.status] });
    return event;
  };

  for (const name of actionNames) {
    setHandler(signals[name], (raw?: unknown) => {
      const parsed = ActionArgs[name].safeParse(raw ?? {});
      const by = parsed.success && typeof (parsed.data as { by?: unknown }).by === 'string' ? (parsed.data as { by: string }).by : 'operator (Temporal signal)';
      if (!parsed.success) {
        note('signal.refused', { signal: name, reason: parsed.error.issues.map((i) => i.message).join('; ') }, by);
        return;
      }
      const event = { ...eventFor(name, parsed.data as Record<string, unknown>), by };
      const result = dispatch(event);
      if (!result.accepted) note('signal.refused', { signal: name, reason: result.reason }, by);
    });

    setHandler(
      updates[name],
      async (raw?: unknown) => {
        const event = validate(name, raw);
        const result = dispatch(event);
        if (!result.accepted) {
          throw ApplicationFailure.create({ type: INVALID_STATE, message: result.reason, nonRetryable: true, details: [state.status] });
        }
        // Answer once the projection shows the action, so a GET right after the answer agrees with it.
        const version = state.version;
        await condition(() => projectedVersion >= version);
        if (name === 'cancel' && state.channelCancellation === 'pending') {
          await condition(() => state.channelCancellation !== 'pending', timings.channelCancelWait);
        }
        return toOrderView(state);
      },
      { validator: (raw?: unknown) => void validate(name, raw) },
    );
  }
  setHandler(stateQuery, () => toOrderView(state));

  const run = async (command: Command): Promise<OrderEvent> => {
    const { order } = state;
    switch (command.type) {
      case 'QUOTE': {
        const quote = await external.quoteOrder({ order });
        return quote.ok ? { type: 'QUOTED', cost: quote.cost } : { type: 'QUOTE_REFUSED', reasons: quote.reasons };
      }
      case 'HOLD_WALLET': {
        const hold = await external.holdWalletFunds({ merchantId: order.merchantId, orderId: order.id, ...pick(command) });
        return hold.held ? { type: 'WALLET_HELD', reference: hold.reference } : { type: 'WALLET_SHORT', available: hold.available };
      }
      case 'CHARGE_PAYPAL': {
        const paid = await external.chargePayPal({ merchantId: order.merchantId, orderId: order.id, ...pick(command) });
        if (paid.outcome === 'charged') return { type: 'PAYPAL_CHARGED', reference: paid.reference };
        if (paid.outcome === 'not_enabled') return { type: 'PAYPAL_NOT_ENABLED', available: paid.available };
        return { type: 'PAYPAL_DECLINED', issue: paid.issue, message: paid.message };
      }
      case 'SUBMIT': {
        const submitted = await external.submitOrder({ order });
        return submitted.ok
          ? { type: 'SUPPLIER_ACCEPTED', supplierOrderId: submitted.supplierOrderId, alreadyExisted: submitted.alreadyExisted }
          : { type: 'SUPPLIER_REFUSED', reasons: submitted.reasons };
      }
      case 'CAPTURE_WALLET':
        await external.captureWalletHold({ merchantId: order.merchantId, orderId: order.id, key: command.key, holdKey: command.holdKey });
        return { type: 'CHARGE_CAPTURED' };
      case 'RETURN_CHARGE':
        await external.returnCharge({ merchantId: order.merchantId, orderId: order.id, charge: command.charge, key: command.key, holdKey: command.holdKey });
        return { type: 'CHARGE_RETURNED' };
      case 'PROBE': {
        const probe = await external.probeOrder({ order, kind: command.kind });
        // The re-check was started by a timer: its outcome is the timer's doing in the timeline.
        return { type: 'PROBED', ready: probe.ready, reasons: probe.reasons, by: 'timer' };
      }
      case 'POLL_TRACKING': {
        const tracking = state.supplierOrderId ? await external.pollTracking({ supplierOrderId: state.supplierOrderId }) : null;
        return tracking ? { type: 'TRACKING_FOUND', tracking } : { type: 'TRACKING_PENDING' };
      }
      case 'NOTIFY_CHANNEL_SHIPPED': {
        const sent = await external.notifyChannelShipped({ order, tracking: command.tracking });
        return { type: 'CHANNEL_NOTIFIED', what: 'shipped', ok: sent.ok, ...(sent.message ? { message: sent.message } : {}) };
      }
      case 'CANCEL_ON_CHANNEL': {
        const cancelled = await external.cancelOnChannel({ order, reason: command.reason });
        return { type: 'CHANNEL_NOTIFIED', what: 'cancelled', ok: cancelled.ok, ...(cancelled.message ? { message: cancelled.message } : {}) };
      }
    }
  };

  const timerDelay = (timer: NonNullable<ReturnType<typeof pendingTimer>>): number => {
    switch (timer.timer) {
      case 'payment-expiry':
        return Math.max(1, Date.parse(state.statusSince) + timings.bankTransferExpiry - Date.now());
      case 'funds-retry': {
        const schedule = timings.fundsRetrySchedule;
        return schedule[Math.min(timer.retryCount, schedule.length - 1)] ?? timings.retryMaxInterval;
      }
      case 'stock-recheck':
        return timings.stockRecheckInterval;
      case 'tracking-poll':
        return timings.trackingPollInterval;
    }
  };

  if (state.status === 'RECEIVED') dispatchResult({ type: 'START' });
  else publish();

  for (;;) {
    if (needsProjection()) {
      await project();
      continue;
    }
    const command = queue.shift();
    if (command) {
      dispatchResult(await projectingWhile(run(command)));
      continue;
    }
    if (isTerminal(state.status)) break;

    if (workflowInfo().continueAsNewSuggested && allHandlersFinished()) {
      await continueAsNew<typeof orderWorkflow>({ order: state.order, timings, resume: { state, timelineSeq: seq } });
    }

    const timer = pendingTimer(state);
    const version = state.version;
    const woken = () => queue.length > 0 || needsProjection() || state.version !== version;
    if (timer) {
      if (!(await condition(woken, timerDelay(timer)))) dispatchResult({ type: 'TIMER_FIRED', timer: timer.timer, by: 'timer' });
    } else {
      await condition(woken);
    }
  }

  // Let in-flight update handlers (e.g. a cancel waiting for the shop) answer before the run closes;
  // late signals still get their refusal recorded.
  while (!allHandlersFinished() || needsProjection()) {
    if (needsProjection()) await project();
    else await condition(() => allHandlersFinished() || needsProjection());
  }
  return state;
}

function pick(command: { amount: number; currency: string; key: string }): { amount: number; currency: string; key: string } {
  return { amount: command.amount, currency: command.currency, key: command.key };
}
