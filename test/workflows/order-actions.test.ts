import { WorkflowNotFoundError, WorkflowUpdateFailedError, type WorkflowHandle } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { actionNames, orderActions, type ActionArgs, type ActionName } from '../../domain/order-actions.js';
import { isTerminal, refusalFor, transition, type OrderEvent, type OrderState } from '../../domain/order-machine.js';
import type { OrderView } from '../../domain/order.js';
import { INVALID_STATE } from '../../workflows/messages.js';
import type { orderWorkflowV2 } from '../../workflows/order-workflow.js';
import {
  happyWorld,
  type Projected,
  startOrder,
  settle,
  startedState,
  stubOrderActivities,
  type OrderWorld,
} from '../support/order-world.js';
import { startWorkflowWorker, type WorkflowWorker } from '../support/workflow-worker.js';

/**
 * Every merchant action of the registry (domain/order-actions.ts), sent as the REST API sends it (an update), to
 * an order in each status it can be in. The pure machine, run through the same stub answers, says whether the
 * workflow must take the action and where the order must end up; the workflow runs for real on the dev server.
 */

const supplierSays = (code: 'UNKNOWN_PRODUCT' | 'SUPPLIER_REJECTED') => ({
  ok: false as const,
  reasons: [{ code, message: 'refused by the test supplier' }],
});

interface Situation {
  name: string;
  payment: 'prepaid' | 'bank_transfer' | 'cod';
  world: Partial<OrderWorld>;
  /** Actions taken to get there, before the one under test. */
  before?: ActionName[];
}

/** One per status an order can be in; PENDING_REVIEW twice, as waiting for funds allows more. */
const situations: Situation[] = [
  { name: 'AWAITING_PAYMENT', payment: 'bank_transfer', world: {} },
  { name: 'AWAITING_SHIPPING_METHOD', payment: 'cod', world: {} },
  {
    name: 'PENDING_REVIEW (refused by the supplier)',
    payment: 'prepaid',
    world: { quote: supplierSays('UNKNOWN_PRODUCT') },
  },
  {
    name: 'PENDING_REVIEW (waiting for funds)',
    payment: 'prepaid',
    world: { hold: { held: false, available: 100 }, paypal: { outcome: 'not_enabled', available: 100 } },
  },
  { name: 'PROCESSING', payment: 'prepaid', world: { quote: 'hang' } },
  { name: 'SUBMITTED', payment: 'prepaid', world: {} },
  {
    name: 'SHIPPED',
    payment: 'prepaid',
    world: { tracking: { number: 'TRK1', carrier: 'gls', url: null }, fires: ['tracking-poll'] },
  },
  { name: 'CANCELLED', payment: 'bank_transfer', world: { fires: ['payment-expiry'] } },
  {
    name: 'SENT_MANUALLY',
    payment: 'prepaid',
    world: { quote: supplierSays('SUPPLIER_REJECTED') },
    before: ['markSentManually'],
  },
];

/** What a merchant sends for each action: a new action fails the typecheck here until it has its example. */
const examples: { [N in ActionName]: ActionArgs<N> } = {
  paymentAccepted: {},
  addressFixed: { shippingAddress: { line1: 'Via Verdi 2' } },
  resend: {},
  cancel: { reason: 'the customer changed their mind' },
  markSentManually: {},
  synchronize: { shippingMethod: 'gls' },
  walletToppedUp: {},
};
const by = 'workflow test';

/** The event the workflow dispatches for an action; a fix carries the re-check of its data, which always passes. */
function eventOf<N extends ActionName>(name: N): OrderEvent {
  const event: OrderEvent = { ...orderActions[name].event({ ...examples[name], by }), by };
  return event.type === 'FIX_DATA' ? { ...event, checked: [] } : event;
}

const worlds = new Map<string, OrderWorld>();
let worker: WorkflowWorker;
let release: () => void;
let projected: Projected<OrderView>;

beforeAll(async () => {
  const stubs = stubOrderActivities((id) => {
    const world = worlds.get(id);
    if (!world) throw new Error(`no world for order ${id}`);
    return world;
  });
  release = stubs.release;
  projected = stubs.projected;
  worker = await startWorkflowWorker(stubs.activities);
});

afterAll(async () => {
  release();
  await worker?.stop();
});

let counter = 0;

async function orderIn(
  situation: Situation,
): Promise<{ handle: WorkflowHandle<typeof orderWorkflowV2>; state: OrderState; world: OrderWorld }> {
  counter += 1;
  const id = `wf-${counter}-${Date.now().toString(36)}`;
  const world: OrderWorld = {
    ...happyWorld,
    submit: { ok: true, supplierOrderId: id, alreadyExisted: false },
    ...situation.world,
  };
  worlds.set(id, world);
  const { order, handle } = await startOrder(worker, {
    id,
    merchantId: 'merchant-1',
    payment: situation.payment,
    world,
  });
  let state = startedState(order, world);
  for (const name of situation.before ?? []) {
    await reaches(state);
    await handle.executeUpdate(orderActions[name].update, { args: [{ ...examples[name], by }] });
    state = settle(state, eventOf(name), world, state.updatedAt);
  }
  await reaches(state);
  return { handle, state, world };
}

/** Waits until the workflow has written the machine's state to its projection (its status at the same version). */
async function reaches(expected: OrderState): Promise<void> {
  const view = await projected.atLeast(expected.order.id, expected.version);
  expect({ status: view.status, version: view.version }).toEqual({
    status: expected.status,
    version: expected.version,
  });
}

describe.concurrent.each(situations)('an order $name', (situation) => {
  it.for(actionNames)('%s: taken or refused as the machine says', async (name) => {
    const { handle, state, world } = await orderIn(situation);
    const refusal = refusalFor(state, eventOf(name));
    const sent = handle.executeUpdate(orderActions[name].update, { args: [{ ...examples[name], by }] });
    if (isTerminal(state.status)) {
      // A finished order's workflow has closed with its final state: nothing is left to take an action.
      expect(refusal).toBeDefined();
      await expect(sent).rejects.toBeInstanceOf(WorkflowNotFoundError);
      expect((await handle.result()).status).toBe(state.status);
      return;
    }
    if (refusal) {
      const error = await sent.then(
        () => null,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(WorkflowUpdateFailedError);
      const cause = (error as WorkflowUpdateFailedError).cause;
      expect(cause).toBeInstanceOf(ApplicationFailure);
      expect({ type: (cause as ApplicationFailure).type, message: (cause as ApplicationFailure).message }).toEqual({
        type: INVALID_STATE,
        message: refusal,
      });
      // Refused: nothing happened to the order.
      await reaches(state);
      return;
    }
    const answer = await sent;
    // The answer shows the action taken; then the order goes on as far as the stub world lets it.
    const taken = transition(state, eventOf(name), state.updatedAt);
    expect(taken.accepted && answer.status).toBe(taken.accepted && taken.state.status);
    const next = settle(state, eventOf(name), world, state.updatedAt);
    await reaches(next);
  });
});
