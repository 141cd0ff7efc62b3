import { actionLabel, isActionType, type ActionEvent } from './order-actions.js';
import { checkOrderDataInWorkflow } from './order-checks-legacy.js';
import { formatMoney } from './money.js';
import { terminalStatuses } from './order-status.js';
import type { Charge, Cost, OrderPatch, OrderRecord, OrderStatus, Tracking } from './order.js';
import { insufficientFunds, isAutomaticallyRetried, isDataReason, type ReviewReason } from './review-reasons.js';

/**
 * The order lifecycle as a pure function: (state, event) → accepted with a new state and commands, or refused
 * with a reason. The workflow feeds events in and executes commands; it holds no business rule of its own.
 */

/** Sub-step while an order is being worked on; decides which result event is expected next. */
export type Phase =
  'checking' | 'quoting' | 'holding' | 'charging_paypal' | 'submitting' | 'capturing' | 'probing' | null;

export type RetryKind = 'funds' | 'stock';

export interface OrderState {
  order: OrderRecord;
  status: OrderStatus;
  phase: Phase;
  reviewReasons: ReviewReason[];
  cost: Cost | null;
  charge: Charge | null;
  /** Increments each time the order is charged and submitted anew: part of every idempotency key. */
  attempt: number;
  paymentAccepted: boolean;
  supplierOrderId: string | null;
  tracking: Tracking | null;
  /** Automatic re-tries scheduled while the order waits in review. */
  retry: { kind: RetryKind; count: number } | null;
  /** When the order entered its current waiting status: bank transfers expire relative to it. */
  statusSince: string;
  channelCancellation: 'not_applicable' | 'pending' | 'done' | 'failed' | null;
  /**
   * Where the customer data is checked: 'activity' for orders started since the check activity (its result comes
   * back as DATA_CHECKED, or with the FIX_DATA event); absent for older orders, which check inside the workflow.
   */
  checksIn?: 'activity';
  /** With checks in the activity: the problems the last check found in the current data; null while one runs. */
  dataReasons?: ReviewReason[] | null;
  /**
   * SUBMITTED means "accepted by the supplier and paid": a wallet hold is captured while the order is still
   * PROCESSING (phase `capturing`), and CHARGE_CAPTURED moves it to SUBMITTED. Set for runs started since the
   * `submitted-after-capture` patch; older orders went SUBMITTED first and captured after.
   */
  submittedAfterCapture?: true;
  /** Bumped on every accepted event: orders projections so that a late write never overwrites a newer one. */
  version: number;
  createdAt: string;
  updatedAt: string;
}

/** Who asked for something: shown in the timeline. */
export type Actor = string;

/** The merchant actions' events come from their registry (domain/order-actions.ts). */
export type { ActionEvent };

export type ResultEvent =
  | { type: 'START' }
  | { type: 'DATA_CHECKED'; reasons: ReviewReason[] }
  | { type: 'QUOTED'; cost: Cost }
  | { type: 'QUOTE_REFUSED'; reasons: ReviewReason[] }
  | { type: 'WALLET_HELD'; reference: string }
  | { type: 'WALLET_SHORT'; available: number }
  | { type: 'PAYPAL_CHARGED'; reference: string }
  | { type: 'PAYPAL_NOT_ENABLED'; available: number }
  | { type: 'PAYPAL_DECLINED'; issue: string; message: string }
  | { type: 'SUPPLIER_ACCEPTED'; supplierOrderId: string; alreadyExisted: boolean }
  | { type: 'SUPPLIER_REFUSED'; reasons: ReviewReason[] }
  | { type: 'CHARGE_CAPTURED' }
  | { type: 'CHARGE_RETURNED' }
  | { type: 'PROBED'; ready: boolean; reasons: ReviewReason[] }
  | { type: 'TIMER_FIRED'; timer: TimerKind }
  | { type: 'TRACKING_FOUND'; tracking: Tracking }
  | { type: 'TRACKING_PENDING' }
  | { type: 'CHANNEL_NOTIFIED'; what: 'shipped' | 'cancelled'; ok: boolean; message?: string };

export type OrderEvent = (ActionEvent | ResultEvent) & { by?: Actor };

export type TimerKind = 'payment-expiry' | 'funds-retry' | 'stock-recheck' | 'tracking-poll';

export type Command =
  | { type: 'CHECK_DATA' }
  | { type: 'QUOTE' }
  | { type: 'HOLD_WALLET'; amount: number; currency: string; key: string }
  | { type: 'CHARGE_PAYPAL'; amount: number; currency: string; key: string }
  | { type: 'SUBMIT' }
  | { type: 'CAPTURE_WALLET'; key: string; holdKey: string }
  | { type: 'RETURN_CHARGE'; charge: Charge; key: string; holdKey: string }
  | { type: 'PROBE'; kind: RetryKind }
  | { type: 'POLL_TRACKING' }
  | { type: 'NOTIFY_CHANNEL_SHIPPED'; tracking: Tracking }
  | { type: 'CANCEL_ON_CHANNEL'; reason: string };

export interface TimelineEntry {
  type: string;
  status: OrderStatus;
  details: Record<string, unknown>;
  by?: Actor;
}

/** A timeline entry as stored: numbered within the order and stamped with the workflow's clock. */
export interface TimelineRow extends TimelineEntry {
  seq: number;
  at: string;
}

export type Transition =
  | { accepted: true; state: OrderState; commands: Command[]; timeline: TimelineEntry[] }
  | { accepted: false; reason: string };

export function initialState(
  order: OrderRecord,
  options: { checksIn?: 'activity'; submittedAfterCapture?: true } = {},
): OrderState {
  return {
    ...options,
    order,
    status: 'RECEIVED',
    phase: null,
    reviewReasons: [],
    cost: null,
    charge: null,
    attempt: 0,
    paymentAccepted: false,
    supplierOrderId: null,
    tracking: null,
    retry: null,
    statusSince: order.createdAt,
    channelCancellation: null,
    version: 0,
    createdAt: order.createdAt,
    updatedAt: order.createdAt,
  };
}

export function isTerminal(status: OrderStatus): boolean {
  return terminalStatuses.has(status);
}

/** Idempotency keys: the order id and the step, never a run id, so retries and restarts land on the same row. */
export const keys = {
  hold: (s: OrderState) => `order:${s.order.id}:hold:${s.attempt}`,
  capture: (s: OrderState) => `order:${s.order.id}:capture:${s.attempt}`,
  paypal: (s: OrderState) => `order:${s.order.id}:paypal:${s.attempt}`,
  release: (s: OrderState) => `order:${s.order.id}:return:${s.attempt}`,
};

const refuse = (reason: string): Transition => ({ accepted: false, reason });

/** `at` is the workflow's clock at the time of the event, passed in to keep this function pure. */
export function transition(state: OrderState, event: OrderEvent, at: string): Transition {
  const step = new Step(state, at, event.by);
  const outcome = apply(step, event);
  if (outcome !== undefined) return refuse(outcome);
  return step.result();
}

/** Refusal reason for an action in a status, or undefined when allowed. Used by update validators. */
export function refusalFor(state: OrderState, event: OrderEvent): string | undefined {
  const result = transition(state, event, state.updatedAt);
  return result.accepted ? undefined : result.reason;
}

/** Accumulates one transition's effects on a copy of the state. */
class Step {
  readonly next: OrderState;
  readonly commands: Command[] = [];
  readonly timeline: TimelineEntry[] = [];

  constructor(
    readonly prev: OrderState,
    readonly at: string,
    readonly by: Actor | undefined,
  ) {
    this.next = { ...prev, version: prev.version + 1, updatedAt: at };
  }

  log(type: string, details: Record<string, unknown> = {}): void {
    this.timeline.push({ type, status: this.next.status, details, ...(this.by ? { by: this.by } : {}) });
  }

  moveTo(status: OrderStatus, details: Record<string, unknown> = {}): void {
    const from = this.next.status;
    this.next.status = status;
    if (from !== status) {
      this.next.statusSince = this.at;
      this.log('status.changed', { from, to: status, ...details });
    }
  }

  result(): Transition {
    return { accepted: true, state: this.next, commands: this.commands, timeline: this.timeline };
  }
}

/** Applies the event to the step; returns a refusal reason when the event is not allowed now. */
function apply(step: Step, event: OrderEvent): string | undefined {
  const s = step.next;
  if (event.type === 'CHANNEL_NOTIFIED') return channelNotified(step, event);
  if (event.type === 'DATA_CHECKED') return dataChecked(step, event.reasons);
  if (event.type === 'CHARGE_RETURNED') {
    step.log('charge.returned', { source: s.charge?.source, amount: s.charge?.amount, reference: s.charge?.reference });
    return undefined;
  }
  if (event.type === 'CHARGE_CAPTURED') {
    if (s.charge) s.charge = { ...s.charge, state: 'captured' };
    step.log('charge.captured', { source: s.charge?.source, amount: s.charge?.amount });
    // The supplier accepted and the hold is now captured: only now is the order SUBMITTED.
    if (s.status === 'PROCESSING' && s.phase === 'capturing') {
      s.phase = null;
      step.moveTo('SUBMITTED');
    }
    return undefined;
  }

  if (isTerminal(s.status)) return `The order is ${s.status}: nothing more can be done with it`;

  // The order waits for the merchant: its data can be fixed and it can be cancelled, whatever it waits for.
  if (waitingStatuses.has(s.status)) {
    if (event.type === 'FIX_DATA') {
      fixData(step, event.patch, event.checked);
      return undefined;
    }
    if (event.type === 'CANCEL') {
      cancel(step, event.reason, event.fromChannel);
      return undefined;
    }
  }

  switch (s.status) {
    case 'RECEIVED':
      return event.type === 'START'
        ? start(step)
        : `The order is ${s.status} and is being looked at; try again in a moment`;
    case 'AWAITING_PAYMENT':
      return awaitingPayment(step, event);
    case 'AWAITING_SHIPPING_METHOD':
      return awaitingShippingMethod(step, event);
    case 'PENDING_REVIEW':
      return pendingReview(step, event);
    case 'PROCESSING':
      return processing(step, event);
    case 'SUBMITTED':
      return submitted(step, event);
    default:
      return `The order is ${s.status}`;
  }
}

/** Statuses in which the order waits for the merchant (or a timer): fixable and cancellable. */
const waitingStatuses: ReadonlySet<OrderStatus> = new Set([
  'AWAITING_PAYMENT',
  'AWAITING_SHIPPING_METHOD',
  'PENDING_REVIEW',
]);

function start(step: Step): undefined {
  const s = step.next;
  step.log('order.received', {
    channel: s.order.channel,
    externalId: s.order.externalId,
    payment: s.order.payment.method,
  });
  if (s.order.payment.method === 'bank_transfer') {
    s.reviewReasons = dataProblems(step) ?? [];
    step.moveTo('AWAITING_PAYMENT', { why: 'paid by bank transfer: waits until the payment is accepted' });
    return undefined;
  }
  if (s.order.payment.method === 'cod') {
    s.reviewReasons = dataProblems(step) ?? [];
    step.moveTo('AWAITING_SHIPPING_METHOD', { why: 'cash on delivery: waits for a shipping method and synchronize' });
    return undefined;
  }
  proceed(step);
  return undefined;
}

/**
 * The problems in the order's data as it stands: checked right here for older orders; for the others, the last
 * result of the check activity, or undefined while a check runs (one is asked for if none was).
 */
function dataProblems(step: Step): ReviewReason[] | undefined {
  const s = step.next;
  if (s.checksIn !== 'activity') return checkOrderDataInWorkflow(s.order.customer, s.order.shippingAddress);
  if (s.dataReasons) return s.dataReasons;
  if (s.dataReasons === undefined) {
    s.dataReasons = null;
    step.commands.push({ type: 'CHECK_DATA' });
  }
  return undefined;
}

/** The check activity's answer about the current data. */
function dataChecked(step: Step, reasons: ReviewReason[]): string | undefined {
  const s = step.next;
  if (s.checksIn !== 'activity') return 'This order checks its data in the workflow';
  s.dataReasons = reasons;
  if (s.phase === 'checking') {
    s.phase = null;
    proceed(step);
  } else if (waitingStatuses.has(s.status)) {
    s.reviewReasons = [...reasons, ...s.reviewReasons.filter((r) => !isDataReason(r.code))];
  }
  return undefined;
}

/** Checks the data, then starts charging and submitting, or parks the order in review with every reason. */
function proceed(step: Step): void {
  const s = step.next;
  s.retry = null;
  const reasons = dataProblems(step);
  if (reasons === undefined) {
    // The data check is still running: go on once it answers (DATA_CHECKED).
    s.phase = 'checking';
    if (s.status !== 'RECEIVED') step.moveTo('PROCESSING', { why: 'checking the customer data first' });
    return;
  }
  if (reasons.length > 0) {
    s.reviewReasons = reasons;
    step.moveTo('PENDING_REVIEW', { reasons: reasons.map((r) => r.code) });
    return;
  }
  s.reviewReasons = [];
  s.attempt += 1;
  s.phase = 'quoting';
  s.cost = null;
  step.moveTo('PROCESSING', { attempt: s.attempt });
  step.commands.push({ type: 'QUOTE' });
}

function toReview(step: Step, reasons: ReviewReason[]): void {
  const s = step.next;
  s.phase = null;
  s.reviewReasons = reasons;
  const auto = reasons.length > 0 && reasons.every((r) => isAutomaticallyRetried(r.code));
  s.retry = auto ? { kind: reasons.some((r) => r.code === 'OUT_OF_STOCK') ? 'stock' : 'funds', count: 0 } : null;
  step.moveTo('PENDING_REVIEW', { reasons: reasons.map((r) => r.code) });
}

/** Gives back a held or captured charge (wallet hold released, PayPal capture refunded). */
function returnCharge(step: Step): void {
  const s = step.next;
  if (!s.charge || s.charge.state === 'returned') return;
  step.commands.push({ type: 'RETURN_CHARGE', charge: s.charge, key: keys.release(s), holdKey: keys.hold(s) });
  s.charge = { ...s.charge, state: 'returned' };
}

/** The order with a merchant's fix applied: fields left out keep their values. */
export function withPatch(order: OrderRecord, patch: OrderPatch): OrderRecord {
  return {
    ...order,
    customer: { ...order.customer, ...patch.customer },
    shippingAddress: { ...order.shippingAddress, ...patch.shippingAddress },
    shippingMethod: patch.shippingMethod ?? order.shippingMethod,
  };
}

/** `checked`: the check activity's findings on the fixed data, when the workflow ran it before the event. */
function fixData(step: Step, patch: OrderPatch, checked: ReviewReason[] | undefined): void {
  const s = step.next;
  s.order = withPatch(s.order, patch);
  if (s.checksIn === 'activity') {
    // Without the findings (a fix sent another way), ask for a check: the last answer wins, and it checks the
    // data as it is when it runs.
    s.dataReasons = checked ?? null;
    if (!checked) step.commands.push({ type: 'CHECK_DATA' });
  }
  const dataReasons = dataProblems(step) ?? [];
  const kept = s.reviewReasons.filter(
    (r) => !isDataReason(r.code) && !(r.code === 'INVALID_SHIPPING_METHOD' && patch.shippingMethod !== undefined),
  );
  s.reviewReasons = [...dataReasons, ...kept];
  step.log('order.data_fixed', {
    changed: Object.keys(patch).flatMap((k) => {
      const part = patch[k as keyof OrderPatch];
      return part && typeof part === 'object' ? Object.keys(part).map((f) => `${k}.${f}`) : [k];
    }),
    reasons: s.reviewReasons.map((r) => r.code),
  });
}

function cancel(step: Step, reason: string | undefined, fromChannel = false): void {
  const s = step.next;
  s.phase = null;
  s.retry = null;
  returnCharge(step);
  step.moveTo('CANCELLED', { reason: reason ?? 'cancelled', ...(fromChannel ? { on: s.order.channel } : {}) });
  if (fromChannel) {
    s.channelCancellation = 'done';
  } else if (s.order.channelConnectionId) {
    s.channelCancellation = 'pending';
    step.commands.push({ type: 'CANCEL_ON_CHANNEL', reason: reason ?? 'cancelled' });
  } else {
    s.channelCancellation = 'not_applicable';
  }
}

function awaitingPayment(step: Step, event: OrderEvent): string | undefined {
  const s = step.next;
  switch (event.type) {
    case 'PAYMENT_ACCEPTED':
      s.paymentAccepted = true;
      step.log('payment.accepted', {});
      proceed(step);
      return undefined;
    case 'TIMER_FIRED':
      if (event.timer !== 'payment-expiry') return 'No such timer is running';
      step.log('payment.expired', { since: s.statusSince });
      cancel(step, 'the bank transfer did not arrive in time');
      return undefined;
    default:
      return notAllowed(s, event, 'it waits for the bank transfer: accept the payment or cancel');
  }
}

function awaitingShippingMethod(step: Step, event: OrderEvent): string | undefined {
  const s = step.next;
  switch (event.type) {
    case 'SYNCHRONIZE': {
      const method = event.shippingMethod ?? s.order.shippingMethod;
      if (!method) return 'Choose a shipping method to synchronize a cash-on-delivery order';
      s.order = { ...s.order, shippingMethod: method };
      step.log('order.synchronized', { shippingMethod: method });
      proceed(step);
      return undefined;
    }
    default:
      return notAllowed(s, event, 'it waits for a shipping method: synchronize or cancel');
  }
}

function pendingReview(step: Step, event: OrderEvent): string | undefined {
  const s = step.next;
  switch (event.type) {
    case 'RESEND':
      step.log('order.resent', {});
      proceed(step);
      return undefined;
    case 'MARK_SENT_MANUALLY':
      s.phase = null;
      s.retry = null;
      returnCharge(step);
      step.moveTo('SENT_MANUALLY', { note: 'the merchant places this order at the supplier by hand' });
      return undefined;
    case 'WALLET_TOPPED_UP':
      if (!s.reviewReasons.some((r) => r.code === 'INSUFFICIENT_FUNDS' || r.code === 'PAYMENT_DECLINED')) {
        return 'The order is not waiting for funds';
      }
      step.log('wallet.topped_up', {});
      proceed(step);
      return undefined;
    case 'TIMER_FIRED':
      if (!s.retry || (event.timer !== 'funds-retry' && event.timer !== 'stock-recheck') || s.phase === 'probing') {
        return 'No automatic re-check is due';
      }
      s.phase = 'probing';
      step.commands.push({ type: 'PROBE', kind: s.retry.kind });
      return undefined;
    case 'PROBED':
      if (s.phase !== 'probing' || !s.retry) return 'No automatic re-check is running';
      s.phase = null;
      if (event.ready) {
        step.log('retry.ready', { kind: s.retry.kind, after: s.retry.count + 1 });
        proceed(step);
      } else {
        s.retry = { ...s.retry, count: s.retry.count + 1 };
        s.reviewReasons = event.reasons.length > 0 ? event.reasons : s.reviewReasons;
        step.log('retry.not_yet', {
          kind: s.retry.kind,
          checks: s.retry.count,
          reasons: s.reviewReasons.map((r) => r.code),
        });
      }
      return undefined;
    default:
      return notAllowed(s, event, 'fix the data and resend, mark it sent manually, or cancel');
  }
}

function processing(step: Step, event: OrderEvent): string | undefined {
  const s = step.next;
  const busy = 'The order is PROCESSING: it is being charged and submitted right now; try again when it has settled';
  switch (event.type) {
    case 'QUOTED': {
      if (s.phase !== 'quoting') return unexpected(s, event);
      s.cost = event.cost;
      s.phase = 'holding';
      step.log('supplier.quoted', { cost: event.cost });
      step.commands.push({
        type: 'HOLD_WALLET',
        amount: event.cost.total,
        currency: event.cost.currency,
        key: keys.hold(s),
      });
      return undefined;
    }
    case 'QUOTE_REFUSED':
      if (s.phase !== 'quoting') return unexpected(s, event);
      step.log('supplier.check_refused', { reasons: event.reasons });
      toReview(step, event.reasons);
      return undefined;
    case 'WALLET_HELD':
      if (s.phase !== 'holding' || !s.cost) return unexpected(s, event);
      s.charge = {
        source: 'wallet',
        amount: s.cost.total,
        currency: s.cost.currency,
        reference: event.reference,
        state: 'held',
      };
      s.phase = 'submitting';
      step.log('wallet.held', { amount: s.cost.total, currency: s.cost.currency, reference: event.reference });
      step.commands.push({ type: 'SUBMIT' });
      return undefined;
    case 'WALLET_SHORT':
      if (s.phase !== 'holding' || !s.cost) return unexpected(s, event);
      s.phase = 'charging_paypal';
      step.log('wallet.short', { available: event.available, needed: s.cost.total });
      step.commands.push({
        type: 'CHARGE_PAYPAL',
        amount: s.cost.total,
        currency: s.cost.currency,
        key: keys.paypal(s),
      });
      return undefined;
    case 'PAYPAL_NOT_ENABLED': {
      if (s.phase !== 'charging_paypal' || !s.cost) return unexpected(s, event);
      const needed = formatMoney({ amount: s.cost.total, currency: s.cost.currency });
      const available = formatMoney({ amount: event.available, currency: s.cost.currency });
      toReview(step, [insufficientFunds(available, needed)]);
      return undefined;
    }
    case 'PAYPAL_DECLINED':
      if (s.phase !== 'charging_paypal') return unexpected(s, event);
      step.log('paypal.declined', { issue: event.issue, message: event.message });
      toReview(step, [
        { code: 'PAYMENT_DECLINED', message: `PayPal declined the charge (${event.issue}): ${event.message}` },
      ]);
      return undefined;
    case 'PAYPAL_CHARGED':
      if (s.phase !== 'charging_paypal' || !s.cost) return unexpected(s, event);
      s.charge = {
        source: 'paypal',
        amount: s.cost.total,
        currency: s.cost.currency,
        reference: event.reference,
        state: 'captured',
      };
      s.phase = 'submitting';
      step.log('paypal.charged', { amount: s.cost.total, currency: s.cost.currency, reference: event.reference });
      step.commands.push({ type: 'SUBMIT' });
      return undefined;
    case 'SUPPLIER_ACCEPTED': {
      if (s.phase !== 'submitting') return unexpected(s, event);
      s.phase = null;
      s.supplierOrderId = event.supplierOrderId;
      step.log('supplier.accepted', { supplierOrderId: event.supplierOrderId, alreadyExisted: event.alreadyExisted });
      const held = s.charge?.source === 'wallet' && s.charge.state === 'held';
      if (held && s.submittedAfterCapture) {
        // Still PROCESSING until the hold is captured (CHARGE_CAPTURED): SUBMITTED never shows an uncaptured hold.
        s.phase = 'capturing';
        step.commands.push({ type: 'CAPTURE_WALLET', key: keys.capture(s), holdKey: keys.hold(s) });
        return undefined;
      }
      step.moveTo('SUBMITTED');
      if (held) step.commands.push({ type: 'CAPTURE_WALLET', key: keys.capture(s), holdKey: keys.hold(s) });
      return undefined;
    }
    case 'SUPPLIER_REFUSED':
      if (s.phase !== 'submitting') return unexpected(s, event);
      step.log('supplier.refused', { reasons: event.reasons });
      returnCharge(step);
      toReview(step, event.reasons);
      return undefined;
    case 'PROBED':
      return unexpected(s, event);
    default:
      return actionRefusal(event) ?? busy;
  }
}

function submitted(step: Step, event: OrderEvent): string | undefined {
  const s = step.next;
  switch (event.type) {
    case 'TIMER_FIRED':
      if (event.timer !== 'tracking-poll') return 'No such timer is running';
      step.commands.push({ type: 'POLL_TRACKING' });
      return undefined;
    case 'TRACKING_PENDING':
      // Nothing changed: no timeline entry, but still a (cheap) accepted event so the shell schedules the next poll.
      step.next.version = step.prev.version;
      step.next.updatedAt = step.prev.updatedAt;
      return undefined;
    case 'TRACKING_FOUND':
      s.tracking = event.tracking;
      step.log('supplier.shipped', { tracking: event.tracking });
      step.moveTo('SHIPPED');
      if (s.order.channelConnectionId) step.commands.push({ type: 'NOTIFY_CHANNEL_SHIPPED', tracking: event.tracking });
      return undefined;
    default:
      return notAllowed(s, event, 'the supplier has accepted it; it can no longer be changed or cancelled here');
  }
}

function channelNotified(step: Step, event: Extract<OrderEvent, { type: 'CHANNEL_NOTIFIED' }>): undefined {
  const s = step.next;
  if (event.what === 'cancelled') s.channelCancellation = event.ok ? 'done' : 'failed';
  step.log(event.what === 'shipped' ? 'channel.tracking_sent' : 'channel.cancelled', {
    ok: event.ok,
    ...(event.message ? { message: event.message } : {}),
  });
  return undefined;
}

function actionRefusal(event: OrderEvent): string | undefined {
  return isActionType(event.type) ? undefined : `Unexpected ${event.type}`;
}

function notAllowed(s: OrderState, event: OrderEvent, hint: string): string {
  if (!isActionType(event.type)) return unexpected(s, event);
  return `${actionLabel(event.type)} is not allowed while the order is ${s.status}: ${hint}`;
}

function unexpected(s: OrderState, event: OrderEvent): string {
  return `Unexpected ${event.type} while the order is ${s.status}${s.phase ? ` (${s.phase})` : ''}`;
}

/** Which timer the order waits on now, if any. The shell turns the kind into a configured duration. */
export function pendingTimer(s: OrderState): { timer: TimerKind; retryCount: number } | null {
  if (s.status === 'AWAITING_PAYMENT') return { timer: 'payment-expiry', retryCount: 0 };
  if (s.status === 'PENDING_REVIEW' && s.retry && s.phase !== 'probing') {
    return { timer: s.retry.kind === 'funds' ? 'funds-retry' : 'stock-recheck', retryCount: s.retry.count };
  }
  if (s.status === 'SUBMITTED') return { timer: 'tracking-poll', retryCount: 0 };
  return null;
}
