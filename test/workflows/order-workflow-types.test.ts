import type { WorkflowHandle } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OrderView } from '../../domain/order.js';
import { stateQuery } from '../../workflows/messages.js';
import { happyWorld, type Projected, startOrder, startedState, stubOrderActivities } from '../support/order-world.js';
import { startWorkflowWorker, type WorkflowWorker } from '../support/workflow-worker.js';

/**
 * New orders start the workflow type `orderWorkflowV2`, which behaves as every patch of workflows/order/patches.ts
 * says without recording the patches; orders started before it keep running `orderWorkflow`, which still decides
 * them. Both take an order the same way; only the old type's history carries the patch markers and their
 * `TemporalChangeVersion` search-attribute upserts.
 */
type HistoryEvent = NonNullable<Awaited<ReturnType<WorkflowHandle['fetchHistory']>>['events']>[number];

let worker: WorkflowWorker;
let projected: Projected<OrderView>;

beforeAll(async () => {
  const stubs = stubOrderActivities(() => happyWorld);
  projected = stubs.projected;
  worker = await startWorkflowWorker(stubs.activities);
});
afterAll(async () => {
  await worker?.stop();
});

const patchMarkers = (events: HistoryEvent[]): number =>
  events.filter((e) => e.markerRecordedEventAttributes?.markerName === 'core_patch').length;
const changeVersionUpserts = (events: HistoryEvent[]): number =>
  events.filter(
    (e) => e.upsertWorkflowSearchAttributesEventAttributes?.searchAttributes?.indexedFields?.TemporalChangeVersion,
  ).length;

describe('the order workflow types', () => {
  it('takes a prepaid order to the supplier on both types; only the old one records its patches', async () => {
    const suffix = Date.now().toString(36);
    const runs = await Promise.all(
      (['orderWorkflowV2', 'orderWorkflow'] as const).map(async (workflowType) => {
        const id = `${workflowType}-${suffix}`;
        const { order, handle } = await startOrder(worker, {
          id,
          merchantId: 'merchant-1',
          payment: 'prepaid',
          world: happyWorld,
          workflowType,
        });
        const expected = startedState(order, happyWorld);
        await projected.atLeast(id, expected.version);
        const state = await handle.query(stateQuery);
        const events = (await handle.fetchHistory()).events ?? [];
        return { workflowType, expected, state, events };
      }),
    );
    for (const { expected, state } of runs) {
      expect(state.status).toBe('SUBMITTED');
      expect(state.status).toBe(expected.status);
      expect(state.version).toBe(expected.version);
    }
    const [current, old] = runs;
    expect(patchMarkers(current!.events)).toBe(0);
    expect(changeVersionUpserts(current!.events)).toBe(0);
    expect(patchMarkers(old!.events)).toBe(5);
    expect(changeVersionUpserts(old!.events)).toBe(5);
    expect(old!.events.length - current!.events.length).toBe(10);
  });
});
