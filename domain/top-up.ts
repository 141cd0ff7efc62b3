import { z } from 'zod';
import { Currency } from './order.js';
import { bankTransferInstructions } from './top-up-methods/bank-transfer.js';
import { topUpMethodNames, topUpViewShape } from './top-up-methods/registry.js';

/**
 * A wallet top-up: money the merchant sends the platform, by one of the methods of domain/top-up-methods/ (PayPal
 * charged on the linked account, a bank transfer credited once an operator confirms what arrived). Each is a
 * workflow; these are its shapes.
 */

// The schemas of the API (workflow code imports this module for its types only: domain/lazy.ts).
export const TopUpMethod = z.enum(topUpMethodNames);
export type TopUpMethod = z.infer<typeof TopUpMethod>;
export const BankTransferInstructions = bankTransferInstructions();
export type BankTransferInstructions = z.infer<typeof BankTransferInstructions>;

export const TopUpStatus = z.enum(['PENDING', 'COMPLETED', 'FAILED', 'REJECTED', 'EXPIRED']);
export type TopUpStatus = z.infer<typeof TopUpStatus>;

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
    // Each method's own part (bankTransfer, paypal…), null on the other methods' top-ups.
    ...topUpViewShape(),
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

export { topUpWorkflowId } from './ids.js';

/** How a top-up workflow retries and re-checks; configuration, passed in at start. */
export interface TopUpTimings {
  activityTimeout: number;
  retryInitialInterval: number;
  retryMaxInterval: number;
  /** How often a PENDING PayPal capture is looked at again until PayPal settles it. */
  captureRecheckInterval: number;
}
