import { z } from 'zod';
import { Currency } from './order.js';

/**
 * A wallet top-up: money the merchant sends the platform, by PayPal (charged on the linked account) or by bank
 * transfer (credited once an operator confirms what arrived). Each is a workflow; these are its shapes.
 */

export const TopUpMethod = z.enum(['paypal', 'bank_transfer']);
export type TopUpMethod = z.infer<typeof TopUpMethod>;

export const TopUpStatus = z.enum(['PENDING', 'COMPLETED', 'FAILED', 'REJECTED', 'EXPIRED']);
export type TopUpStatus = z.infer<typeof TopUpStatus>;

/** Where the merchant sends a transfer, as configured, with the reference that identifies this top-up. */
export const BankTransferInstructions = z
  .object({
    iban: z.string(),
    bic: z.string(),
    beneficiary: z.string(),
    reference: z.string().meta({
      description: 'ISO 11649 creditor reference to write on the transfer (check digits catch typos)',
      example: 'RF47 8K3D 9QXW 2M5T',
    }),
    expiresAt: z.string().meta({ description: 'Not confirmed by then, the top-up ends EXPIRED' }),
  })
  .meta({ id: 'BankTransferInstructions' });
export type BankTransferInstructions = z.infer<typeof BankTransferInstructions>;

/** What a top-up workflow starts from. */
export interface TopUpRecord {
  id: string;
  merchantId: string;
  method: TopUpMethod;
  amount: number;
  currency: string;
  createdAt: string;
  bankTransfer?: BankTransferInstructions;
}

/** An operator acting on a top-up: name and key, for the audit log. */
export interface OperatorRef {
  name: string;
  keyId: string;
}

export const TopUpView = z
  .object({
    id: z.string(),
    workflowId: z.string(),
    merchantId: z.string(),
    method: TopUpMethod,
    status: TopUpStatus,
    amount: z.number().int().meta({ description: 'Asked for, in minor units' }),
    currency: Currency,
    credited: z
      .object({ amount: z.number().int(), transactionId: z.string(), at: z.string() })
      .nullable()
      .meta({ description: 'What reached the wallet: for a transfer, what the bank actually received' }),
    bankTransfer: BankTransferInstructions.extend({
      confirmation: z
        .object({
          amountReceived: z.number().int(),
          bankReference: z.string(),
          at: z.string(),
          by: z.string().optional(),
        })
        .nullable(),
      rejection: z.object({ reason: z.string(), at: z.string(), by: z.string().optional() }).nullable(),
    }).nullable(),
    paypal: z.object({ orderId: z.string(), captureId: z.string(), captureStatus: z.string() }).nullable(),
    failure: z
      .object({ code: z.string(), message: z.string() })
      .nullable()
      .meta({ description: "Why it failed: PayPal's issue code and a sentence" }),
    ordersResumed: z
      .array(z.string())
      .meta({ description: 'Orders waiting for funds that this top-up woke, oldest first' }),
    waitingFor: z.string().nullable(),
    createdAt: z.string(),
    updatedAt: z.string(),
    version: z.number().int(),
  })
  .meta({ id: 'TopUp' });
export type TopUpView = z.infer<typeof TopUpView>;

/** The one place that turns a top-up id into its workflow id. */
export function topUpWorkflowId(topUpId: string): string {
  return `topup-${topUpId}`;
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

/** How a top-up workflow retries and re-checks; configuration, passed in at start. */
export interface TopUpTimings {
  activityTimeout: number;
  retryInitialInterval: number;
  retryMaxInterval: number;
  /** How often a PENDING PayPal capture is looked at again until PayPal settles it. */
  captureRecheckInterval: number;
}
