import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import { z } from 'zod';
import { OrderPatch, ShippingMethod, type OrderView } from '../domain/order.js';

/**
 * Each merchant action exists twice under one name: as a signal (operators send it from the Temporal UI or CLI)
 * and as an update (the REST API calls it; its validator refuses what the status does not allow, writing nothing).
 * Every payload is optional JSON so that a signal typed by hand in the UI works with `{}` or no input.
 */
const by = z.string().max(200).optional();

export const ActionArgs = {
  paymentAccepted: z.object({ by }).strict(),
  addressFixed: OrderPatch.and(z.object({ by })),
  resend: z.object({ by }).strict(),
  cancel: z.object({ by, reason: z.string().max(500).optional(), fromChannel: z.boolean().optional() }).strict(),
  markSentManually: z.object({ by }).strict(),
  synchronize: z.object({ by, shippingMethod: ShippingMethod.optional() }).strict(),
  walletToppedUp: z.object({ by }).strict(),
} as const;

export type ActionName = keyof typeof ActionArgs;
export type ActionInput<N extends ActionName> = z.input<(typeof ActionArgs)[N]>;

export const actionNames = Object.keys(ActionArgs) as ActionName[];

export const signals = {
  paymentAccepted: defineSignal<[ActionInput<'paymentAccepted'>?]>('paymentAccepted'),
  addressFixed: defineSignal<[ActionInput<'addressFixed'>]>('addressFixed'),
  resend: defineSignal<[ActionInput<'resend'>?]>('resend'),
  cancel: defineSignal<[ActionInput<'cancel'>?]>('cancel'),
  markSentManually: defineSignal<[ActionInput<'markSentManually'>?]>('markSentManually'),
  synchronize: defineSignal<[ActionInput<'synchronize'>?]>('synchronize'),
  walletToppedUp: defineSignal<[ActionInput<'walletToppedUp'>?]>('walletToppedUp'),
};

export type OrderActionResult = OrderView & { channelCancellation: string | null };

export const updates = {
  paymentAccepted: defineUpdate<OrderActionResult, [ActionInput<'paymentAccepted'>]>('paymentAccepted'),
  addressFixed: defineUpdate<OrderActionResult, [ActionInput<'addressFixed'>]>('addressFixed'),
  resend: defineUpdate<OrderActionResult, [ActionInput<'resend'>]>('resend'),
  cancel: defineUpdate<OrderActionResult, [ActionInput<'cancel'>]>('cancel'),
  markSentManually: defineUpdate<OrderActionResult, [ActionInput<'markSentManually'>]>('markSentManually'),
  synchronize: defineUpdate<OrderActionResult, [ActionInput<'synchronize'>]>('synchronize'),
  walletToppedUp: defineUpdate<OrderActionResult, [ActionInput<'walletToppedUp'>]>('walletToppedUp'),
};

export const stateQuery = defineQuery<OrderActionResult>('state');

/** ApplicationFailure type of a refused action: the API maps it to 409 INVALID_STATE. */
export const INVALID_STATE = 'INVALID_STATE';
export const INVALID_ARGUMENT = 'INVALID_ARGUMENT';
