import { randomUUID } from 'node:crypto';
import { WorkflowExecutionAlreadyStartedError, WorkflowUpdateFailedError, type Client } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import type { Logger } from 'pino';
import { deleteUnstartedOrder, getOrder, insertReceivedOrder, type StoredOrder } from '../db/orders.js';
import type { Db } from '../db/pool.js';
import { orderWorkflowId } from '../domain/ids.js';
import { orderSummary } from '../domain/order-describe.js';
import { deriveOrderId } from './order-id.js';
import { initialState } from '../domain/order-machine.js';
import { toOrderView } from '../domain/order-view.js';
import type { NewOrder, OrderRecord } from '../domain/order.js';
import { ExternalOrderIdKey, MerchantIdKey, OrderStatusKey, SalesChannelKey } from '../domain/search-attributes.js';
import { WORKFLOW_TASK_TIMEOUT } from '../domain/timings.js';
import type { OrderTimings } from '../domain/timings.js';
import { orderActions, type ActionArgs, type ActionName, type OrderActionResult } from '../domain/order-actions.js';
import { INVALID_STATE, stateQuery } from '../workflows/messages.js';
import type { orderWorkflowV2 } from '../workflows/order-workflow.js';
import { HttpError, notFound } from './errors.js';
import { actionResult, apiMetrics } from './metrics.js';
import { refusalAsHttp, untilJudged, workflowClosed } from './update-refusals.js';
import { withStartDeadline } from './outage.js';

export interface OrderServiceDeps {
  db: Db;
  temporal: Client;
  taskQueue: string;
  timings: OrderTimings;
  logger: Logger;
  /** How long an action waits for the order's workflow to accept it before answering 503. */
  actionTimeoutMs?: number;
  /** An order channel's name as people read it (api/channel-directory.ts). */
  channelLabel: (channel: string) => string;
}

/** The API's only door into Temporal: starts order workflows and sends them the merchant's actions. */
export class OrderService {
  constructor(private readonly deps: OrderServiceDeps) {}

  /**
   * Writes the order's row, then starts its workflow. The workflow id comes from (merchant, channel, externalId),
   * so the same channel order posted twice finds the running (or finished) workflow instead of creating a second
   * one. Row first: a row Postgres refuses leaves nothing behind (no workflow runs without its row), and a start
   * that fails takes its row back; either way the same request retried converges on one order.
   */
  async createOrder(
    merchantId: string,
    input: NewOrder,
    extra: Pick<OrderRecord, 'channelConnectionId'> = {},
  ): Promise<{ created: boolean; order: StoredOrder }> {
    const id = deriveOrderId(merchantId, input.channel, input.externalId);
    const record: OrderRecord = { ...input, ...extra, id, merchantId, createdAt: new Date().toISOString() };
    const view = toOrderView(initialState(record));
    await insertReceivedOrder(this.deps.db, view);
    try {
      await withStartDeadline(this.deps.temporal, () =>
        this.deps.temporal.workflow.start<typeof orderWorkflowV2>('orderWorkflowV2', {
          workflowId: orderWorkflowId(id),
          taskQueue: this.deps.taskQueue,
          args: [{ order: record, timings: this.deps.timings }],
          workflowIdReusePolicy: 'REJECT_DUPLICATE',
          // A worker that dies holding the order's task delays its next step by this much (the default is 10 s).
          workflowTaskTimeout: WORKFLOW_TASK_TIMEOUT,
          workflowIdConflictPolicy: 'FAIL',
          typedSearchAttributes: [
            { key: OrderStatusKey, value: 'RECEIVED' },
            { key: MerchantIdKey, value: merchantId },
            { key: SalesChannelKey, value: input.channel },
            { key: ExternalOrderIdKey, value: input.externalId },
          ],
          staticSummary: orderSummary(record, this.deps.channelLabel(record.channel)),
          staticDetails: `Merchant ${merchantId} · order ${id} · ship to ${input.shippingAddress.city}, ${input.shippingAddress.country}`,
        }),
      );
    } catch (error) {
      if (error instanceof WorkflowExecutionAlreadyStartedError)
        return { created: false, order: await this.existing(id, merchantId) };
      await deleteUnstartedOrder(this.deps.db, id).catch((cleanup: unknown) =>
        this.deps.logger.error(
          { err: cleanup, orderId: id },
          'order row left without a workflow; the same request retried repairs it',
        ),
      );
      throw error;
    }
    apiMetrics.orderCreated(input.channel);
    return { created: true, order: (await getOrder(this.deps.db, id, merchantId)) ?? view };
  }

  /** The row is written before the workflow starts; only a concurrent failed start can have taken it back. */
  private async existing(id: string, merchantId: string): Promise<StoredOrder> {
    return (
      (await getOrder(this.deps.db, id, merchantId)) ??
      this.deps.temporal.workflow.getHandle(orderWorkflowId(id)).query(stateQuery)
    );
  }

  /**
   * Sends an action as an update: answers once the workflow accepted it, 409 when its status forbids it, 503 when
   * the order does not answer in time (no worker running, say). With an idempotency key, the key (scoped to who
   * sent it and to the action) is the update's id: Temporal runs it once, and a retry — after a 503, say — gets
   * the first outcome back instead of being judged anew.
   */
  async act<N extends ActionName>(
    order: StoredOrder,
    name: N,
    args: ActionArgs<N>,
    idempotency?: { key: string; principal: string },
  ): Promise<OrderActionResult> {
    const handle = this.deps.temporal.workflow.getHandle(orderWorkflowId(order.id));
    const deadline = AbortSignal.timeout(this.deps.actionTimeoutMs ?? 20_000);
    // An id of its own even without a key, so that an attempt abandoned below can be sent again without running twice.
    const updateId = idempotency ? `${idempotency.principal}/${name}/${idempotency.key}` : `${name}/${randomUUID()}`;
    try {
      const result = await untilJudged(
        deadline,
        (attempt) =>
          this.deps.temporal.withAbortSignal(attempt, () =>
            handle.executeUpdate(orderActions[name].update, { args: [args], updateId }),
          ),
        stillReceived,
        ACTION_ATTEMPT_MS,
      );
      apiMetrics.action(name, 'ok');
      return result;
    } catch (error) {
      apiMetrics.action(name, actionResult(error, deadline.aborted));
      if (deadline.aborted) {
        this.deps.logger.warn({ err: error, orderId: order.id, action: name }, 'order workflow did not answer in time');
        throw new HttpError(
          503,
          'TEMPORARILY_UNAVAILABLE',
          'The order did not answer in time (are the workers running?); try again',
        );
      }
      throw this.translate(error, order, name);
    }
  }

  private translate(error: unknown, order: StoredOrder, name: string): Error {
    const refusal = refusalAsHttp(error, order.status);
    if (refusal) return refusal;
    if (workflowClosed(error)) {
      return new HttpError(
        409,
        'INVALID_STATE',
        `The order is ${order.status}: ${name} is no longer possible (current status: ${order.status})`,
      );
    }
    return error as Error;
  }

  /** The order a channel's (channel, externalId) maps to for this merchant, if it exists. */
  async findByExternalId(merchantId: string, channel: string, externalId: string): Promise<StoredOrder | null> {
    return getOrder(this.deps.db, deriveOrderId(merchantId, channel, externalId), merchantId);
  }

  /** Sends an action as a signal: for senders that must not wait (webhooks); a refusal lands in the timeline. */
  async signal<N extends ActionName>(orderId: string, name: N, args: ActionArgs<N>): Promise<void> {
    const handle = this.deps.temporal.workflow.getHandle(orderWorkflowId(orderId));
    await handle.signal(orderActions[name].signal, args);
  }

  async requireOrder(id: string, scope: string | null): Promise<StoredOrder> {
    const order = await getOrder(this.deps.db, id, scope);
    if (!order) throw notFound();
    return order;
  }
}

/**
 * RECEIVED lasts only until the order's first steps ran (its data checked); the listing may already show a later
 * status when a fault made the workflow redo them. Such a refusal means "a moment", not "no": the API asks again
 * within the action's deadline instead of handing the merchant a 409 to retry by hand.
 */
/**
 * How long one attempt of an action waits before it is sent again (same update id): past the workflow task timeout
 * (4 s) and the sticky queue's (2 s), by which a live worker has the order's task if one is running.
 */
const ACTION_ATTEMPT_MS = 5_000;

function stillReceived(error: unknown): boolean {
  return (
    error instanceof WorkflowUpdateFailedError &&
    error.cause instanceof ApplicationFailure &&
    error.cause.type === INVALID_STATE &&
    error.cause.details?.[0] === 'RECEIVED'
  );
}
