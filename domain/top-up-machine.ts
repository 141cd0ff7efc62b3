import { formatMoney } from './money.js';
import {
  payPalDeclineSentence,
  topUpWorkflowId,
  type OperatorRef,
  type TopUpRecord,
  type TopUpStatus,
  type TopUpView,
} from './top-up.js';

/**
 * A top-up's life as a pure function, like the order's: (state, event) → new state and commands, or a refusal.
 *
 *   PayPal:        START → CHARGE_PAYPAL → captured COMPLETED → CREDIT → COMPLETED → RESUME_ORDERS
 *                                        → capture PENDING → re-check on a timer until it settles
 *                                        → declined / no link → FAILED
 *   Bank transfer: START → (waits) → CONFIRM by an operator → CREDIT what arrived → COMPLETED → RESUME_ORDERS
 *                                  → REJECT by an operator → REJECTED;  expiry timer → EXPIRED
 *
 * The wallet is credited only after money was really received: a COMPLETED capture, or a confirmed transfer.
 * A PENDING capture (PayPal holding the funds for review) credits nothing until PayPal settles it.
 */

export type TopUpPhase = 'charging' | 'awaiting_capture' | 'checking_capture' | 'crediting' | 'resuming_orders' | null;

export interface TopUpState {
  topUp: TopUpRecord;
  status: TopUpStatus;
  phase: TopUpPhase;
  paypal: { orderId: string; captureId: string; captureStatus: string } | null;
  failure: { code: string; message: string } | null;
  confirmation: { amountReceived: number; bankReference: string; at: string; by: OperatorRef } | null;
  rejection: { reason: string; at: string; by: OperatorRef } | null;
  credited: { amount: number; transactionId: string; at: string } | null;
  ordersResumed: string[];
  version: number;
  updatedAt: string;
}

export type TopUpEvent =
  | { type: 'START' }
  | { type: 'PAYPAL_CAPTURED'; orderId: string; captureId: string; captureStatus: string }
  | { type: 'PAYPAL_DECLINED'; issue: string; message: string }
  | { type: 'PAYPAL_NOT_LINKED' }
  | { type: 'CAPTURE_RECHECK_DUE' }
  | { type: 'CAPTURE_CHECKED'; captureStatus: string }
  | { type: 'CONFIRM'; amountReceived: number; bankReference: string; by: OperatorRef }
  | { type: 'REJECT'; reason: string; by: OperatorRef }
  | { type: 'EXPIRED' }
  | { type: 'CREDITED'; transactionId: string; amount: number; available: number }
  | { type: 'ORDERS_RESUMED'; orderIds: string[] };

export type TopUpCommand =
  | { type: 'CHARGE_PAYPAL'; amount: number; currency: string }
  | { type: 'CHECK_CAPTURE'; orderId: string }
  | { type: 'CREDIT'; amount: number; confirmation: TopUpState['confirmation'] }
  | { type: 'RECORD_REJECTION'; reason: string; by: OperatorRef }
  | { type: 'RESUME_ORDERS'; available: number };

export type TopUpTransition =
  { accepted: true; state: TopUpState; commands: TopUpCommand[] } | { accepted: false; reason: string };

export type TopUpTimer = { kind: 'expiry'; at: string } | { kind: 'capture-recheck' };

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

/** Capture statuses after which PayPal will never move the money. */
const deadCaptureStatuses = new Set(['DECLINED', 'FAILED', 'VOIDED']);

const refuse = (reason: string): TopUpTransition => ({ accepted: false, reason });

export function topUpTransition(s: TopUpState, event: TopUpEvent, at: string): TopUpTransition {
  const next: TopUpState = { ...s, version: s.version + 1, updatedAt: at };
  const ok = (commands: TopUpCommand[] = []): TopUpTransition => ({ accepted: true, state: next, commands });
  const { topUp } = s;
  const isTransfer = topUp.method === 'bank_transfer';

  switch (event.type) {
    case 'START':
      if (s.version !== 0) return refuse('The top-up has already started');
      if (topUp.method === 'paypal') {
        next.phase = 'charging';
        return ok([{ type: 'CHARGE_PAYPAL', amount: topUp.amount, currency: topUp.currency }]);
      }
      return ok();

    case 'PAYPAL_CAPTURED':
      if (s.phase !== 'charging') return refuse('No PayPal charge is running');
      next.paypal = { orderId: event.orderId, captureId: event.captureId, captureStatus: event.captureStatus };
      return afterCapture(next, event.captureStatus, ok);

    case 'CAPTURE_RECHECK_DUE':
      if (s.phase !== 'awaiting_capture' || !s.paypal) return refuse('No PayPal capture is waiting');
      next.phase = 'checking_capture';
      return ok([{ type: 'CHECK_CAPTURE', orderId: s.paypal.orderId }]);

    case 'CAPTURE_CHECKED':
      if (s.phase !== 'checking_capture' || !s.paypal) return refuse('No PayPal capture is being checked');
      next.paypal = { ...s.paypal, captureStatus: event.captureStatus };
      return afterCapture(next, event.captureStatus, ok);

    case 'PAYPAL_DECLINED':
      if (s.phase !== 'charging') return refuse('No PayPal charge is running');
      next.status = 'FAILED';
      next.phase = null;
      next.failure = { code: event.issue, message: payPalDeclineSentence(event.issue) };
      return ok();

    case 'PAYPAL_NOT_LINKED':
      if (s.phase !== 'charging') return refuse('No PayPal charge is running');
      next.status = 'FAILED';
      next.phase = null;
      next.failure = { code: 'PAYPAL_NOT_LINKED', message: payPalDeclineSentence('PAYPAL_NOT_LINKED') };
      return ok();

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
      next.phase = 'crediting';
      return ok([{ type: 'CREDIT', amount: event.amountReceived, confirmation: next.confirmation }]);
    }

    case 'REJECT': {
      const refusal = operatorRefusal(s, 'rejected');
      if (refusal) return refuse(refusal);
      next.status = 'REJECTED';
      next.rejection = { reason: event.reason, at, by: event.by };
      return ok([{ type: 'RECORD_REJECTION', reason: event.reason, by: event.by }]);
    }

    case 'EXPIRED':
      if (!isTransfer || s.status !== 'PENDING' || s.confirmation)
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

function afterCapture(
  next: TopUpState,
  captureStatus: string,
  ok: (c?: TopUpCommand[]) => TopUpTransition,
): TopUpTransition {
  const { topUp } = next;
  if (captureStatus === 'COMPLETED') {
    next.phase = 'crediting';
    return ok([{ type: 'CREDIT', amount: topUp.amount, confirmation: null }]);
  }
  if (deadCaptureStatuses.has(captureStatus)) {
    next.status = 'FAILED';
    next.phase = null;
    next.failure = {
      code: `CAPTURE_${captureStatus}`,
      message: `PayPal did not complete the payment (capture ${captureStatus}). Nothing was credited; try again or top up by bank transfer.`,
    };
    return ok();
  }
  // PENDING (or a status PayPal adds later): the money has not arrived; look again later.
  next.phase = 'awaiting_capture';
  return ok();
}

/** Why an operator may not confirm or reject this top-up now, or undefined when they may. */
function operatorRefusal(s: TopUpState, verb: string): string | undefined {
  if (s.topUp.method !== 'bank_transfer') return `A PayPal top-up is settled by PayPal and cannot be ${verb} by hand`;
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
  if (s.phase === 'awaiting_capture') return { kind: 'capture-recheck' };
  if (s.topUp.method === 'bank_transfer' && !s.confirmation && s.topUp.bankTransfer)
    return { kind: 'expiry', at: s.topUp.bankTransfer.expiresAt };
  return null;
}

/** What the top-up waits for, in words, for the merchant, the finance desk and the Temporal UI. */
export function describeTopUp(s: TopUpState): string | null {
  const amount = formatMoney({ amount: s.topUp.amount, currency: s.topUp.currency });
  if (s.status === 'PENDING') {
    if (s.topUp.method === 'paypal' && s.phase === null) return `Charging ${amount} to the linked PayPal account.`;
    switch (s.phase) {
      case 'charging':
        return `Charging ${amount} to the linked PayPal account.`;
      case 'awaiting_capture':
      case 'checking_capture':
        return `PayPal holds the payment of ${amount} (capture ${s.paypal?.captureStatus ?? 'PENDING'}); the wallet is credited when PayPal completes it.`;
      case 'crediting':
        return 'Money received: crediting the wallet.';
      default:
        return `Waiting for a bank transfer of ${amount} with reference ${s.topUp.bankTransfer?.reference ?? '?'}, to be confirmed by the finance desk before ${s.topUp.bankTransfer?.expiresAt ?? '?'}.`;
    }
  }
  if (s.phase === 'resuming_orders') return 'Credited: waking the orders waiting for funds.';
  return null;
}

/** The top-up as the finance desk sees it (with operator names); merchantTopUpView() leaves the names out. */
export function toTopUpView(s: TopUpState): TopUpView {
  const t = s.topUp;
  const who = (by: OperatorRef): { by: string } => ({ by: by.name });
  return {
    id: t.id,
    workflowId: topUpWorkflowId(t.id),
    merchantId: t.merchantId,
    method: t.method,
    status: s.status,
    amount: t.amount,
    currency: t.currency,
    credited: s.credited,
    bankTransfer: t.bankTransfer
      ? {
          ...t.bankTransfer,
          confirmation: s.confirmation
            ? {
                amountReceived: s.confirmation.amountReceived,
                bankReference: s.confirmation.bankReference,
                at: s.confirmation.at,
                ...who(s.confirmation.by),
              }
            : null,
          rejection: s.rejection ? { reason: s.rejection.reason, at: s.rejection.at, ...who(s.rejection.by) } : null,
        }
      : null,
    paypal: s.paypal,
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
