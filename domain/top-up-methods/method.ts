import type { z } from 'zod';
import type { OperatorRef, TopUpRecord, TopUpStatus, TopUpTimings } from '../top-up.js';

/**
 * What a top-up method (PayPal, bank transfer…) brings to the top-up machine (domain/top-up-machine.ts), which keeps
 * what every top-up shares: credit what really arrived, once, then wake the orders waiting for funds; an operator's
 * confirmation or rejection where the method is settled by hand. Adding a method = its module beside this file and
 * a line in registry.ts, its activities (activities/top-up-methods/) and the workflow's way of calling them
 * (workflows/top-up/methods/), and how the API prepares it (api/top-up-methods.ts).
 */

/** Sub-step of a running top-up: the shared ones, or a method's own (e.g. PayPal's `charging`). */
export type TopUpPhase = 'crediting' | 'resuming_orders' | (string & {}) | null;

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

/** The events and commands every top-up shares; a method adds its own (registry.ts unites them). */
export type SharedTopUpEvent =
  | { type: 'START' }
  | { type: 'CONFIRM'; amountReceived: number; bankReference: string; by: OperatorRef }
  | { type: 'REJECT'; reason: string; by: OperatorRef }
  | { type: 'EXPIRED' }
  | { type: 'CREDITED'; transactionId: string; amount: number; available: number }
  | { type: 'ORDERS_RESUMED'; orderIds: string[] };

export type SharedTopUpCommand =
  | { type: 'CREDIT'; amount: number; confirmation: TopUpState['confirmation'] }
  | { type: 'RECORD_REJECTION'; reason: string; by: OperatorRef }
  | { type: 'RESUME_ORDERS'; available: number };

/** A timer the top-up waits on: at a fixed time, or after the method's interval. */
export type TopUpTimer = { kind: string; at?: string };

export type Step<C> = { accepted: true; state: TopUpState; commands: C[] } | { accepted: false; reason: string };

export interface TopUpMethodDefinition<
  N extends string,
  E extends { type: string },
  C extends { type: string },
  V extends z.ZodRawShape = z.ZodRawShape,
> {
  /** Lower-case: the API's `method`, the stored column, the workflow input's `topUp.method`. */
  readonly name: N;
  /** As merchants and operators read it: "PayPal". */
  readonly label: string;
  /** The POST /v1/wallet/top-ups body besides `method`, `amount` and `currency` (none so far). */
  readonly request: z.ZodRawShape;
  /** What starting one does, for the API docs. */
  readonly summary: string;
  /** The event types this method handles (the machine hands each to `apply`). */
  readonly events: readonly E['type'][];
  /** START: what the top-up does first (`next.phase` may be set); no commands: it waits. */
  start(next: TopUpState): C[];
  /** One of the method's own events, on a copy of the state (`next`); a string refuses it. */
  apply(s: TopUpState, next: TopUpState, event: E): (C | SharedTopUpCommand)[] | string;
  /**
   * The method's part of the top-up's view (e.g. `paypal: {…}`): null on other methods' top-ups. Its schema is
   * built when asked for (by the API, once): workflow code loads the methods (domain/lazy.ts).
   */
  readonly view: { shape(): V; of(s: TopUpState): z.output<z.ZodObject<V>> };
  /** Why an operator may not confirm or reject this method's top-ups; null: the finance desk settles them. */
  byHandRefusal(verb: string): string | null;
  /** Whether an unsettled top-up of this method ends EXPIRED at its deadline (EXPIRED is refused otherwise). */
  readonly expires: boolean;
  /** The timer a PENDING top-up of this method waits on (none: it waits only for its commands or an operator). */
  readonly timer?: {
    pending(s: TopUpState): TopUpTimer | null;
    /** What its firing is to the machine. */
    fired(timer: TopUpTimer): NoInfer<E> | { type: 'EXPIRED' };
    /** How long a timer without a fixed time (`at`) lasts. */
    interval?(timer: TopUpTimer, timings: TopUpTimings): number;
  };
  /** What a PENDING top-up waits for in the method's own phases (or with none), in words. */
  describe(s: TopUpState, amount: string): string;
}

/** The money has arrived: credit it (what arrived, not what was asked for, when they differ). */
export function creditTheWallet(next: TopUpState, amount: number): SharedTopUpCommand[] {
  next.phase = 'crediting';
  return [{ type: 'CREDIT', amount, confirmation: next.confirmation }];
}

/** Types a method definition: its name, and its own events and commands for the registry's unions. */
export function defineTopUpMethod<
  N extends string,
  E extends { type: string },
  C extends { type: string },
  V extends z.ZodRawShape,
>(definition: TopUpMethodDefinition<N, E, C, V>): TopUpMethodDefinition<N, E, C, V> {
  return definition;
}
