import type { UpdateDefinition } from '@temporalio/common';
import { defineQuery, defineUpdate } from '@temporalio/workflow';
import { z } from 'zod';
import { once } from '../domain/lazy.js';
import type { TopUpView } from '../domain/top-up.js';

/**
 * The finance desk's actions on a bank-transfer top-up. Updates only, sent by the REST API with the operator's
 * named key: there is deliberately no signal, since money actions must carry an authenticated operator for the
 * audit log, which a signal typed in the Temporal UI cannot.
 */
const operator = () => z.object({ name: z.string().min(1).max(100), keyId: z.string().min(1).max(100) }).strict();

// Built on first use: every workflow a worker caches loads this module (domain/lazy.ts).
const confirmArgs = once(() =>
  z
    .object({
      amountReceived: z.number().int().positive().max(Number.MAX_SAFE_INTEGER),
      bankReference: z.string().min(1).max(140),
      by: operator(),
    })
    .strict(),
);
const rejectArgs = once(() => z.object({ reason: z.string().min(1).max(500), by: operator() }).strict());

export const TopUpActionArgs = {
  get confirm() {
    return confirmArgs();
  },
  get reject() {
    return rejectArgs();
  },
};

export type TopUpActionName = keyof typeof TopUpActionArgs;
export type TopUpActionInput<N extends TopUpActionName> = z.input<(typeof TopUpActionArgs)[N]>;

// Typed per action, so that a caller generic over the action name needs no cast.
export const topUpUpdates: { [N in TopUpActionName]: UpdateDefinition<TopUpView, [TopUpActionInput<N>]> } = {
  confirm: defineUpdate<TopUpView, [TopUpActionInput<'confirm'>]>('confirmTopUp'),
  reject: defineUpdate<TopUpView, [TopUpActionInput<'reject'>]>('rejectTopUp'),
};

export const topUpStateQuery = defineQuery<TopUpView>('state');
