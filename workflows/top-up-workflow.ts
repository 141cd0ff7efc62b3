import {
  allHandlersFinished,
  condition,
  getExternalWorkflowHandle,
  log,
  proxyActivities,
  proxyLocalActivities,
  setCurrentDetails,
  setHandler,
} from '@temporalio/workflow';
import type { TopUpActivities, TopUpProjectionActivities } from '../activities/types.js';
import { orderWorkflowId } from '../domain/ids.js';
import type { TopUpRecord, TopUpTimings, TopUpView } from '../domain/top-up.js';
import {
  describeTopUp,
  initialTopUpState,
  isTopUpFinished,
  pendingTopUpTimer,
  toTopUpView,
  topUpRefusal,
  topUpTransition,
  type TopUpCommand,
  type TopUpEvent,
  type TopUpState,
} from '../domain/top-up-machine.js';
import { orderActions } from '../domain/order-actions.js';
import { invalidArgument, invalidState } from './messages.js';
import { TopUpActionArgs, topUpStateQuery, topUpUpdates, type TopUpActionName } from './top-up-messages.js';

export interface TopUpWorkflowInput {
  topUp: TopUpRecord;
  timings: TopUpTimings;
}

/**
 * One durable workflow per top-up, a thin shell around domain/top-up-machine.ts: charges PayPal or waits for the
 * finance desk, credits the wallet once, then wakes the merchant's orders waiting for funds by signalling their
 * workflows (durable signals: they reach each order even if this worker dies right after).
 */
export async function topUpWorkflow(input: TopUpWorkflowInput): Promise<TopUpView> {
  const { timings } = input;
  let state: TopUpState = initialTopUpState(input.topUp);
  let projectedVersion = -1;
  const queue: TopUpCommand[] = [];

  const money = proxyActivities<TopUpActivities>({
    startToCloseTimeout: timings.activityTimeout,
    // Business outcomes come back as values; what is thrown is transient and retried until it works.
    retry: {
      initialInterval: timings.retryInitialInterval,
      maximumInterval: timings.retryMaxInterval,
      backoffCoefficient: 2,
    },
  });
  // As the order's projection: at most 5 s apart, so the listing catches up within seconds after an outage.
  const projection = proxyLocalActivities<TopUpProjectionActivities>({
    startToCloseTimeout: '10s',
    retry: { initialInterval: '500ms', maximumInterval: '5s', backoffCoefficient: 2 },
  });

  let details = '';
  const dispatch = (event: TopUpEvent): boolean => {
    const result = topUpTransition(state, event, new Date().toISOString());
    if (!result.accepted) {
      log.warn('Top-up event refused', { event: event.type, reason: result.reason });
      return false;
    }
    state = result.state;
    queue.push(...result.commands);
    const now = describeTopUp(state) ?? `Finished: ${state.status}.`;
    if (now !== details) setCurrentDetails(now);
    details = now;
    return true;
  };

  const project = async (): Promise<void> => {
    const version = state.version;
    await projection.projectTopUp({ view: toTopUpView(state) });
    projectedVersion = Math.max(projectedVersion, version);
  };

  /** Update validators are synchronous and write nothing to history when they refuse (→ 409 / 422). */
  const eventFor = (name: TopUpActionName, raw: unknown): TopUpEvent => {
    const parsed = TopUpActionArgs[name].safeParse(raw);
    if (!parsed.success) {
      throw invalidArgument(parsed.error.issues);
    }
    const event: TopUpEvent =
      name === 'confirm'
        ? { type: 'CONFIRM', ...TopUpActionArgs.confirm.parse(raw) }
        : { type: 'REJECT', ...TopUpActionArgs.reject.parse(raw) };
    const refusal = topUpRefusal(state, event);
    if (refusal) throw invalidState(refusal, state.status);
    return event;
  };

  // Before the handlers: an update that arrived with the workflow's first task is judged against the started top-up.
  dispatch({ type: 'START' });

  for (const name of ['confirm', 'reject'] as const) {
    setHandler(
      topUpUpdates[name],
      async (raw: unknown) => {
        if (!dispatch(eventFor(name, raw))) {
          throw invalidState(`The top-up is ${state.status}`, state.status);
        }
        // A confirm answers once the money is in the wallet; both answer once the listing shows the outcome.
        await condition(() => state.phase !== 'crediting');
        const version = state.version;
        await condition(() => projectedVersion >= version);
        return toTopUpView(state);
      },
      { validator: (raw: unknown) => void eventFor(name, raw) },
    );
  }
  setHandler(topUpStateQuery, () => toTopUpView(state));

  const { topUp } = state;
  const amounts = { topUpId: topUp.id, merchantId: topUp.merchantId, currency: topUp.currency };

  const run = async (command: TopUpCommand): Promise<TopUpEvent | null> => {
    switch (command.type) {
      case 'CHARGE_PAYPAL': {
        const charged = await money.chargePayPalTopUp({ ...amounts, amount: command.amount });
        if (charged.outcome === 'captured')
          return {
            type: 'PAYPAL_CAPTURED',
            orderId: charged.orderId,
            captureId: charged.captureId,
            captureStatus: charged.captureStatus,
          };
        if (charged.outcome === 'declined')
          return { type: 'PAYPAL_DECLINED', issue: charged.issue, message: charged.message };
        return { type: 'PAYPAL_NOT_LINKED' };
      }
      case 'CHECK_CAPTURE': {
        const checked = await money.checkPayPalCapture({ orderId: command.orderId });
        return { type: 'CAPTURE_CHECKED', captureStatus: checked.captureStatus };
      }
      case 'CREDIT': {
        const c = command.confirmation;
        const credited = await money.creditTopUp({
          ...amounts,
          amount: command.amount,
          confirmation: c ? { amountReceived: c.amountReceived, bankReference: c.bankReference, by: c.by } : null,
        });
        return {
          type: 'CREDITED',
          transactionId: credited.transactionId,
          amount: credited.amount,
          available: credited.available,
        };
      }
      case 'RECORD_REJECTION':
        await money.recordTopUpRejection({ ...amounts, amount: topUp.amount, reason: command.reason, by: command.by });
        return null;
      case 'RESUME_ORDERS': {
        const candidates = await money.ordersToResume({ merchantId: topUp.merchantId, available: command.available });
        const woken: string[] = [];
        for (const orderId of candidates) {
          try {
            await getExternalWorkflowHandle(orderWorkflowId(orderId)).signal(orderActions.walletToppedUp.signal, {
              by: `wallet top-up ${topUp.id}`,
            });
            woken.push(orderId);
          } catch (error) {
            // The order finished meanwhile (cancelled, sent manually): nothing to wake.
            log.info('Order not woken by the top-up', { orderId, error: String(error) });
          }
        }
        return { type: 'ORDERS_RESUMED', orderIds: woken };
      }
    }
  };

  const timerDelay = (timer: NonNullable<ReturnType<typeof pendingTopUpTimer>>): number =>
    timer.kind === 'expiry' ? Math.max(1, Date.parse(timer.at) - Date.now()) : timings.captureRecheckInterval;

  for (;;) {
    if (state.version > projectedVersion) {
      await project();
      continue;
    }
    const command = queue.shift();
    if (command) {
      const result = await run(command);
      if (result) dispatch(result);
      continue;
    }
    if (isTopUpFinished(state)) break;
    const timer = pendingTopUpTimer(state);
    const version = state.version;
    const woken = (): boolean => queue.length > 0 || state.version !== version;
    if (timer) {
      if (!(await condition(woken, timerDelay(timer))))
        dispatch(timer.kind === 'expiry' ? { type: 'EXPIRED' } : { type: 'CAPTURE_RECHECK_DUE' });
    } else {
      await condition(woken);
    }
  }

  // In-flight updates (a confirm refused a moment before the run ends) get their answer before it closes.
  while (!allHandlersFinished() || state.version > projectedVersion) {
    if (state.version > projectedVersion) await project();
    else await condition(() => allHandlersFinished() || state.version > projectedVersion);
  }
  return toTopUpView(state);
}
