import { NoopSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { Resource } from '@opentelemetry/resources';
import { makeWorkflowExporter } from '@temporalio/interceptors-opentelemetry';
import { Worker } from '@temporalio/worker';
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import { orderActions } from '../../domain/order-actions.js';
import type { OrderView } from '../../domain/order.js';
import { stateQuery } from '../../workflows/messages.js';
import {
  happyWorld,
  type OrderWorld,
  type Projected,
  startOrder,
  startedState,
  stubOrderActivities,
} from '../support/order-world.js';
import { startWorkflowWorker, type WorkflowWorker } from '../support/workflow-worker.js';

/**
 * Two address fixes accepted in one workflow task, each checking its data in a local activity that ends at another
 * moment: what the kill test once caught (a task that failed for good on replay, "Missing associated machine for
 * LocalActivity(7)"). The order takes both fixes, and its history — the worker's way back after an eviction or a
 * crash — replays on the same code.
 */

/**
 * How long the stub data check takes for each address: the first fix holds the task open while the two others
 * arrive; of those, one check ends while the projection of the other's fix is being written (as in the kill test).
 */
const checkTakes: Record<string, number> = { 'Via Lenta 0': 1_500, 'Via Uno 1': 100, 'Via Due 2': 150 };
let projectionTakes = 0;
const world: OrderWorld = {
  ...happyWorld,
  hold: { held: false, available: 100 },
  paypal: { outcome: 'not_enabled', available: 100 },
};

let worker: WorkflowWorker;
let projected: Projected<OrderView>;
let firstCheckStarted: () => void = () => undefined;
const firstCheck = new Promise<void>((resolve) => (firstCheckStarted = resolve));

beforeAll(async () => {
  const stubs = stubOrderActivities(() => world);
  projected = stubs.projected;
  worker = await startWorkflowWorker({
    ...stubs.activities,
    async checkOrderData({ shippingAddress }) {
      if (shippingAddress.line1 === 'Via Lenta 0') firstCheckStarted();
      await new Promise((resolve) => setTimeout(resolve, checkTakes[shippingAddress.line1] ?? 0));
      return [];
    },
    async projectOrder(input) {
      await new Promise((resolve) => setTimeout(resolve, projectionTakes));
      return stubs.activities.projectOrder(input);
    },
  });
});

afterAll(async () => {
  await worker?.stop();
});

it('takes two address fixes sent at once, and the history of that replays', async () => {
  const id = `fixes-${Date.now().toString(36)}`;
  const { order, handle } = await startOrder(worker, { id, merchantId: 'merchant-1', payment: 'prepaid', world });
  const waiting = startedState(order, world);
  expect(waiting.status).toBe('PENDING_REVIEW');
  await projected.atLeast(id, waiting.version);

  const fix = (line1: string) =>
    handle.executeUpdate(orderActions.addressFixed.update, {
      args: [{ shippingAddress: { line1 }, by: 'workflow test' }],
      updateId: `fix/${line1}`,
    });
  const first = fix('Via Lenta 0');
  await firstCheck;
  projectionTakes = 200;
  const answers = await Promise.all([first, fix('Via Uno 1'), fix('Via Due 2')]);
  expect(answers.map((a) => a.status)).toEqual(['PENDING_REVIEW', 'PENDING_REVIEW', 'PENDING_REVIEW']);

  const history = await handle.fetchHistory();
  const events = history.events ?? [];
  const accepted = events.flatMap((e, i) => {
    const update = e.workflowExecutionUpdateAcceptedEventAttributes;
    return update ? [{ i, id: update.protocolInstanceId }] : [];
  });
  // The case under test happened: the two later fixes (in either order) were accepted in one task.
  expect(accepted.map((a) => a.id).sort()).toEqual(['fix/Via Due 2', 'fix/Via Lenta 0', 'fix/Via Uno 1']);
  const [opening, second, third] = accepted;
  expect(opening!.id).toBe('fix/Via Lenta 0');
  expect(third!.i).toBe(second!.i + 1);

  // A worker that lost the order (eviction, crash) rebuilds it from this history: the same code must replay it.
  await expect(
    Worker.runReplayHistory(
      {
        workflowBundle: { codePath: inject('workflowBundlePath') },
        sinks: { exporter: makeWorkflowExporter(new NoopSpanProcessor(), Resource.empty()) },
      },
      history,
      handle.workflowId,
    ),
  ).resolves.toBeUndefined();

  // The fix accepted last is the order's address, in the workflow and in the projection.
  const last = third!.id!.slice('fix/'.length);
  const now = await handle.query(stateQuery);
  expect(now.shippingAddress.line1).toBe(last);
  expect((await projected.atLeast(id, now.version)).shippingAddress.line1).toBe(last);
});
