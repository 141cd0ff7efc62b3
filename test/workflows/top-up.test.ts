import { WorkflowUpdateFailedError, WorkflowUpdateStage } from '@temporalio/client';
import type { ApplicationFailure } from '@temporalio/common';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TopUpMethodActivities } from '../../activities/top-up-methods/index.js';
import type { TopUpChargeResult } from '../../activities/top-up-methods/paypal.js';
import type { TopUpActivities } from '../../activities/types.js';
import type { OrderView } from '../../domain/order.js';
import { topUpWorkflowId, type TopUpRecord, type TopUpTimings, type TopUpView } from '../../domain/top-up.js';
import { INVALID_STATE } from '../../workflows/messages.js';
import { topUpUpdates } from '../../workflows/top-up-messages.js';
import type { topUpWorkflow } from '../../workflows/top-up-workflow.js';
import { happyWorld, Projected, startOrder, stubOrderActivities, type OrderWorld } from '../support/order-world.js';
import { startWorkflowWorker, type WorkflowWorker } from '../support/workflow-worker.js';

/**
 * The top-up workflow's paths on the real workflow code: PayPal charged (at once, or after PayPal held the capture),
 * PayPal declined, a bank transfer confirmed, rejected, expired, or confirmed twice. The stub activities answer what
 * each top-up's "PayPal" says and record what was credited, so each test sees what the merchant would.
 */

const timings: TopUpTimings = {
  activityTimeout: 10_000,
  retryInitialInterval: 100,
  retryMaxInterval: 1_000,
  captureRecheckInterval: 50,
};
const finance = { name: 'Test Finance', keyId: 'key-finance' };

/** What PayPal answers each top-up's charge, then each re-check of its capture. */
const payPal = new Map<string, { charge: TopUpChargeResult; rechecks: string[] }>();
const credited: { topUpId: string; amount: number }[] = [];
const rejected: string[] = [];
const creditsHeld = new Map<string, Promise<void>>();
const ordersWaiting = new Map<string, string[]>();
const topUps = new Projected<TopUpView>();

const topUpActivities: TopUpActivities & TopUpMethodActivities = {
  async chargePayPalTopUp({ topUpId }) {
    const says = payPal.get(topUpId);
    if (!says) throw new Error(`no PayPal answer for ${topUpId}`);
    return says.charge;
  },
  async checkPayPalCapture({ orderId }) {
    const says = [...payPal.values()].find((p) => p.charge.outcome === 'captured' && p.charge.orderId === orderId);
    return { captureStatus: says?.rechecks.shift() ?? 'PENDING' };
  },
  async creditTopUp({ topUpId, amount }) {
    await creditsHeld.get(topUpId);
    credited.push({ topUpId, amount });
    return { transactionId: `tx-${topUpId}`, amount, available: amount };
  },
  async recordTopUpRejection({ topUpId }) {
    rejected.push(topUpId);
  },
  ordersToResume: async ({ merchantId }) => ordersWaiting.get(merchantId) ?? [],
};

const orderWorlds = new Map<string, OrderWorld>();
let orders: ReturnType<typeof stubOrderActivities>;
let worker: WorkflowWorker;

beforeAll(async () => {
  orders = stubOrderActivities((id) => orderWorlds.get(id) ?? happyWorld);
  worker = await startWorkflowWorker({
    ...orders.activities,
    ...topUpActivities,
    projectTopUp: async ({ view }) => topUps.write(view),
  });
});

afterAll(async () => {
  orders.release();
  await worker?.stop();
});

let counter = 0;
const nextId = (prefix: string): string => `${prefix}-${++counter}-${Date.now().toString(36)}`;

async function startTopUp(
  method: TopUpRecord['method'],
  opts: { amount?: number; merchantId?: string; expiresInMs?: number } = {},
) {
  const id = nextId('topup');
  const topUp: TopUpRecord = {
    id,
    merchantId: opts.merchantId ?? nextId('merchant'),
    method,
    amount: opts.amount ?? 10_000,
    currency: 'EUR',
    createdAt: new Date().toISOString(),
    ...(method === 'bank_transfer'
      ? {
          bankTransfer: {
            iban: 'IT60X0542811101000000123456',
            bic: 'BPMOIT22',
            beneficiary: 'Dropship Platform',
            reference: 'RF18539007547034',
            expiresAt: new Date(Date.now() + (opts.expiresInMs ?? 3_600_000)).toISOString(),
          },
        }
      : {}),
  };
  const handle = await worker.client.workflow.start<typeof topUpWorkflow>('topUpWorkflow', {
    workflowId: topUpWorkflowId(id),
    taskQueue: worker.taskQueue,
    args: [{ topUp, timings }],
  });
  return { id, handle, merchantId: topUp.merchantId };
}

const refusalOf = async (update: Promise<unknown>): Promise<{ type: string | undefined; message: string }> => {
  const error = await update.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(WorkflowUpdateFailedError);
  const cause = (error as WorkflowUpdateFailedError).cause as ApplicationFailure;
  return { type: cause.type ?? undefined, message: cause.message };
};

describe.concurrent('a PayPal top-up', () => {
  it('is charged, credited once, and wakes the orders waiting for funds', async () => {
    // An order of the merchant waiting for funds: its wallet was short and PayPal was not enabled for orders.
    const merchantId = nextId('merchant');
    const orderId = nextId('order');
    const short: OrderWorld = {
      ...happyWorld,
      hold: { held: false, available: 0 },
      paypal: { outcome: 'not_enabled', available: 0 },
      submit: { ok: true, supplierOrderId: orderId, alreadyExisted: false },
    };
    orderWorlds.set(orderId, short);
    await startOrder(worker, { id: orderId, merchantId, payment: 'prepaid', world: short });
    await waitForOrder(orderId, (v) => v.reviewReasons.some((r) => r.code === 'INSUFFICIENT_FUNDS'));

    // The top-up lands: now the wallet holds enough.
    orderWorlds.set(orderId, { ...short, hold: { held: true, reference: 'hold-after-top-up' } });
    ordersWaiting.set(merchantId, [orderId]);
    const { id, handle } = await startTopUp('paypal', { merchantId });
    payPal.set(id, {
      charge: { outcome: 'captured', orderId: `pp-${id}`, captureId: 'cap-1', captureStatus: 'COMPLETED' },
      rechecks: [],
    });

    const done = await handle.result();
    expect({ status: done.status, credited: done.credited?.amount, woken: done.ordersResumed }).toEqual({
      status: 'COMPLETED',
      credited: 10_000,
      woken: [orderId],
    });
    expect(credited.filter((c) => c.topUpId === id)).toEqual([{ topUpId: id, amount: 10_000 }]);
    const woken = await waitForOrder(orderId, (v) => v.status === 'SUBMITTED');
    expect(woken.charge).toMatchObject({ source: 'wallet', reference: 'hold-after-top-up', state: 'captured' });
  });

  it('waits while PayPal holds the capture and credits once PayPal completes it', async () => {
    const { id, handle } = await startTopUp('paypal');
    payPal.set(id, {
      charge: { outcome: 'captured', orderId: `pp-${id}`, captureId: 'cap-2', captureStatus: 'PENDING' },
      rechecks: ['PENDING', 'COMPLETED'],
    });
    const done = await handle.result();
    expect({ status: done.status, capture: done.paypal?.captureStatus, credited: done.credited?.amount }).toEqual({
      status: 'COMPLETED',
      capture: 'COMPLETED',
      credited: 10_000,
    });
  });

  it('fails when PayPal declines, crediting nothing', async () => {
    const { id, handle } = await startTopUp('paypal');
    payPal.set(id, { charge: { outcome: 'declined', issue: 'INSTRUMENT_DECLINED', message: 'refused' }, rechecks: [] });
    const done = await handle.result();
    expect({ status: done.status, code: done.failure?.code, credited: done.credited }).toEqual({
      status: 'FAILED',
      code: 'INSTRUMENT_DECLINED',
      credited: null,
    });
    expect(done.failure?.message).toMatch(/PayPal declined/);
    expect(credited.filter((c) => c.topUpId === id)).toEqual([]);
  });

  it('cannot be confirmed by the finance desk', async () => {
    const { id, handle } = await startTopUp('paypal');
    payPal.set(id, { charge: { outcome: 'declined', issue: 'PAYER_CANNOT_PAY', message: 'no' }, rechecks: [] });
    const refusal = await refusalOf(
      handle.executeUpdate(topUpUpdates.confirm, {
        args: [{ amountReceived: 10_000, bankReference: 'X', by: finance }],
      }),
    );
    expect(refusal.type).toBe(INVALID_STATE);
    expect(refusal.message).toMatch(/settled by PayPal and cannot be confirmed by hand/);
  });
});

describe.concurrent('a bank-transfer top-up', () => {
  it('confirmed: credits what the bank received and answers COMPLETED', async () => {
    const { id, handle } = await startTopUp('bank_transfer');
    const answer = await handle.executeUpdate(topUpUpdates.confirm, {
      args: [{ amountReceived: 9_500, bankReference: 'BANK-REF-1', by: finance }],
    });
    expect({
      status: answer.status,
      credited: answer.credited?.amount,
      by: answer.bankTransfer?.confirmation?.by,
    }).toEqual({
      status: 'COMPLETED',
      credited: 9_500,
      by: 'Test Finance',
    });
    expect((await handle.result()).status).toBe('COMPLETED');
    expect(credited.filter((c) => c.topUpId === id)).toEqual([{ topUpId: id, amount: 9_500 }]);
  });

  it('rejected: records the rejection and credits nothing', async () => {
    const { id, handle } = await startTopUp('bank_transfer');
    const answer = await handle.executeUpdate(topUpUpdates.reject, {
      args: [{ reason: 'no such transfer arrived', by: finance }],
    });
    expect({ status: answer.status, reason: answer.bankTransfer?.rejection?.reason }).toEqual({
      status: 'REJECTED',
      reason: 'no such transfer arrived',
    });
    expect((await handle.result()).status).toBe('REJECTED');
    expect(rejected).toContain(id);
    expect(credited.filter((c) => c.topUpId === id)).toEqual([]);
  });

  it('expired: nobody confirmed it before its deadline', async () => {
    const { id, handle } = await startTopUp('bank_transfer', { expiresInMs: 500 });
    const done = await handle.result();
    expect({ status: done.status, credited: done.credited }).toEqual({ status: 'EXPIRED', credited: null });
    expect(credited.filter((c) => c.topUpId === id)).toEqual([]);
  });

  it('confirmed twice: the second confirmation is refused and the wallet is credited once', async () => {
    const { id, handle } = await startTopUp('bank_transfer');
    // The first confirmation's credit waits until the second one has been answered.
    let letCreditGo = (): void => undefined;
    creditsHeld.set(id, new Promise<void>((resolve) => (letCreditGo = resolve)));
    const confirm = { amountReceived: 10_000, bankReference: 'BANK-REF-2', by: finance };
    const first = await handle.startUpdate(topUpUpdates.confirm, {
      args: [confirm],
      waitForStage: WorkflowUpdateStage.ACCEPTED,
    });
    const second = await refusalOf(handle.executeUpdate(topUpUpdates.confirm, { args: [confirm] }));
    expect(second.type).toBe(INVALID_STATE);
    expect(second.message).toMatch(/already confirmed \(€100\.00 by Test Finance\)/);
    letCreditGo();
    expect((await first.result()).status).toBe('COMPLETED');
    expect(credited.filter((c) => c.topUpId === id)).toEqual([{ topUpId: id, amount: 10_000 }]);
  });
});

async function waitForOrder(id: string, ok: (view: OrderView) => boolean): Promise<OrderView> {
  for (let version = 0; ;) {
    const view = await orders.projected.atLeast(id, version);
    if (ok(view)) return view;
    version = view.version + 1;
  }
}
