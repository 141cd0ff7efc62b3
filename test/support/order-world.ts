import type { AllActivities } from '../../activities/order-activities.js';
import type { HoldResult, PayPalResult, QuoteResult, SubmitResult } from '../../activities/types.js';
import {
  initialState,
  pendingTimer,
  transition,
  type Command,
  type OrderEvent,
  type OrderState,
  type TimerKind,
} from '../../domain/order-machine.js';
import type { WorkflowHandle } from '@temporalio/client';
import { orderWorkflowId } from '../../domain/ids.js';
import type { OrderRecord, OrderView, PaymentMethod, Tracking } from '../../domain/order.js';
import type { orderWorkflowV2 } from '../../workflows/order-workflow.js';
import type { WorkflowWorker } from './workflow-worker.js';
import type { ReviewReason } from '../../domain/review-reasons.js';
import { defaultTimings, type OrderTimings } from '../../domain/timings.js';

/**
 * What the outside world answers one order: the supplier, the wallet, PayPal (the customer data always passes). The workflow test's
 * stub activities answer from it, and so does the oracle below, which runs the pure state machine through the same
 * answers: the status and version the workflow must reach, and whether it must take an action.
 */
export interface OrderWorld {
  /** 'hang': the supplier never answers the quote (the order stays PROCESSING until the test ends). */
  quote: QuoteResult | 'hang';
  hold: HoldResult;
  paypal: PayPalResult;
  submit: SubmitResult;
  probe: { ready: boolean; reasons: ReviewReason[] };
  tracking: Tracking | null;
  /** Timers that fire at once for this order (the others wait hours). */
  fires: TimerKind[];
}

const cost = { products: 4000, shipping: 500, taxes: 990, total: 5490, currency: 'EUR' };

export const happyWorld: OrderWorld = {
  quote: { ok: true, cost },
  hold: { held: true, reference: 'hold-1' },
  paypal: { outcome: 'charged', reference: 'paypal-1' },
  submit: { ok: true, supplierOrderId: 'sup-1', alreadyExisted: false },
  probe: { ready: false, reasons: [] },
  tracking: null,
  fires: [],
};

/** Hours for every timer, except the ones the world says fire at once. */
export function timingsFor(world: OrderWorld): OrderTimings {
  const soon = (kind: TimerKind, ms: number): number => (world.fires.includes(kind) ? 1 : ms);
  return {
    ...defaultTimings,
    bankTransferExpiry: soon('payment-expiry', defaultTimings.bankTransferExpiry),
    trackingPollInterval: soon('tracking-poll', defaultTimings.trackingPollInterval),
    stockRecheckInterval: soon('stock-recheck', defaultTimings.stockRecheckInterval),
    fundsRetrySchedule: [soon('funds-retry', defaultTimings.fundsRetrySchedule[0] ?? 1)],
    activityTimeout: 10_000,
    retryInitialInterval: 100,
    retryMaxInterval: 1_000,
  };
}

/** The machine's next event for a command, as the workflow's command runner makes it; null: no answer comes. */
function answer(command: Command, world: OrderWorld): OrderEvent | null {
  switch (command.type) {
    case 'CHECK_DATA':
      return { type: 'DATA_CHECKED', reasons: [] };
    case 'QUOTE':
      if (world.quote === 'hang') return null;
      return world.quote.ok
        ? { type: 'QUOTED', cost: world.quote.cost }
        : { type: 'QUOTE_REFUSED', reasons: world.quote.reasons };
    case 'HOLD_WALLET':
      return world.hold.held
        ? { type: 'WALLET_HELD', reference: world.hold.reference }
        : { type: 'WALLET_SHORT', available: world.hold.available };
    case 'CHARGE_PAYPAL':
      if (world.paypal.outcome === 'charged') return { type: 'PAYPAL_CHARGED', reference: world.paypal.reference };
      if (world.paypal.outcome === 'not_enabled')
        return { type: 'PAYPAL_NOT_ENABLED', available: world.paypal.available };
      return { type: 'PAYPAL_DECLINED', issue: world.paypal.issue, message: world.paypal.message };
    case 'SUBMIT':
      return world.submit.ok
        ? { type: 'SUPPLIER_ACCEPTED', supplierOrderId: world.submit.supplierOrderId, alreadyExisted: false }
        : { type: 'SUPPLIER_REFUSED', reasons: world.submit.reasons };
    case 'CAPTURE_WALLET':
      return { type: 'CHARGE_CAPTURED' };
    case 'RETURN_CHARGE':
      return { type: 'CHARGE_RETURNED' };
    case 'PROBE':
      return { type: 'PROBED', ...world.probe, by: 'timer' };
    case 'POLL_TRACKING':
      return world.tracking ? { type: 'TRACKING_FOUND', tracking: world.tracking } : { type: 'TRACKING_PENDING' };
    case 'NOTIFY_CHANNEL_SHIPPED':
      return { type: 'CHANNEL_NOTIFIED', what: 'shipped', ok: true };
    case 'CANCEL_ON_CHANNEL':
      return { type: 'CHANNEL_NOTIFIED', what: 'cancelled', ok: true };
  }
}

/** The pure machine after an event and everything the world answers to it, up to where the order waits. */
export function settle(state: OrderState, event: OrderEvent, world: OrderWorld, at: string): OrderState {
  const queue: OrderEvent[] = [event];
  let s = state;
  for (;;) {
    const next = queue.shift();
    if (!next) {
      const timer = pendingTimer(s);
      if (!timer || !world.fires.includes(timer.timer)) return s;
      queue.push({ type: 'TIMER_FIRED', timer: timer.timer, by: 'timer' });
      continue;
    }
    const result = transition(s, next, at);
    if (!result.accepted) throw new Error(`the oracle's world does not fit the machine: ${result.reason}`);
    s = result.state;
    for (const command of result.commands) {
      const reply = answer(command, world);
      if (reply) queue.push(reply);
    }
  }
}

/**
 * Starts the real order workflow for a new order with one item, answered by `world`'s stubs and timers: of the
 * type new orders start (`orderWorkflowV2`), or of the type of the orders started before it.
 */
export async function startOrder(
  worker: WorkflowWorker,
  opts: {
    id: string;
    merchantId: string;
    payment: PaymentMethod;
    world: OrderWorld;
    workflowType?: 'orderWorkflowV2' | 'orderWorkflow';
  },
): Promise<{ order: OrderRecord; handle: WorkflowHandle<typeof orderWorkflowV2> }> {
  const order: OrderRecord = {
    id: opts.id,
    merchantId: opts.merchantId,
    createdAt: new Date().toISOString(),
    channel: 'manual',
    externalId: opts.id,
    payment: { method: opts.payment, amountPaid: 5990, currency: 'EUR' },
    customer: { name: 'Maria Rossi', email: 'maria@example.com', phone: '+39 333 1234567' },
    shippingAddress: { line1: 'Via Roma 1', line2: '', city: 'Milano', postcode: '20121', region: 'MI', country: 'IT' },
    items: [{ sku: 'BB-1001', quantity: 1 }],
  };
  const handle = await worker.client.workflow.start<typeof orderWorkflowV2>(opts.workflowType ?? 'orderWorkflowV2', {
    workflowId: orderWorkflowId(order.id),
    taskQueue: worker.taskQueue,
    args: [{ order, timings: timingsFor(opts.world) }],
  });
  return { order, handle };
}

/** A new order's state, as the workflow's current patches start it. */
export function startedState(order: OrderRecord, world: OrderWorld): OrderState {
  const fresh = initialState(order, { checksIn: 'activity', submittedAfterCapture: true });
  return settle(fresh, { type: 'START' }, world, order.createdAt);
}

/** The views the workflows wrote to their (stub) projection: a test waits on them instead of polling. */
export class Projected<V extends { id: string; version: number }> {
  private readonly latest = new Map<string, V>();
  private readonly waiters = new Set<() => void>();

  write(view: V): void {
    if ((this.latest.get(view.id)?.version ?? -1) < view.version) this.latest.set(view.id, view);
    for (const wake of [...this.waiters]) wake();
  }

  /** The view of `id` once it has reached `version`. */
  async atLeast(id: string, version: number): Promise<V> {
    for (;;) {
      const view = this.latest.get(id);
      if (view && view.version >= version) return view;
      await new Promise<void>((resolve) => {
        const wake = (): void => {
          this.waiters.delete(wake);
          resolve();
        };
        this.waiters.add(wake);
      });
    }
  }
}

/**
 * Stub activities answering each order from its world (looked up by order id); the projection keeps the views for
 * the test. A hanging quote answers once the test lets go (`release`), so the worker can shut down.
 */
export function stubOrderActivities(worldOf: (orderId: string) => OrderWorld): {
  activities: AllActivities;
  projected: Projected<OrderView>;
  release(): void;
} {
  const projected = new Projected<OrderView>();
  const hanging: (() => void)[] = [];
  const activities: AllActivities = {
    async checkOrderData() {
      return [];
    },
    async quoteOrder({ order }) {
      const quote = worldOf(order.id).quote;
      if (quote !== 'hang') return quote;
      await new Promise<void>((resolve) => hanging.push(resolve));
      return { ok: false, reasons: [{ code: 'SUPPLIER_REJECTED', message: 'the test ended' }] };
    },
    holdWalletFunds: async ({ orderId }) => worldOf(orderId).hold,
    chargePayPal: async ({ orderId }) => worldOf(orderId).paypal,
    submitOrder: async ({ order }) => worldOf(order.id).submit,
    captureWalletHold: async () => undefined,
    returnCharge: async () => undefined,
    probeOrder: async ({ order }) => worldOf(order.id).probe,
    pollTracking: async ({ supplierOrderId }) => worldOf(supplierOrderId).tracking,
    notifyChannelShipped: async () => ({ ok: true }),
    cancelOnChannel: async () => ({ ok: true }),
    projectOrder: async ({ view }) => projected.write(view),
    syncCatalog: async () => ({ products: 0 }),
  };
  return { activities, projected, release: () => hanging.splice(0).forEach((resolve) => resolve()) };
}
