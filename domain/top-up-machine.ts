import { formatMoney } from './money.js';
import {
  creditTheWallet,
  type SharedTopUpEvent,
  type Step,
  type TopUpState,
  type TopUpTimer,
} from './top-up-methods/method.js';
import { topUpMethod, topUpMethodViews, type TopUpCommand, type TopUpEvent } from './top-up-methods/registry.js';
import { topUpWorkflowId } from './ids.js';
import type { TopUpRecord, TopUpTimings, TopUpView } from './top-up.js';

/**
 * A top-up's life as a pure function, like the order's: (state, event) → new state and commands, or a refusal.
 * What every top-up shares lives here; each method's own steps (charging PayPal, a transfer's deadline) live in its
 * module (domain/top-up-methods/):
 *
 *   START → the method's steps → the money arrived → CREDIT → COMPLETED → RESUME_ORDERS
 *   a method settled by hand: CONFIRM by an operator → CREDIT what arrived;  REJECT → REJECTED;  expiry → EXPIRED
 *
 * The wallet is credited only after money was really received, and only once.
 */

export type { TopUpCommand, TopUpEvent, TopUpState, TopUpTimer };
export type { TopUpPhase } from './top-up-methods/method.js';

export type TopUpTransition = Step<TopUpCommand>;

export function initialTopUpState(topUp: TopUpRecord): TopUpState {
  return {
    topUp,
    status: 'PENDING',
    phase: null,
    paypal: null,
    failure: null,
    confirmation: null,
    rejection: null,
    credited: null,
    ordersResumed: [],
    version: 0,
    updatedAt: topUp.createdAt,
  };
}

const refuse = (reason: string): TopUpTransition => ({ accepted: false, reason });

export function topUpTransition(s: TopUpState, event: TopUpEvent, at: string): TopUpTransition {
  const next: TopUpState = { ...s, version: s.version + 1, updatedAt: at };
  const ok = (commands: TopUpCommand[] = []): TopUpTransition => ({ accepted: true, state: next, commands });
  const method = topUpMethod(s.topUp.method);

  if (isShared(event)) {
    switch (event.type) {
      case 'START':
        if (s.version !== 0) return refuse('The top-up has already started');
        return ok(method.start(next));

      case 'CONFIRM': {
        const refusal = operatorRefusal(s, 'confirmed');
        if (refusal) return refuse(refusal);
        if (!Number.isSafeInteger(event.amountReceived) || event.amountReceived <= 0)
          return refuse('The amount received must be a positive number of cents');
        next.confirmation = {
          amountReceived: event.amountReceived,
          bankReference: event.bankReference,
          at,
          by: event.by,
        };
        return ok(creditTheWallet(next, event.amountReceived));
      }

      case 'REJECT': {
        const refusal = operatorRefusal(s, 'rejected');
        if (refusal) return refuse(refusal);
        next.status = 'REJECTED';
        next.rejection = { reason: event.reason, at, by: event.by };
        return ok([{ type: 'RECORD_REJECTION', reason: event.reason, by: event.by }]);
      }

      case 'EXPIRED':
        if (!method.expires || s.status !== 'PENDING' || s.confirmation)
          return refuse('Only a transfer still waiting for its money expires');
        next.status = 'EXPIRED';
        return ok();

      case 'CREDITED':
        if (s.phase !== 'crediting') return refuse('No credit is running');
        next.status = 'COMPLETED';
        next.credited = { amount: event.amount, transactionId: event.transactionId, at };
        next.phase = 'resuming_orders';
        return ok([{ type: 'RESUME_ORDERS', available: event.available }]);

      case 'ORDERS_RESUMED':
        if (s.phase !== 'resuming_orders') return refuse('No orders are being resumed');
        next.phase = null;
        next.ordersResumed = event.orderIds;
        return ok();
    }
  }
  if (!method.events.includes(event.type)) return refuse(`A ${method.label} top-up has no ${event.type}`);
  const commands = method.apply(s, next, event);
  return typeof commands === 'string' ? refuse(commands) : ok(commands);
}

const sharedEvents: ReadonlySet<string> = new Set<SharedTopUpEvent['type']>([
  'START',
  'CONFIRM',
  'REJECT',
  'EXPIRED',
  'CREDITED',
  'ORDERS_RESUMED',
]);

function isShared(event: TopUpEvent): event is SharedTopUpEvent {
  return sharedEvents.has(event.type);
}

/** Why an operator may not confirm or reject this top-up now, or undefined when they may. */
function operatorRefusal(s: TopUpState, verb: string): string | undefined {
  const byHand = topUpMethod(s.topUp.method).byHandRefusal(verb);
  if (byHand) return byHand;
  if (s.status !== 'PENDING') return `The top-up is ${s.status} and can no longer be ${verb}`;
  if (s.confirmation)
    return `The transfer was already confirmed (${formatMoney({ amount: s.confirmation.amountReceived, currency: s.topUp.currency })} by ${s.confirmation.by.name}) and cannot be ${verb} again`;
  return undefined;
}

export function topUpRefusal(s: TopUpState, event: TopUpEvent): string | undefined {
  const result = topUpTransition(s, event, s.updatedAt);
  return result.accepted ? undefined : result.reason;
}

/** Finished: nothing runs and nothing can happen any more. */
export function isTopUpFinished(s: TopUpState): boolean {
  return s.status !== 'PENDING' && s.phase === null;
}

export function pendingTopUpTimer(s: TopUpState): TopUpTimer | null {
  if (s.status !== 'PENDING') return null;
  return topUpMethod(s.topUp.method).timer?.pending(s) ?? null;
}

/** What a timer's firing is to the machine, and how long it waits from `now` (ms since the epoch). */
export function topUpTimerFiring(
  s: TopUpState,
  timer: TopUpTimer,
  timings: TopUpTimings,
  now: number,
): { event: TopUpEvent; delay: number } {
  const method = topUpMethod(s.topUp.method);
  if (!method.timer) throw new Error(`A ${method.label} top-up waits on no timer`);
  const delay = timer.at ? Math.max(1, Date.parse(timer.at) - now) : (method.timer.interval?.(timer, timings) ?? 1);
  return { event: method.timer.fired(timer), delay };
}

/** What the top-up waits for, in words, for the merchant, the finance desk and the Temporal UI. */
export function describeTopUp(s: TopUpState): string | null {
  if (s.status === 'PENDING') {
    if (s.phase === 'crediting') return 'Money received: crediting the wallet.';
    return topUpMethod(s.topUp.method).describe(s, formatMoney({ amount: s.topUp.amount, currency: s.topUp.currency }));
  }
  if (s.phase === 'resuming_orders') return 'Credited: waking the orders waiting for funds.';
  return null;
}

/** The top-up as the finance desk sees it (with operator names); merchantTopUpView() leaves the names out. */
export function toTopUpView(s: TopUpState): TopUpView {
  const t = s.topUp;
  return {
    id: t.id,
    workflowId: topUpWorkflowId(t.id),
    merchantId: t.merchantId,
    method: t.method,
    status: s.status,
    amount: t.amount,
    currency: t.currency,
    credited: s.credited,
    ...topUpMethodViews(s),
    failure: s.failure,
    ordersResumed: s.ordersResumed,
    waitingFor: describeTopUp(s),
    createdAt: t.createdAt,
    updatedAt: s.updatedAt,
    version: s.version,
  };
}

/** Strips operator names from a stored (operator) view for the merchant. */
export function merchantTopUpView(v: TopUpView): TopUpView {
  if (!v.bankTransfer) return v;
  const { confirmation, rejection } = v.bankTransfer;
  return {
    ...v,
    bankTransfer: {
      ...v.bankTransfer,
      confirmation: confirmation
        ? {
            amountReceived: confirmation.amountReceived,
            bankReference: confirmation.bankReference,
            at: confirmation.at,
          }
        : null,
      rejection: rejection ? { reason: rejection.reason, at: rejection.at } : null,
    },
  };
}
