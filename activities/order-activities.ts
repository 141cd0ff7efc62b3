import { ApplicationFailure, Context } from '@temporalio/activity';
import type { Logger } from 'pino';
import { formatMoney } from '../domain/money.js';
import { insufficientFunds } from '../domain/review-reasons.js';
import type { Db } from '../db/pool.js';
import { projectOrder } from '../db/orders.js';
import type { SecretBox } from '../db/secret-box.js';
import { getWallet, hold, settleHold } from '../db/wallet-ledger.js';
import { storeCatalog } from '../db/catalog.js';
import type { ChannelGateway } from './channels/gateway.js';
import { retryLater } from './failures.js';
import { linkedVaultId, payPalFallbackReady } from './paypal-link.js';
import { PayPalDeclined, type PayPalClient } from './paypal/client.js';
import type { SupplierClient } from './supplier/client.js';
import { reasonsFromSupplier, toSupplierOrder } from './supplier-order.js';
import { checkOrderData } from '../domain/order-checks.js';
import { PROJECTION_REJECTED } from '../domain/failure-types.js';
import { libraryLookups } from '../domain/order-checks-legacy.js';
import {
  type CatalogActivities,
  type CheckActivities,
  type OrderActivities,
  type ProjectionActivities,
  type QuoteResult,
} from './types.js';

export interface ActivityDeps {
  db: Db;
  supplier: SupplierClient;
  paypal: PayPalClient;
  channels: ChannelGateway;
  logger: Logger;
  /** Unseals the merchant's linked PayPal (SECRETS_KEY); without it PayPal cannot be charged. */
  box: SecretBox | null;
}

/**
 * SQLSTATE classes of errors that the same statement will meet again: bad data (22), a violated constraint (23),
 * a schema or permission problem (42), a trigger that raised (P0). Anything else (a lost connection, a restart,
 * a deadlock) is worth retrying at once.
 */
const permanentClasses = ['22', '23', '42', 'P0'];

function refusedForGood(error: unknown): string | null {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code !== 'string' || !permanentClasses.includes(code.slice(0, 2))) return null;
  return `Postgres ${code}: ${(error as Error).message}`;
}

export type AllActivities = OrderActivities & CheckActivities & ProjectionActivities & CatalogActivities;

/** Every side effect of an order, each idempotent on a business key so that retries and restarts are harmless. */
export function createActivities(deps: ActivityDeps): AllActivities {
  const { db, supplier, paypal, channels, box } = deps;

  const quote = async (order: Parameters<OrderActivities['quoteOrder']>[0]['order']): Promise<QuoteResult> => {
    try {
      const q = await supplier.checkOrder(toSupplierOrder(order));
      return {
        ok: true,
        cost: { products: q.products, shipping: q.shipping, taxes: q.taxes, total: q.total, currency: q.currency },
      };
    } catch (error) {
      const reasons = reasonsFromSupplier(error);
      if (reasons) return { ok: false, reasons };
      throw retryLater(error);
    }
  };

  return {
    async quoteOrder({ order }) {
      return quote(order);
    },

    async holdWalletFunds({ merchantId, orderId, amount, currency, key }) {
      const outcome = await hold(db, merchantId, { orderId, amount, currency, key });
      return outcome.held
        ? { held: true, reference: outcome.transaction.id }
        : { held: false, available: outcome.available };
    },

    async chargePayPal({ merchantId, orderId, amount, currency, key }) {
      // Read at the moment of charging: after an unlink the order falls back to waiting for funds.
      const vaultId = await linkedVaultId(db, box, merchantId, { requireEnabled: true });
      if (!vaultId) {
        const wallet = await getWallet(db, merchantId);
        return { outcome: 'not_enabled', available: wallet.available };
      }
      try {
        const charge = await paypal.charge({
          requestKey: key,
          invoiceId: key.replaceAll(':', '-'),
          vaultId,
          amount,
          currency,
          description: `Dropshipping order ${orderId}`,
        });
        return { outcome: 'charged', reference: charge.captureId };
      } catch (error) {
        if (error instanceof PayPalDeclined)
          return { outcome: 'declined', issue: error.issue, message: error.description };
        throw retryLater(error);
      }
    },

    async submitOrder({ order }) {
      try {
        // A previous attempt may have created the order and lost the answer (timeout, worker killed): look first.
        if (Context.current().info.attempt > 1) {
          const found = await supplier.findOrderByReference(order.id);
          if (found) return { ok: true, supplierOrderId: found.supplierOrderId, alreadyExisted: true };
        }
        const created = await supplier.createOrder(toSupplierOrder(order));
        return { ok: true, supplierOrderId: created.supplierOrderId, alreadyExisted: created.alreadyExisted };
      } catch (error) {
        const reasons = reasonsFromSupplier(error);
        if (reasons) return { ok: false, reasons };
        throw retryLater(error);
      }
    },

    async captureWalletHold({ merchantId, orderId, key, holdKey }) {
      await settleHold(db, merchantId, { orderId, holdKey, key, outcome: 'capture' });
    },

    async returnCharge({ merchantId, orderId, charge, key, holdKey }) {
      if (charge.source === 'wallet') {
        await settleHold(db, merchantId, { orderId, holdKey, key, outcome: 'release' });
        return;
      }
      try {
        await paypal.refund({
          requestKey: key,
          captureId: charge.reference,
          amount: charge.amount,
          currency: charge.currency,
        });
      } catch (error) {
        throw retryLater(error);
      }
    },

    async probeOrder({ order, kind }) {
      const q = await quote(order);
      if (!q.ok) return { ready: false, reasons: q.reasons };
      if (kind === 'stock') return { ready: true, reasons: [] };
      const [wallet, payPal] = await Promise.all([
        getWallet(db, order.merchantId),
        payPalFallbackReady(db, order.merchantId),
      ]);
      if (wallet.available >= q.cost.total || payPal) return { ready: true, reasons: [] };
      return {
        ready: false,
        reasons: [
          insufficientFunds(
            formatMoney({ amount: wallet.available, currency: wallet.currency }),
            formatMoney({ amount: q.cost.total, currency: q.cost.currency }),
          ),
        ],
      };
    },

    async pollTracking({ supplierOrderId }) {
      try {
        const trackings = await supplier.getTracking(supplierOrderId);
        const latest = trackings.filter((t) => t.number).at(-1);
        return latest ? { number: latest.number, carrier: latest.carrier, url: latest.url } : null;
      } catch (error) {
        throw retryLater(error);
      }
    },

    async notifyChannelShipped({ order, tracking }) {
      return channels.notifyShipped(order, tracking);
    },

    async cancelOnChannel({ order, reason }) {
      return channels.cancel(order, reason);
    },

    async checkOrderData({ customer, shippingAddress }) {
      return checkOrderData(customer, shippingAddress, libraryLookups);
    },

    async projectOrder({ view, timeline }) {
      try {
        await projectOrder(db, view, timeline);
      } catch (error) {
        const refusal = refusedForGood(error);
        // Retrying at once cannot help: the workflow shows it to operators and tries again later.
        if (refusal) throw ApplicationFailure.nonRetryable(refusal, PROJECTION_REJECTED);
        throw error;
      }
    },

    async syncCatalog() {
      try {
        const products = await supplier.listCatalog();
        await storeCatalog(db, products, new Date());
        return { products: products.length };
      } catch (error) {
        throw retryLater(error);
      }
    },
  };
}
