import type { SignalDefinition, UpdateDefinition } from '@temporalio/common';
import { defineSignal, defineUpdate } from '@temporalio/workflow';
import { z } from 'zod';
import { once } from './lazy.js';
import { orderPatch, orderPatchBody, shippingMethod } from './order-patch.js';
import type { OrderStatus } from './order-status.js';
import type { OrderPatch, OrderView } from './order.js';
import type { ReviewReason } from './review-reasons.js';

/**
 * The merchant actions, one entry each: everything else — the signal and update definitions, the workflow's
 * handlers, the REST routes, their request schemas and OpenAPI entries — is derived from this table. Adding an
 * action = one entry here + its handling in the state machine (domain/order-machine.ts).
 *
 * Each action exists twice under its name: as a signal (operators send it from the Temporal UI or CLI) and as an
 * update (the REST API calls it; its validator refuses what the status does not allow, writing nothing). Every
 * payload is optional JSON so that a signal typed by hand in the UI works with `{}` or no input.
 *
 * Workflow code loads this table in every cached order: its schemas are factories, built on first use
 * (domain/lazy.ts), and the API's schemas (domain/order.ts) are imported for their types only.
 */

/** What an action answers: the order as it stands once the workflow accepted the action. */
export type OrderActionResult = OrderView & {
  channelCancellation: 'not_applicable' | 'pending' | 'done' | 'failed' | null;
};

/** Who sent it, for the timeline; the API always fills it in, a signal typed in the UI may not. */
const by = () => z.string().max(200).optional();

export interface RestExposure {
  method: 'post' | 'patch';
  /** OpenAPI style: `/v1/orders/{id}/resend`. */
  path: string;
  summary: string;
  /**
   * The answer's shape when it is not the plain order, made by the API from the order view's schema (built once,
   * for the OpenAPI document), and how it is made from the workflow's answer.
   */
  answer?: { schema(view: typeof OrderView): z.ZodType; from(result: OrderActionResult): unknown };
}

interface ActionSpec<N extends string, B extends z.ZodType, M extends z.ZodType, T extends string, P extends object> {
  name: N;
  /** What a merchant may send: the REST body (built once, on first use). */
  args: () => B;
  /**
   * The message the workflow accepts: the arguments, who sent it (`by`), and any field only the platform itself
   * sends (e.g. a shop's own cancellation). Built on first use, without OpenAPI ids (those are the API's).
   */
  message: () => M;
  /** The state machine's event type and how the parsed message becomes the rest of the event. */
  type: T;
  event: (args: z.output<M>) => P;
  /** How the timeline names the action when it is refused ("Resending is not allowed while…"). */
  label: string;
  /**
   * The statuses in which the state machine (domain/order-machine.ts) accepts it: each order's view advertises
   * the actions of its status (`allowedActions`), and test/unit/order-actions.test.ts holds the machine to it.
   */
  allowedIn: readonly OrderStatus[];
  /** null: a signal only (e.g. sent by the platform's own top-up flow). */
  rest: RestExposure | null;
}

function action<N extends string, B extends z.ZodType, M extends z.ZodType, T extends string, P extends object>(
  spec: ActionSpec<N, B, M, T, P>,
) {
  const body = once(spec.args);
  const message = once(spec.message);
  return {
    name: spec.name,
    type: spec.type,
    label: spec.label,
    allowedIn: spec.allowedIn,
    rest: spec.rest,
    get body(): B {
      return body();
    },
    get message(): M {
      return message();
    },
    event: (args: z.output<M>): { type: T } & P => ({ ...spec.event(args), type: spec.type }),
    // Typed with the parsed form: senders parse before sending, and the workflow parses again whatever arrives.
    signal: defineSignal<[z.output<M>?], N>(spec.name),
    update: defineUpdate<OrderActionResult, [z.output<M>], N>(spec.name),
  };
}

const empty = () => z.object({}).strict();
const withBy = () => empty().safeExtend({ by: by() });
const synchronizeFields = () => z.object({ shippingMethod: shippingMethod().optional() }).strict();

/** Where an order waits for the merchant: its data can be fixed and it can be cancelled. */
const waiting: readonly OrderStatus[] = ['AWAITING_PAYMENT', 'AWAITING_SHIPPING_METHOD', 'PENDING_REVIEW'];

const entries = {
  paymentAccepted: action({
    name: 'paymentAccepted',
    args: empty,
    message: withBy,
    type: 'PAYMENT_ACCEPTED',
    event: () => ({}),
    label: 'Accepting the payment',
    allowedIn: ['AWAITING_PAYMENT'],
    rest: { method: 'post', path: '/v1/orders/{id}/payment-accepted', summary: 'The bank transfer arrived' },
  }),
  addressFixed: action({
    name: 'addressFixed',
    args: orderPatchBody,
    // OrderPatch carries a refinement, hence an intersection rather than an extension.
    message: () => orderPatch().and(z.object({ by: by() })),
    type: 'FIX_DATA',
    // `checked`: the re-checked data problems, filled in by the workflow from its check activity.
    event: ({ by: _by, ...patch }): { patch: OrderPatch; checked?: ReviewReason[] } => ({ patch }),
    label: 'Editing the order',
    allowedIn: waiting,
    rest: {
      method: 'patch',
      path: '/v1/orders/{id}',
      summary: "Fix the order's data; answers with the data re-checked",
    },
  }),
  resend: action({
    name: 'resend',
    args: empty,
    message: withBy,
    type: 'RESEND',
    event: () => ({}),
    label: 'Resending',
    allowedIn: ['PENDING_REVIEW'],
    rest: { method: 'post', path: '/v1/orders/{id}/resend', summary: 'Try a pending-review order again now' },
  }),
  cancel: action({
    name: 'cancel',
    args: () =>
      z
        .object({ reason: z.string().trim().max(500).optional() })
        .strict()
        .meta({ id: 'CancelOrder' }),
    // The REST body trims the reason; the message never did, and running orders must parse signals as they did.
    message: () =>
      z.object({ by: by(), reason: z.string().max(500).optional(), fromChannel: z.boolean().optional() }).strict(),
    type: 'CANCEL',
    event: (
      a,
    ): { reason?: string; /** The shop cancelled it: nothing to tell the shop back. */ fromChannel?: boolean } => ({
      ...(typeof a.reason === 'string' ? { reason: a.reason } : {}),
      ...(a.fromChannel === true ? { fromChannel: true } : {}),
    }),
    label: 'Cancelling',
    allowedIn: waiting,
    rest: {
      method: 'post',
      path: '/v1/orders/{id}/cancel',
      summary: 'Cancel; any charge is returned; says whether the sales channel was told',
      answer: {
        schema: (view) =>
          view.extend({ channelCancelled: z.boolean(), message: z.string() }).meta({ id: 'CancelResult' }),
        from: (result) => ({ ...result, ...channelOutcome(result) }),
      },
    },
  }),
  markSentManually: action({
    name: 'markSentManually',
    args: empty,
    message: withBy,
    type: 'MARK_SENT_MANUALLY',
    event: () => ({}),
    label: 'Marking as sent manually',
    allowedIn: ['PENDING_REVIEW'],
    rest: {
      method: 'post',
      path: '/v1/orders/{id}/mark-sent-manually',
      summary: 'The merchant places this order at the supplier by hand; any charge is returned',
    },
  }),
  synchronize: action({
    name: 'synchronize',
    args: () => synchronizeFields().meta({ id: 'SynchronizeOrder' }),
    message: () => synchronizeFields().safeExtend({ by: by() }),
    type: 'SYNCHRONIZE',
    event: (a): { shippingMethod?: string } =>
      typeof a.shippingMethod === 'string' ? { shippingMethod: a.shippingMethod } : {},
    label: 'Synchronizing',
    // A cash-on-delivery order without a shipping method needs one in the request (the console's carrier picker).
    allowedIn: ['AWAITING_SHIPPING_METHOD'],
    rest: {
      method: 'post',
      path: '/v1/orders/{id}/synchronize',
      summary: 'Choose the shipping method of a cash-on-delivery order and send it',
    },
  }),
  walletToppedUp: action({
    name: 'walletToppedUp',
    args: empty,
    message: withBy,
    type: 'WALLET_TOPPED_UP',
    event: () => ({}),
    label: 'A wallet top-up',
    // Only while the order waits for funds (INSUFFICIENT_FUNDS or PAYMENT_DECLINED among its reasons).
    allowedIn: ['PENDING_REVIEW'],
    rest: null,
  }),
};

type Entries = typeof entries;
export type ActionName = keyof Entries;
/** The message payload (signal or update argument), parsed. */
export type ActionArgs<N extends ActionName> = z.output<Entries[N]['message']>;
/** The state machine's events for merchant actions, one per entry. */
export type ActionEvent = { [N in ActionName]: ReturnType<Entries[N]['event']> }[ActionName];

/** One action as the rest of the code sees it; indexed by a generic name, its parts stay tied to each other. */
export interface OrderAction<N extends ActionName> {
  readonly name: N;
  readonly type: ActionEvent['type'];
  readonly label: string;
  readonly allowedIn: readonly OrderStatus[];
  readonly rest: RestExposure | null;
  /** The REST request body (the public arguments). */
  readonly body: z.ZodType;
  readonly message: z.ZodType<ActionArgs<N>>;
  readonly event: (args: ActionArgs<N>) => ActionEvent;
  readonly signal: SignalDefinition<[ActionArgs<N>?], N>;
  readonly update: UpdateDefinition<OrderActionResult, [ActionArgs<N>], N>;
}

export const orderActions: { readonly [N in ActionName]: OrderAction<N> } = entries;

function isActionName(name: string): name is ActionName {
  return Object.hasOwn(entries, name);
}

export const actionNames: readonly ActionName[] = Object.keys(entries).filter(isActionName);

/** The actions a client can send through the REST API (the others are signals the platform sends itself). */
export const restActionNames = actionNames.filter((n) => orderActions[n].rest !== null);

/** What an order in this status accepts from a merchant right now, as its `allowedActions` advertise it. */
export function allowedActions(status: OrderStatus): ActionName[] {
  return restActionNames.filter((n) => orderActions[n].allowedIn.includes(status));
}

/** The timeline's name of an action event type ("Resending"), or the type itself for any other event. */
export function actionLabel(type: string): string {
  return actionNames.map((n) => orderActions[n]).find((a) => a.type === type)?.label ?? type;
}

export function isActionType(type: string): type is ActionEvent['type'] {
  return actionNames.some((n) => orderActions[n].type === type);
}

/** What the cancel answer tells the merchant about the sales channel. */
export function channelOutcome(order: OrderActionResult): { channelCancelled: boolean; message: string } {
  switch (order.channelCancellation) {
    case 'done':
      return { channelCancelled: true, message: `Cancelled here and on ${order.channel}.` };
    case 'pending':
    case 'failed':
      return {
        channelCancelled: false,
        message: `Cancelled here; ${order.channel} has not confirmed the cancellation yet and the platform keeps trying.`,
      };
    default:
      return {
        channelCancelled: false,
        message: `Cancelled here. Cancel the order on ${order.channel} yourself: the platform has no connection to it.`,
      };
  }
}
