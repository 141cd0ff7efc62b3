import type { Logger } from 'pino';
import { recordAudit } from '../db/audit.js';
import { ordersWaitingForFunds } from '../db/orders.js';
import type { Db } from '../db/pool.js';
import type { SecretBox } from '../db/secret-box.js';
import { projectTopUp } from '../db/top-ups.js';
import { creditTopUp } from '../db/wallet-ledger.js';
import { retryLater } from './failures.js';
import { PayPalDeclined, type PayPalClient } from './paypal/client.js';
import { linkedVaultId } from './paypal-link.js';
import type { TopUpActivities, TopUpProjectionActivities } from './types.js';

export interface TopUpActivityDeps {
  db: Db;
  paypal: PayPalClient;
  box: SecretBox | null;
  logger: Logger;
}

/** PayPal's business keys for a top-up: the same top-up never pays twice, whatever is retried. */
export const topUpPayPalKeys = (topUpId: string): { requestKey: string; invoiceId: string } => ({
  requestKey: `top-up:${topUpId}`,
  invoiceId: `top-up-${topUpId}`,
});

/** The side effects of a top-up, each idempotent on the top-up id. */
export function createTopUpActivities(deps: TopUpActivityDeps): TopUpActivities & TopUpProjectionActivities {
  const { db, paypal, box } = deps;
  return {
    async chargePayPalTopUp({ topUpId, merchantId, amount, currency }) {
      const vaultId = await linkedVaultId(db, box, merchantId, { requireEnabled: false });
      if (!vaultId) return { outcome: 'not_linked' };
      try {
        const charge = await paypal.charge({
          ...topUpPayPalKeys(topUpId),
          vaultId,
          amount,
          currency,
          description: `Wallet top-up ${topUpId}`,
        });
        return {
          outcome: 'captured',
          orderId: charge.paypalOrderId,
          captureId: charge.captureId,
          captureStatus: charge.status,
        };
      } catch (error) {
        if (error instanceof PayPalDeclined)
          return { outcome: 'declined', issue: error.issue, message: error.description };
        throw retryLater(error);
      }
    },

    async checkPayPalCapture({ orderId }) {
      try {
        return { captureStatus: await paypal.captureStatus(orderId) };
      } catch (error) {
        throw retryLater(error);
      }
    },

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
