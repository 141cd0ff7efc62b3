import { createHash, randomBytes } from 'node:crypto';
import { WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import type { Logger } from 'pino';
import type { Db } from '../db/pool.js';
import { getTopUp, insertStartedTopUp } from '../db/top-ups.js';
import { getWallet } from '../db/wallet-ledger.js';
import { formatMoney } from '../domain/money.js';
import { REFERENCE_DIGITS } from '../domain/payment-reference.js';
import { topUpMethod } from '../domain/top-up-methods/registry.js';
import { initialTopUpState, toTopUpView } from '../domain/top-up-machine.js';
import { topUpWorkflowId, type TopUpRecord, type TopUpTimings, type TopUpView } from '../domain/top-up.js';
import { topUpUpdates, type TopUpActionInput, type TopUpActionName } from '../workflows/top-up-messages.js';
import type { topUpWorkflow } from '../workflows/top-up-workflow.js';
import { HttpError, notFound } from './errors.js';
import { refusalAsHttp, untilJudged, workflowClosed } from './update-refusals.js';
import { withStartDeadline } from './outage.js';
import { topUpMethodStarts, type TopUpRequest, type TopUpStartSettings } from './top-up-methods.js';

/** The platform's bank account and the limits of a top-up: configuration. */
export interface TopUpSettings extends TopUpStartSettings {
  minAmount: number;
  maxAmount: number;
  timings: TopUpTimings;
}

export interface TopUpServiceDeps {
  db: Db;
  temporal: Client;
  taskQueue: string;
  logger: Logger;
  settings: TopUpSettings;
  /** How long a finance-desk action waits for the top-up's workflow before answering 503. */
  actionTimeoutMs?: number;
}

/**
 * Sixteen decimal digits (53 bits): the body of the top-up's id and of its payment reference, so the reference is as
 * unique as the id. With an Idempotency-Key they come from (merchant, key): a retry whose stored answer was lost
 * still lands on the same workflow instead of starting a second top-up.
 */
function topUpIdBody(merchantId: string, idempotencyKey: string | undefined): string {
  const bytes = idempotencyKey
    ? createHash('sha256').update(`${merchantId}\u0000${idempotencyKey}`).digest()
    : randomBytes(8);
  return (bytes.readBigUInt64BE(0) % 10n ** BigInt(REFERENCE_DIGITS)).toString().padStart(REFERENCE_DIGITS, '0');
}

/** The API's door to top-up workflows: starts them, and sends them the finance desk's decisions. */
export class TopUpService {
  constructor(private readonly deps: TopUpServiceDeps) {}

  get settings(): TopUpSettings {
    return this.deps.settings;
  }

  async start(
    merchantId: string,
    input: TopUpRequest,
    idempotencyKey?: string,
  ): Promise<{ created: boolean; topUp: TopUpView }> {
    const { settings } = this.deps;
    if (input.amount < settings.minAmount || input.amount > settings.maxAmount) {
      const range = `between ${formatMoney({ amount: settings.minAmount, currency: input.currency })} and ${formatMoney({ amount: settings.maxAmount, currency: input.currency })}`;
      throw new HttpError(422, 'AMOUNT_OUT_OF_RANGE', `A top-up is ${range}`, [
        { path: 'amount', message: `must be ${range} (in cents)` },
      ]);
    }
    const wallet = await getWallet(this.deps.db, merchantId);
    if (input.currency !== wallet.currency) {
      const message = `The wallet is in ${wallet.currency}; top up in ${wallet.currency}`;
      throw new HttpError(422, 'CURRENCY_MISMATCH', message, [{ path: 'currency', message }]);
    }
    await topUpMethodStarts[input.method].check?.(this.deps.db, merchantId);

    // A random id taken by someone else (about one chance in 10^16 per top-up) is drawn again.
    for (let attempt = 0; ; attempt++) {
      const fromKey = attempt === 0 && idempotencyKey !== undefined;
      const started = await this.startOne(
        merchantId,
        input,
        topUpIdBody(merchantId, fromKey ? idempotencyKey : undefined),
        fromKey,
      );
      if (started) return started;
      if (attempt >= 2) throw new Error('Could not draw a free top-up id');
    }
  }

  /**
   * Starts the top-up with this id. An id that exists already is this very top-up again when it came from the
   * merchant's Idempotency-Key; otherwise (a random id drawn twice, or another merchant's) the answer is null.
   */
  private async startOne(
    merchantId: string,
    input: TopUpRequest,
    body: string,
    fromKey: boolean,
  ): Promise<{ created: boolean; topUp: TopUpView } | null> {
    const { settings } = this.deps;
    const id = `tu_${body}`;
    const createdAt = new Date();
    const record: TopUpRecord = {
      id,
      merchantId,
      method: input.method,
      amount: input.amount,
      currency: input.currency,
      createdAt: createdAt.toISOString(),
      ...topUpMethodStarts[input.method].details?.(settings, { idBody: body, createdAt, request: input }),
    };
    try {
      await withStartDeadline(this.deps.temporal, () =>
        this.deps.temporal.workflow.start<typeof topUpWorkflow>('topUpWorkflow', {
          workflowId: topUpWorkflowId(id),
          taskQueue: this.deps.taskQueue,
          args: [{ topUp: record, timings: settings.timings }],
          workflowIdReusePolicy: 'REJECT_DUPLICATE',
          workflowIdConflictPolicy: 'FAIL',
          staticSummary: `Top-up ${formatMoney(input)} by ${topUpMethod(input.method).label}`,
          staticDetails: `Merchant ${merchantId} · top-up ${id}${record.bankTransfer ? ` · reference ${record.bankTransfer.reference}` : ''}`,
        }),
      );
    } catch (error) {
      if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
      if (!fromKey) return null;
      const existing = await this.existing(id);
      return existing.merchantId === merchantId ? { created: false, topUp: existing } : null;
    }
    const view = toTopUpView(initialTopUpState(record));
    await insertStartedTopUp(this.deps.db, view);
    return { created: true, topUp: (await getTopUp(this.deps.db, id, merchantId)) ?? view };
  }

  private async existing(id: string): Promise<TopUpView> {
    const stored = await getTopUp(this.deps.db, id, null);
    return stored ?? this.deps.temporal.workflow.getHandle(topUpWorkflowId(id)).query<TopUpView>('state');
  }

  async require(id: string, merchantId: string | null): Promise<TopUpView> {
    const topUp = await getTopUp(this.deps.db, id, merchantId);
    if (!topUp) throw notFound('Top-up');
    return topUp;
  }

  /** Confirm or reject: answers once the workflow applied it; 409 when the top-up's status forbids it. */
  async act<N extends TopUpActionName>(topUp: TopUpView, name: N, args: TopUpActionInput<N>): Promise<TopUpView> {
    const handle = this.deps.temporal.workflow.getHandle(topUpWorkflowId(topUp.id));
    const deadline = AbortSignal.timeout(this.deps.actionTimeoutMs ?? 20_000);
    try {
      return await untilJudged(deadline, () =>
        this.deps.temporal.withAbortSignal(deadline, () => handle.executeUpdate(topUpUpdates[name], { args: [args] })),
      );
    } catch (error) {
      if (deadline.aborted) {
        this.deps.logger.warn(
          { err: error, topUpId: topUp.id, action: name },
          'top-up workflow did not answer in time',
        );
        throw new HttpError(
          503,
          'TEMPORARILY_UNAVAILABLE',
          'The top-up did not answer in time (are the workers running?); try again',
        );
      }
      const refusal = refusalAsHttp(error, topUp.status);
      if (refusal) throw refusal;
      if (workflowClosed(error)) {
        const now = await getTopUp(this.deps.db, topUp.id, null);
        const status = now?.status ?? topUp.status;
        throw new HttpError(
          409,
          'INVALID_STATE',
          `The top-up is ${status} and can no longer be changed (current status: ${status})`,
        );
      }
      throw error;
    }
  }
}
