import { recordAudit } from '../db/audit.js';
import { ordersWaitingForFunds } from '../db/orders.js';
import { projectTopUp } from '../db/top-ups.js';
import { creditTopUp } from '../db/wallet-ledger.js';
import type { TopUpMethodDeps } from './top-up-methods/deps.js';
import { topUpMethodActivities, type TopUpMethodActivities } from './top-up-methods/index.js';
import type { TopUpActivities, TopUpProjectionActivities } from './types.js';

export type TopUpActivityDeps = TopUpMethodDeps;

/** The side effects of a top-up, each idempotent on the top-up id: the shared ones and each method's. */
export function createTopUpActivities(
  deps: TopUpActivityDeps,
): TopUpActivities & TopUpMethodActivities & TopUpProjectionActivities {
  const { db } = deps;
  return {
    ...topUpMethodActivities(deps),
    async creditTopUp({ topUpId, merchantId, amount, currency, confirmation }) {
      const result = await creditTopUp(db, {
        merchantId,
        topUpId,
        amount,
        currency,
        ...(confirmation
          ? {
              reference: confirmation.bankReference,
              audit: {
                actor: confirmation.by,
                details: { bankReference: confirmation.bankReference, amountReceived: confirmation.amountReceived },
              },
            }
          : {}),
      });
      return {
        transactionId: result.transaction.id,
        amount: result.transaction.amount,
        available: result.wallet.available,
      };
    },

    async recordTopUpRejection({ topUpId, merchantId, amount, currency, reason, by }) {
      await recordAudit(db, {
        actor: by,
        action: 'top_up.reject',
        merchantId,
        target: topUpId,
        amount,
        currency,
        reason,
        key: `top-up:${topUpId}:reject`,
      });
    },

    async ordersToResume({ merchantId, available }) {
      // Oldest first, as far as the money reaches; an order that costs more than what is left is skipped for a
      // cheaper later one. Orders not woken here are re-checked by their own funds timers.
      const waiting = await ordersWaitingForFunds(db, merchantId);
      let remaining = available;
      const chosen: string[] = [];
      for (const order of waiting) {
        if (order.costTotal === null || order.costTotal > remaining) continue;
        remaining -= order.costTotal;
        chosen.push(order.id);
      }
      return chosen;
    },

    async projectTopUp({ view }) {
      await projectTopUp(db, view);
    },
  };
}
