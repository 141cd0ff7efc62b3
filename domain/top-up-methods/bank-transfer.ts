import { z } from 'zod';
import { once } from '../lazy.js';
import { defineTopUpMethod } from './method.js';

/**
 * Where the merchant sends a transfer, as configured, with the reference that identifies this top-up. Built on first
 * use: workflow code loads this module (domain/lazy.ts).
 */
export const bankTransferInstructions = once(() =>
  z
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
    .meta({ id: 'BankTransferInstructions' }),
);
export type BankTransferInstructions = z.infer<ReturnType<typeof bankTransferInstructions>>;

/**
 * Bank transfer: START → (waits) → CONFIRM by an operator → credit what arrived
 *                                → REJECT by an operator → REJECTED;  expiry timer → EXPIRED
 * The merchant sends the money with the reference from the top-up's instructions; the finance desk confirms what
 * arrived (the shared CONFIRM / REJECT of the machine).
 */
export const bankTransferTopUps = defineTopUpMethod({
  name: 'bank_transfer',
  label: 'bank transfer',
  request: {},
  summary:
    'answers the bank details and a payment reference; credited once the finance desk confirms the money arrived.',
  events: [] as never[],
  start: (): never[] => [],
  apply: (_s, _next, _event: never) => 'A bank transfer has no events of its own',
  expires: true,
  view: {
    shape: () => ({
      bankTransfer: bankTransferInstructions()
        .extend({
          confirmation: z
            .object({
              amountReceived: z.number().int(),
              bankReference: z.string(),
              at: z.string(),
              by: z.string().optional(),
            })
            .nullable(),
          rejection: z.object({ reason: z.string(), at: z.string(), by: z.string().optional() }).nullable(),
        })
        .nullable(),
    }),
    of: (s) => ({
      bankTransfer: s.topUp.bankTransfer
        ? {
            ...s.topUp.bankTransfer,
            confirmation: s.confirmation
              ? {
                  amountReceived: s.confirmation.amountReceived,
                  bankReference: s.confirmation.bankReference,
                  at: s.confirmation.at,
                  by: s.confirmation.by.name,
                }
              : null,
            rejection: s.rejection ? { reason: s.rejection.reason, at: s.rejection.at, by: s.rejection.by.name } : null,
          }
        : null,
    }),
  },
  byHandRefusal: () => null,
  timer: {
    pending: (s) =>
      !s.confirmation && s.topUp.bankTransfer ? { kind: 'expiry', at: s.topUp.bankTransfer.expiresAt } : null,
    fired: () => ({ type: 'EXPIRED' }),
  },
  describe: (s, amount) =>
    `Waiting for a bank transfer of ${amount} with reference ${s.topUp.bankTransfer?.reference ?? '?'}, to be confirmed by the finance desk before ${s.topUp.bankTransfer?.expiresAt ?? '?'}.`,
});
