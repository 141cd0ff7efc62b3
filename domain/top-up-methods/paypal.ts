import { z } from 'zod';
import { creditTheWallet, defineTopUpMethod, type SharedTopUpCommand, type TopUpState } from './method.js';

/**
 * PayPal: START → CHARGE_PAYPAL → captured COMPLETED → credit
 *                               → capture PENDING → re-checked on a timer until it settles
 *                               → declined / no link → FAILED
 * A PENDING capture (PayPal holding the funds for review) credits nothing until PayPal settles it.
 */
export type PayPalTopUpEvent =
  | { type: 'PAYPAL_CAPTURED'; orderId: string; captureId: string; captureStatus: string }
  | { type: 'PAYPAL_DECLINED'; issue: string; message: string }
  | { type: 'PAYPAL_NOT_LINKED' }
  | { type: 'CAPTURE_RECHECK_DUE' }
  | { type: 'CAPTURE_CHECKED'; captureStatus: string };

export type PayPalTopUpCommand =
  { type: 'CHARGE_PAYPAL'; amount: number; currency: string } | { type: 'CHECK_CAPTURE'; orderId: string };

/** Capture statuses after which PayPal will never move the money. */
const deadCaptureStatuses = new Set(['DECLINED', 'FAILED', 'VOIDED']);

export const payPalTopUps = defineTopUpMethod({
  name: 'paypal',
  label: 'PayPal',
  request: {},
  summary: 'charges the linked PayPal account; the wallet is credited when the capture completes.',
  events: ['PAYPAL_CAPTURED', 'PAYPAL_DECLINED', 'PAYPAL_NOT_LINKED', 'CAPTURE_RECHECK_DUE', 'CAPTURE_CHECKED'],

  start(next): PayPalTopUpCommand[] {
    next.phase = 'charging';
    return [{ type: 'CHARGE_PAYPAL', amount: next.topUp.amount, currency: next.topUp.currency }];
  },

  apply(s, next, event: PayPalTopUpEvent): (PayPalTopUpCommand | SharedTopUpCommand)[] | string {
    switch (event.type) {
      case 'PAYPAL_CAPTURED':
        if (s.phase !== 'charging') return 'No PayPal charge is running';
        next.paypal = { orderId: event.orderId, captureId: event.captureId, captureStatus: event.captureStatus };
        return afterCapture(next, event.captureStatus);
      case 'CAPTURE_RECHECK_DUE':
        if (s.phase !== 'awaiting_capture' || !s.paypal) return 'No PayPal capture is waiting';
        next.phase = 'checking_capture';
        return [{ type: 'CHECK_CAPTURE', orderId: s.paypal.orderId }];
      case 'CAPTURE_CHECKED':
        if (s.phase !== 'checking_capture' || !s.paypal) return 'No PayPal capture is being checked';
        next.paypal = { ...s.paypal, captureStatus: event.captureStatus };
        return afterCapture(next, event.captureStatus);
      case 'PAYPAL_DECLINED':
      case 'PAYPAL_NOT_LINKED': {
        if (s.phase !== 'charging') return 'No PayPal charge is running';
        const code = event.type === 'PAYPAL_DECLINED' ? event.issue : 'PAYPAL_NOT_LINKED';
        next.status = 'FAILED';
        next.phase = null;
        next.failure = { code, message: payPalDeclineSentence(code) };
        return [];
      }
    }
  },

  expires: false,
  view: {
    shape: () => ({
      paypal: z.object({ orderId: z.string(), captureId: z.string(), captureStatus: z.string() }).nullable(),
    }),
    of: (s) => ({ paypal: s.paypal }),
  },
  byHandRefusal: (verb) => `A PayPal top-up is settled by PayPal and cannot be ${verb} by hand`,
  timer: {
    pending: (s) => (s.phase === 'awaiting_capture' ? { kind: 'capture-recheck' } : null),
    fired: (): PayPalTopUpEvent => ({ type: 'CAPTURE_RECHECK_DUE' }),
    interval: (_timer, timings) => timings.captureRecheckInterval,
  },

  describe(s, amount) {
    if (s.phase === 'awaiting_capture' || s.phase === 'checking_capture')
      return `PayPal holds the payment of ${amount} (capture ${s.paypal?.captureStatus ?? 'PENDING'}); the wallet is credited when PayPal completes it.`;
    return `Charging ${amount} to the linked PayPal account.`;
  },
});

function afterCapture(next: TopUpState, captureStatus: string): SharedTopUpCommand[] {
  if (captureStatus === 'COMPLETED') return creditTheWallet(next, next.topUp.amount);
  if (deadCaptureStatuses.has(captureStatus)) {
    next.status = 'FAILED';
    next.phase = null;
    next.failure = {
      code: `CAPTURE_${captureStatus}`,
      message: `PayPal did not complete the payment (capture ${captureStatus}). Nothing was credited; try again or top up by bank transfer.`,
    };
    return [];
  }
  // PENDING (or a status PayPal adds later): the money has not arrived; look again later.
  next.phase = 'awaiting_capture';
  return [];
}

/** What a merchant is told when PayPal declines a top-up, by PayPal's issue code. */
export function payPalDeclineSentence(issue: string): string {
  switch (issue) {
    case 'INSTRUMENT_DECLINED':
      return 'PayPal declined the payment: the card or bank account behind your PayPal was refused. Choose another funding source in PayPal, or top up by bank transfer.';
    case 'PAYER_CANNOT_PAY':
    case 'TRANSACTION_REFUSED':
      return 'PayPal refused this payment from your account. Check your PayPal account, or top up by bank transfer.';
    case 'PAYER_ACTION_REQUIRED':
      return 'PayPal needs you to approve this payment yourself, which a saved account cannot do. Link PayPal again, or top up by bank transfer.';
    case 'BILLING_AGREEMENT_NOT_FOUND':
    case 'INVALID_RESOURCE_ID':
      return 'Your saved PayPal account is no longer valid at PayPal. Link PayPal again.';
    case 'TRANSACTION_LIMIT_EXCEEDED':
    case 'MAX_NUMBER_OF_PAYMENT_ATTEMPTS_EXCEEDED':
      return 'PayPal refused the payment because of a limit on your account. Try a smaller amount or later, or top up by bank transfer.';
    case 'PAYPAL_NOT_LINKED':
      return 'No PayPal account is linked any more. Link PayPal in your settings, or top up by bank transfer.';
    default:
      return `PayPal declined the payment (${issue}). Check your PayPal account, or top up by bank transfer.`;
  }
}
