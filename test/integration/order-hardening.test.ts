import type { ChildProcess } from 'node:child_process';
import { Client, WorkflowNotFoundError } from '@temporalio/client';
import path from 'node:path';
import { NativeConnection, Worker } from '@temporalio/worker';
import pg from 'pg';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { deriveOrderId } from '../../api/order-id.js';
import { OrderService } from '../../api/order-service.js';
import { NewOrder } from '../../domain/order.js';
import { waitFor } from '../../dev/http-client.js';
import { orderWorkflowId } from '../../domain/ids.js';
import { AttentionKey } from '../../domain/search-attributes.js';
import { createMerchant, events, orderInput, supplierOrders, waitForStatus } from '../support/fixtures.js';
import { startStack, type Stack } from '../support/stack.js';
import { killWorker, spawnWorker } from '../support/worker-child.js';
import { channelLabeller } from '../../api/channel-directory.js';
import { salesChannels } from '../../channels/registry.js';

/**
 * What happens at the edges of the order workflow: actions that arrive before any worker runs or whose answer is
 * lost, a create whose row Postgres refuses, a projection Postgres keeps refusing. Workers run as child processes
 * here, so a test can have none.
 */
let stack: Stack;
let worker: ChildProcess | null = null;

// Long enough for a worker process to start while an action waits for its answer.
const ACTION_TIMEOUT_MS = 8_000;

beforeAll(async () => {
  stack = await startStack({ worker: false, env: { ACTION_TIMEOUT: `${ACTION_TIMEOUT_MS}ms` } });
});
afterAll(async () => {
  if (worker) await killWorker(worker);
  await stack?.stop();
});

async function withoutWorker(): Promise<void> {
  if (worker) await killWorker(worker);
  worker = null;
}

async function withWorker(): Promise<void> {
  worker ??= await spawnWorker(stack);
}

async function sql(text: string): Promise<void> {
  const client = new pg.Client({ connectionString: stack.databaseUrl });
  await client.connect();
  try {
    await client.query(text);
  } finally {
    await client.end();
  }
}

const bankTransfer = { payment: { method: 'bank_transfer', amountPaid: 5990, currency: 'EUR' } };

describe('actions that arrive early', () => {
  it('payment-accepted sent while no worker runs is judged on AWAITING_PAYMENT once a worker starts: 200, then SUBMITTED', async () => {
    await withoutWorker();
    const m = await createMerchant(stack, { topUp: 10_000 });
    const created = await stack.api.post('/v1/orders', orderInput(bankTransfer), { key: m.key });
    expect(created.status).toBe(201);
    expect(created.body.status).toBe('RECEIVED');

    const answer = stack.api.post(`/v1/orders/${created.body.id}/payment-accepted`, {}, { key: m.key });
    await withWorker();
    const accepted = await answer;
    expect(accepted.status).toBe(200);
    expect(accepted.body.status).toBe('PROCESSING');

    await waitForStatus(stack, m.key, created.body.id, 'SUBMITTED');
    const timeline = await events(stack, m.key, created.body.id);
    expect(timeline.filter((e) => e.type === 'payment.accepted')).toHaveLength(1);
    expect(timeline.map((e) => e.type)).not.toContain('signal.refused');
    expect(await supplierOrders(stack, created.body.id)).toHaveLength(1);
  });
  it('an action sent while a prepaid order is still RECEIVED (its data being checked) waits for the check instead of answering 409', async () => {
    await withoutWorker();
    const m = await createMerchant(stack, { topUp: 10_000 });
    // A bad phone: once checked, the order waits in review, where it can be cancelled.
    const created = await stack.api.post(
      '/v1/orders',
      orderInput({ customer: { name: 'Maria Rossi', email: 'maria@example.com', phone: '12' } }),
      { key: m.key },
    );
    expect(created.body.status).toBe('RECEIVED');

    const answer = stack.api.post(
      `/v1/orders/${created.body.id}/cancel`,
      { reason: 'customer changed their mind' },
      { key: m.key },
    );
    await withWorker();
    const cancelled = await answer;
    expect(cancelled.status).toBe(200);
    expect(cancelled.body.status).toBe('CANCELLED');
    const timeline = await events(stack, m.key, created.body.id);
    expect(timeline.filter((e) => e.type === 'status.changed').map((e) => e.details.to)).toEqual([
      'PENDING_REVIEW',
      'CANCELLED',
    ]);
  });
});

describe('a workflow whose task keeps failing', () => {
  it('an action sent meanwhile is not a 500: the API asks again until a worker runs the task, then answers 200', async () => {
    await withWorker();
    const m = await createMerchant(stack, { topUp: 10_000 });
    const created = await stack.api.post('/v1/orders', orderInput(bankTransfer), { key: m.key });
    await waitForStatus(stack, m.key, created.body.id, 'AWAITING_PAYMENT');
    await withoutWorker();

    // A worker without the order workflow fails each of its tasks; Temporal turns updates away from the third
    // attempt on ("Workflow Task in failed state"), at once, until a task completes.
    const broken = await Worker.create({
      connection: await NativeConnection.connect({ address: inject('temporalAddress') }),
      taskQueue: stack.taskQueue,
      workflowsPath: path.join(inject('projectRoot'), 'test/support/workflows-without-orders/index.ts'),
      stickyQueueScheduleToStartTimeout: '1s',
    });
    const brokenRun = broken.run();
    const workflow = stack.platform.temporal.workflow.getHandle(orderWorkflowId(created.body.id));
    await workflow.signal('nudge');
    await waitFor(
      'the order workflow task failing a third time',
      async () => ((await workflow.describe()).raw.pendingWorkflowTask?.attempt ?? 0) >= 3,
      { timeoutMs: 30_000 },
    );

    const answer = stack.api.post(`/v1/orders/${created.body.id}/payment-accepted`, {}, { key: m.key });
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    broken.shutdown();
    await brokenRun;
    await withWorker();
    const accepted = await answer;
    expect(accepted.status).toBe(200);
    expect(accepted.body.status).toBe('PROCESSING');
    await waitForStatus(stack, m.key, created.body.id, 'SUBMITTED');
    expect(await supplierOrders(stack, created.body.id)).toHaveLength(1);
  });
});

describe('actions are idempotent', () => {
  it('an action whose answer was lost (503), retried with the same Idempotency-Key → the first outcome, applied once', async () => {
    await withoutWorker();
    const m = await createMerchant(stack, { topUp: 10_000 });
    const created = await stack.api.post('/v1/orders', orderInput(bankTransfer), { key: m.key });
    const path = `/v1/orders/${created.body.id}/payment-accepted`;
    const headers = { 'Idempotency-Key': `pay-${created.body.id}` };

    // No worker: the API gives up waiting, but Temporal keeps the action and applies it once a worker runs.
    const lost = await stack.api.post(path, {}, { key: m.key, headers });
    expect(lost.status).toBe(503);
    await withWorker();
    await waitForStatus(stack, m.key, created.body.id, 'SUBMITTED');

    const retried = await stack.api.post(path, {}, { key: m.key, headers });
    expect(retried.status).toBe(200);
    // The outcome of the first request, as the workflow answered it then: not the order as it stands now.
    expect(retried.body).toMatchObject({ id: created.body.id, status: 'PROCESSING' });
    const again = await stack.api.post(path, {}, { key: m.key, headers });
    expect(again.body).toEqual(retried.body);

    const timeline = await events(stack, m.key, created.body.id);
    expect(timeline.filter((e) => e.type === 'payment.accepted')).toHaveLength(1);
    expect(await supplierOrders(stack, created.body.id)).toHaveLength(1);
    // Without the key the same retry is judged anew, and the order has moved on.
    const unkeyed = await stack.api.post(path, {}, { key: m.key });
    expect(unkeyed.status).toBe(409);
  });

  it('the same key from another action is another request', async () => {
    await withWorker();
    const m = await createMerchant(stack, { topUp: 10_000 });
    const created = await stack.api.post('/v1/orders', orderInput(bankTransfer), { key: m.key });
    await waitForStatus(stack, m.key, created.body.id, 'AWAITING_PAYMENT');
    const headers = { 'Idempotency-Key': 'same-key' };
    const fixed = await stack.api.patch(
      `/v1/orders/${created.body.id}`,
      { customer: { phone: '+39 02 1234 5678' } },
      { key: m.key, headers },
    );
    expect(fixed.status).toBe(200);
    const cancelled = await stack.api.post(`/v1/orders/${created.body.id}/cancel`, {}, { key: m.key, headers });
    expect(cancelled.status).toBe(200);
    expect(cancelled.body.status).toBe('CANCELLED');
  });
});

describe('no orphan, no poison', () => {
  it('a create whose row Postgres refuses leaves nothing behind; the same request retried makes one order, workflow and row together', async () => {
    await withWorker();
    const m = await createMerchant(stack, { topUp: 10_000 });
    const input = orderInput();
    const id = deriveOrderId(m.id, input.channel, input.externalId);
    // Refuses the first insert of this order's row only (a sequence is not rolled back with the failed insert).
    await sql(`CREATE SEQUENCE t_refuse_once;
      CREATE FUNCTION t_refuse_once() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF NEW.external_id = '${input.externalId}' AND nextval('t_refuse_once') = 1 THEN RAISE EXCEPTION 'refused once by the test'; END IF;
        RETURN NEW;
      END $$;
      CREATE TRIGGER t_refuse_once BEFORE INSERT ON orders FOR EACH ROW EXECUTE FUNCTION t_refuse_once();`);
    try {
      const headers = { 'Idempotency-Key': `create-${input.externalId}` };
      const first = await stack.api.post('/v1/orders', input, { key: m.key, headers });
      expect(first.status).toBeGreaterThanOrEqual(500);
      expect((await stack.api.get(`/v1/orders/${id}`, { key: m.key })).status).toBe(404);
      await expect(stack.platform.temporal.workflow.getHandle(orderWorkflowId(id)).describe()).rejects.toBeInstanceOf(
        WorkflowNotFoundError,
      );

      const retried = await stack.api.post('/v1/orders', input, { key: m.key, headers });
      expect(retried.status).toBe(201);
      expect(retried.body.id).toBe(id);
      await waitForStatus(stack, m.key, id, 'SUBMITTED');
      expect(await supplierOrders(stack, id)).toHaveLength(1);
      const listed = (await stack.api.get('/v1/orders?limit=50', { key: m.key })).body.items.filter(
        (o: any) => o.externalId === input.externalId,
      );
      expect(listed).toHaveLength(1);
    } finally {
      await sql('DROP TRIGGER t_refuse_once ON orders; DROP FUNCTION t_refuse_once(); DROP SEQUENCE t_refuse_once;');
    }
  });

  it('a create whose workflow cannot be started takes its row back; the same request retried makes one order', async () => {
    await withWorker();
    const m = await createMerchant(stack, { topUp: 10_000 });
    const input = orderInput();
    const id = deriveOrderId(m.id, input.channel, input.externalId);
    // The API's door into Temporal, with a Temporal that cannot be reached for starts.
    const unreachable = async (): Promise<never> => {
      throw new Error('14 UNAVAILABLE: Temporal cannot be reached (test)');
    };
    const temporal = new Client({
      connection: stack.platform.temporal.connection,
      interceptors: { workflow: [{ start: unreachable, startWithDetails: unreachable }] },
    });
    const service = new OrderService({
      db: stack.platform.db,
      temporal,
      taskQueue: stack.taskQueue,
      timings: stack.timings,
      logger: pino({ level: 'silent' }),
      channelLabel: channelLabeller(salesChannels),
    });
    await expect(service.createOrder(m.id, NewOrder.parse(input))).rejects.toThrow('UNAVAILABLE');
    expect((await stack.api.get(`/v1/orders/${id}`, { key: m.key })).status).toBe(404);

    const retried = await stack.api.post('/v1/orders', input, { key: m.key });
    expect(retried.status).toBe(201);
    await waitForStatus(stack, m.key, id, 'SUBMITTED');
    expect(await supplierOrders(stack, id)).toHaveLength(1);
  });

  it('a projection Postgres refuses for good shows Attention="projection" and why, is retried with backoff, and clears once it goes through', async () => {
    await withWorker();
    const m = await createMerchant(stack, { topUp: 10_000 });
    const input = orderInput();
    const id = deriveOrderId(m.id, input.channel, input.externalId);
    // The row as created (version 0) passes; every write of the workflow's projection is refused.
    await sql(
      `ALTER TABLE orders ADD CONSTRAINT t_poison CHECK (external_id <> '${input.externalId}' OR version = 0) NOT VALID`,
    );
    let dropped = false;
    try {
      const created = await stack.api.post('/v1/orders', input, { key: m.key });
      expect(created.status).toBe(201);
      const handle = stack.platform.temporal.workflow.getHandle(orderWorkflowId(id));
      const query = `Attention = "projection" AND WorkflowId = "${orderWorkflowId(id)}"`;
      await waitFor("the order in the operators' attention list", async () => {
        for await (const w of stack.platform.temporal.workflow.list({ query })) return w.workflowId;
        return false;
      });
      const metadata: any = await handle.query('__temporal_workflow_metadata');
      expect(metadata.currentDetails).toContain('NEEDS ATTENTION (projection)');
      expect(metadata.currentDetails).toContain('t_poison');
      // The merchant still sees the order as received; nothing is lost, the workflow keeps it.
      expect((await stack.api.get(`/v1/orders/${id}`, { key: m.key })).body.status).toBe('RECEIVED');

      await sql('ALTER TABLE orders DROP CONSTRAINT t_poison');
      dropped = true;
      await waitForStatus(stack, m.key, id, 'SUBMITTED');
      await waitFor(
        'the attention cleared',
        async () => (await handle.describe()).typedSearchAttributes.get(AttentionKey) === undefined,
      );
      const cleared: any = await handle.query('__temporal_workflow_metadata');
      expect(cleared.currentDetails).not.toContain('NEEDS ATTENTION');
      const timeline = await events(stack, m.key, id);
      // The rows held back while Postgres refused them are all there, in order.
      expect(timeline[0]?.type).toBe('order.received');
      expect(timeline.map((e) => e.type)).toContain('supplier.accepted');
    } finally {
      if (!dropped) await sql('ALTER TABLE orders DROP CONSTRAINT t_poison');
    }
  });
});
