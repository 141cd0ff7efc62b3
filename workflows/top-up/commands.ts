import { getExternalWorkflowHandle, log, proxyActivities } from '@temporalio/workflow';
import type { TopUpActivities } from '../../activities/types.js';
import { orderWorkflowId } from '../../domain/ids.js';
import { orderActions } from '../../domain/order-actions.js';
import type { TopUpCommand, TopUpEvent } from '../../domain/top-up-machine.js';
import type { TopUpTimings } from '../../domain/top-up.js';
import { topUpActivityOptions } from './activity-options.js';
import { topUpMethodCommands } from './methods/index.js';
import type { TopUpRun } from './top-up-run.js';

/**
 * Runs the top-up machine's commands: the shared ones (credit, record a rejection, wake the orders waiting for
 * funds) here, the method's own through its entry in methods/. Business outcomes come back as values.
 */
export class TopUpCommandRunner {
  private readonly money: TopUpActivities;
  private readonly method: ReturnType<typeof topUpMethodCommands>;

  constructor(
    private readonly run: TopUpRun,
    timings: TopUpTimings,
  ) {
    this.money = proxyActivities<TopUpActivities>(topUpActivityOptions(timings));
    this.method = topUpMethodCommands(run.state.topUp.method, timings);
  }

  /** The machine's next event, or null when the command's outcome changes nothing. */
  async execute(command: TopUpCommand): Promise<TopUpEvent | null> {
    const { topUp } = this.run.state;
    const amounts = { topUpId: topUp.id, merchantId: topUp.merchantId, currency: topUp.currency };
    switch (command.type) {
      case 'CREDIT': {
        const c = command.confirmation;
        const credited = await this.money.creditTopUp({
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
        await this.money.recordTopUpRejection({
          ...amounts,
          amount: topUp.amount,
          reason: command.reason,
          by: command.by,
        });
        return null;
      case 'RESUME_ORDERS': {
        const candidates = await this.money.ordersToResume({
          merchantId: topUp.merchantId,
          available: command.available,
        });
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
      default:
        if (!this.method) throw new Error(`A ${topUp.method} top-up has no command ${command.type}`);
        return this.method(command, topUp);
    }
  }
}
