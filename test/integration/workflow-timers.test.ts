import { randomBytes } from 'node:crypto';
import { Client, Connection, type WorkflowHandle } from '@temporalio/client';
import { NativeConnection, Worker } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { AllActivities } from '../../activities/order-activities.js';
import type { HoldResult, QuoteResult } from '../../activities/types.js';
import { waitFor } from '../../dev/http-client.js';
import { libraryLookups } from '../../domain/order-checks-legacy.js';
import { checkOrderData } from '../../domain/order-checks.js';
import { orderWorkflowId } from '../../domain/ids.js';
import {
  initialState,
  transition,
  type OrderEvent,
  type OrderState,
  type TimelineRow,
} from '../../domain/order-machine.js';
import type { OrderRecord, Tracking } from '../../domain/order.js';
import { defaultTimings, WORKFLOW_TASK_TIMEOUT, type OrderTimings } from '../../domain/timings.js';
import type { orderWorkflowV2 } from '../../workflows/order-workflow.js';
import { stateQuery } from '../../workflows/messages.js';
import { CONTINUE_AS_NEW_AFTER_EVENTS } from '../support/global-setup.js';

/**
 * The order workflow's timers at the durations production uses (domain/timings.ts `defaultTimings`), in seconds:
 * no server here can skip time (the SDK's time-skipping test server is a download that fails, and no registry we
 * reach serves it), so each test reads the durations the workflow asks for from its history's `TimerStarted`
 * events, then fires the path with a signal or a short override and checks what follows.
 *
 * The workflow under test is the real one (the same bundle as production) on the real dev server; only the
 * outside world — supplier, wallet, PayPal, shops, Postgres projection — is stubbed, per order.
 */
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

interface World {
  quote: QuoteResult;
  hold: HoldResult;
  probe: { ready: boolean; reasons: { code: 'OUT_OF_STOCK' | 'INSUFFICIENT_FUNDS'; message: string }[] };
  /** Tracking answers in turn; null = not shipped yet. */
  tracking: (Tracking | null)[];
}

const cost = { products: 3400, shipping: 590, taxes: 0, total: 3990, currency: 'EUR' };
const worlds = new Map<string, World>();
const timelines = new Map<string, TimelineRow[]>();

function world(orderId: string): World {
  const w = worlds.get(orderId);
  if (!w) throw new Error(`no stub world for ${orderId}`);
  return w;
}

const stubs: AllActivities = {
  checkOrderData: async ({ customer, shippingAddress }) => checkOrderData(customer, shippingAddress, libraryLookups),
  quoteOrder: async ({ order }) => world(order.id).quote,
  holdWalletFunds: async ({ orderId }) => world(orderId).hold,
  chargePayPal: async () => ({ outcome: 'not_enabled', available: 100 }),
  submitOrder: async ({ order }) => ({ ok: true, supplierOrderId: `S-${order.id}`, alreadyExisted: false }),
  captureWalletHold: async () => undefined,
  returnCharge: async () => undefined,
  probeOrder: async ({ order }) => world(order.id).probe,
  pollTracking: async ({ supplierOrderId }) => world(supplierOrderId.slice(2)).tracking.shift() ?? null,
  notifyChannelShipped: async () => ({ ok: true }),
  cancelOnChannel: async () => ({ ok: true }),
  projectOrder: async ({ view, timeline }) => {
    timelines.set(view.id, [...(timelines.get(view.id) ?? []), ...timeline]);
  },
  syncCatalog: async () => ({ products: 0 }),
};

let worker: Worker;
let running: Promise<void>;
let client: Client;
let connection: Connection;
const taskQueue = `timers-${randomBytes(4).toString('hex')}`;

beforeAll(async () => {
  const native = await NativeConnection.connect({ address: inject('temporalAddress') });
  worker = await Worker.create({
    connection: native,
    taskQueue,
    activities: stubs,
    workflowBundle: { codePath: inject('workflowBundlePath') },
  });
  running = worker.run();
  connection = await Connection.connect({ address: inject('temporalAddress') });
  client = new Client({ connection });
});
afterAll(async () => {
  worker?.shutdown();
  await running;
  await connection?.close();
});

let n = 0;
function order(payment: 'prepaid' | 'bank_transfer' = 'prepaid'): OrderRecord {
  const id = `ord_timer_${randomBytes(4).toString('hex')}_${++n}`;
  return {
    id,
    merchantId: 'mer_timers',
    createdAt: new Date().toISOString(),
    channel: 'amazon',
    externalId: id,
    payment: { method: payment, amountPaid: 5990, currency: 'EUR' },
    customer: { name: 'Maria Rossi', email: 'maria@example.com', phone: '+39 333 1234567' },
    shippingAddress: { line1: 'Via Roma 1', line2: '', city: 'Milano', postcode: '20121', region: 'MI', country: 'IT' },
    items: [{ sku: 'BB-1001', quantity: 2 }],
  };
}

const fine: World = {
  quote: { ok: true, cost },
  hold: { held: true, reference: 'wtx_1' },
  probe: { ready: true, reasons: [] },
  tracking: [],
};
const short: HoldResult = { held: false, available: 100 };

async function start(
  o: OrderRecord,
  w: Partial<World>,
  timings: Partial<OrderTimings> = {},
  resume?: { state: OrderState; timelineSeq: number },
): Promise<WorkflowHandle<typeof orderWorkflowV2>> {
  worlds.set(o.id, { ...fine, tracking: [], ...w });
  return client.workflow.start<typeof orderWorkflowV2>('orderWorkflowV2', {
    taskQueue,
    workflowId: orderWorkflowId(o.id),
    workflowTaskTimeout: WORKFLOW_TASK_TIMEOUT,
    args: [{ order: o, timings: { ...defaultTimings, ...timings }, ...(resume ? { resume } : {}) }],
  });
}

/**
 * The `startToFireTimeout` of every timer the workflow started so far, in ms, oldest first: from the handle's run (a
 * started workflow's first run) on through the runs it continued as new — the dev server here suggests that after
 * CONTINUE_AS_NEW_AFTER_EVENTS events, which an order polling tracking can reach.
 */
async function timersOf(handle: WorkflowHandle): Promise<number[]> {
  const timers: number[] = [];
  const first = 'firstExecutionRunId' in handle ? String(handle.firstExecutionRunId) : undefined;
  let run = first ? client.workflow.getHandle(handle.workflowId, first) : handle;
  for (;;) {
    const events = (await run.fetchHistory()).events ?? [];
    for (const e of events) {
      const t = e.timerStartedEventAttributes?.startToFireTimeout;
      if (t) timers.push(Number(t.seconds ?? 0) * 1000 + Math.round((t.nanos ?? 0) / 1e6));
    }
    const next = events.at(-1)?.workflowExecutionContinuedAsNewEventAttributes?.newExecutionRunId;
    if (!next) return timers;
    run = client.workflow.getHandle(handle.workflowId, next);
  }
}

async function untilTimers(handle: WorkflowHandle, count: number): Promise<number[]> {
  return waitFor(`${count} timer(s) in ${handle.workflowId}`, async () => {
    const timers = await timersOf(handle);
    return timers.length >= count ? timers : false;
  });
}

async function untilStatus(handle: WorkflowHandle<typeof orderWorkflowV2>, status: string): Promise<void> {
  await waitFor(`${handle.workflowId} → ${status}`, async () => (await handle.query(stateQuery)).status === status, {
    intervalMs: 50,
  });
}

function timeline(o: OrderRecord): TimelineRow[] {
  return timelines.get(o.id) ?? [];
}

/** A state reached through the machine's own transitions, as a run hands it to the next on continue-as-new. */
function resumed(o: OrderRecord, events: OrderEvent[]): { state: OrderState; timelineSeq: number } {
  let state = initialState(o, { checksIn: 'activity' });
  for (const event of events) {
    const t = transition(state, event, new Date().toISOString());
    if (!t.accepted) throw new Error(`${event.type}: ${t.reason}`);
    state = t.state;
  }
  return { state, timelineSeq: 0 };
}

describe('bank transfer expiry', () => {
  it('waits 7 days for the transfer; payment accepted cancels the timer and the order goes on', async () => {
    const o = order('bank_transfer');
    const handle = await start(o, {});
    const [expiry] = await untilTimers(handle, 1);
    // Relative to when the order started waiting, so a few milliseconds of the workflow's own work are gone.
    expect(expiry).toBeGreaterThan(7 * DAY - MINUTE);
    expect(expiry).toBeLessThanOrEqual(7 * DAY);

    await handle.signal('paymentAccepted', { by: 'test' });
    await untilStatus(handle, 'SUBMITTED');
    const events = (await handle.fetchHistory()).events ?? [];
    expect(events.some((e) => e.timerCanceledEventAttributes)).toBe(true);
    // Submitted: tracking is polled every hour.
    expect((await untilTimers(handle, 2))[1]).toBe(HOUR);
    await handle.terminate('test done');
  });

  it('with a short expiry, the timer cancels the order by itself', async () => {
    const o = order('bank_transfer');
    const handle = await start(o, {}, { bankTransferExpiry: 300 });
    await untilStatus(handle, 'CANCELLED');
    expect(timeline(o).find((e) => e.type === 'payment.expired')?.by).toBe('timer');
  });
});

describe('funds retry schedule 15m, 1h, 6h, 24h (the last repeats)', () => {
  it('an order short of funds first waits 15 minutes; a top-up wakes it before that', async () => {
    const o = order();
    const handle = await start(o, { hold: short });
    await untilStatus(handle, 'PENDING_REVIEW');
    expect(await untilTimers(handle, 1)).toEqual([15 * MINUTE]);

    world(o.id).hold = { held: true, reference: 'wtx_2' };
    await handle.signal('walletToppedUp', { by: 'test' });
    await untilStatus(handle, 'SUBMITTED');
    expect(timeline(o).map((e) => e.type)).toContain('wallet.topped_up');
    await handle.terminate('test done');
  });

  it('after each re-check that finds no funds, the next wait is the next step of the schedule', async () => {
    const waiting: OrderEvent[] = [
      { type: 'START' },
      { type: 'DATA_CHECKED', reasons: [] },
      { type: 'QUOTED', cost },
      { type: 'WALLET_SHORT', available: 100 },
      { type: 'PAYPAL_NOT_ENABLED', available: 100 },
    ];
    const notYet: OrderEvent[] = [
      { type: 'TIMER_FIRED', timer: 'funds-retry' },
      { type: 'PROBED', ready: false, reasons: [{ code: 'INSUFFICIENT_FUNDS', message: 'short' }] },
    ];
    const firstTimer: number[] = [];
    for (let checks = 0; checks <= 5; checks++) {
      // The order as continue-as-new hands it over after `checks` re-checks.
      const o = order();
      const handle = await start(
        o,
        { hold: short },
        {},
        resumed(o, [...waiting, ...Array.from({ length: checks }, () => notYet).flat()]),
      );
      firstTimer.push((await untilTimers(handle, 1))[0] ?? 0);
      await handle.terminate('test done');
    }
    expect(firstTimer).toEqual([15 * MINUTE, HOUR, 6 * HOUR, 24 * HOUR, 24 * HOUR, 24 * HOUR]);
  });

  it('fired with a short schedule: re-checks step through it, then go on once the funds are there', async () => {
    const o = order();
    const handle = await start(
      o,
      { hold: short, probe: { ready: false, reasons: [{ code: 'INSUFFICIENT_FUNDS', message: 'short' }] } },
      { fundsRetrySchedule: [100, 200, 300] },
    );
    expect(await untilTimers(handle, 4)).toEqual([100, 200, 300, 300]);
    world(o.id).probe = { ready: true, reasons: [] };
    world(o.id).hold = { held: true, reference: 'wtx_3' };
    await untilStatus(handle, 'SUBMITTED');
    const checks = timeline(o)
      .filter((e) => e.type === 'retry.not_yet')
      .map((e) => e.details.checks);
    expect(checks.slice(0, 3)).toEqual([1, 2, 3]);
    expect(timeline(o).find((e) => e.type === 'retry.ready')?.by).toBe('timer');
    await handle.terminate('test done');
  });
});

describe('out-of-stock re-check every 30 minutes', () => {
  const outOfStock: QuoteResult = {
    ok: false,
    reasons: [{ code: 'OUT_OF_STOCK', message: 'BB-1001 is out of stock' }],
  };

  it('an out-of-stock order waits 30 minutes between re-checks', async () => {
    const o = order();
    const handle = await start(o, { quote: outOfStock });
    await untilStatus(handle, 'PENDING_REVIEW');
    expect(await untilTimers(handle, 1)).toEqual([30 * MINUTE]);
    await handle.terminate('test done');
  });

  it('fired with a short interval: the re-check finds the stock back and the order goes on, with nobody resending', async () => {
    const o = order();
    const handle = await start(
      o,
      { quote: outOfStock, probe: { ready: false, reasons: [{ code: 'OUT_OF_STOCK', message: 'still out' }] } },
      { stockRecheckInterval: 150 },
    );
    await untilTimers(handle, 2);
    world(o.id).quote = { ok: true, cost };
    world(o.id).probe = { ready: true, reasons: [] };
    await untilStatus(handle, 'SUBMITTED');
    expect(timeline(o).map((e) => e.type)).not.toContain('order.resent');
    expect(timeline(o).find((e) => e.type === 'retry.ready')).toMatchObject({
      by: 'timer',
      details: { kind: 'stock' },
    });
    await handle.terminate('test done');
  });
});

describe('tracking polls every hour', () => {
  it('a submitted order polls tracking hourly; fired with a short interval, it ships once a number appears', async () => {
    const real = await start(order(), {});
    await untilStatus(real, 'SUBMITTED');
    expect(await untilTimers(real, 1)).toEqual([HOUR]);
    await real.terminate('test done');

    const o = order();
    const handle = await start(
      o,
      { tracking: [null, null, { number: 'GLS123', carrier: 'gls', url: null }] },
      { trackingPollInterval: 100 },
    );
    await untilStatus(handle, 'SHIPPED');
    expect(await timersOf(handle)).toEqual([100, 100, 100]);
    expect(timeline(o).find((e) => e.type === 'supplier.shipped')?.details.tracking).toMatchObject({
      number: 'GLS123',
    });
  });
});

describe('continue-as-new', () => {
  it('a long-lived order carries its state, timeline numbering and timings over to a new run', async () => {
    const o = order();
    const handle = await start(o, { tracking: Array.from({ length: 60 }, () => null) }, { trackingPollInterval: 20 });
    const firstRun = (await handle.describe()).runId;
    const newRun = await waitFor(
      'continue-as-new',
      async () => {
        const d = await handle.describe();
        return d.runId !== firstRun ? d.runId : false;
      },
      { timeoutMs: 60_000, intervalMs: 100 },
    );
    const oldEvents = (await client.workflow.getHandle(handle.workflowId, firstRun).fetchHistory()).events ?? [];
    expect(oldEvents.length).toBeGreaterThanOrEqual(CONTINUE_AS_NEW_AFTER_EVENTS);
    expect(oldEvents.at(-1)?.workflowExecutionContinuedAsNewEventAttributes).toBeTruthy();

    const newStart = (await client.workflow.getHandle(handle.workflowId, newRun).fetchHistory()).events?.[0]
      ?.workflowExecutionStartedEventAttributes;
    expect(Number(newStart?.workflowTaskTimeout?.seconds)).toBe(4);
    expect(await untilTimers(client.workflow.getHandle(handle.workflowId, newRun), 1)).toContain(20);

    world(o.id).tracking = [{ number: 'GLS9', carrier: 'gls', url: null }];
    await untilStatus(handle, 'SHIPPED');
    const state = await handle.query(stateQuery);
    expect(state.supplierOrderId).toBe(`S-${o.id}`);
    const seqs = timeline(o).map((e) => e.seq);
    expect(seqs).toEqual(seqs.map((_, i) => i + 1));
  });
});
