import { Router } from 'express';
import { listCatalog } from '../../db/catalog.js';
import { createMerchant } from '../../db/merchants.js';
import type { Db } from '../../db/pool.js';
import { getPayPalSettings, putPayPalSettings } from '../../db/settings.js';
import { getWallet, listTransactions, topUp, WalletError } from '../../db/wallet-ledger.js';
import { merchantOf, requireOperator } from '../auth.js';
import { HttpError } from '../errors.js';
import { apiMetrics } from '../metrics.js';
import { idempotent } from '../idempotency.js';
import type { OrderService } from '../order-service.js';
import { CreateMerchant, PageQuery, PayPalSettingsBody, ProductQuery, TopUp } from '../schemas.js';
import { parseBody, parseQuery } from '../validation.js';

/** Merchants, wallet, settings and the product catalogue. */
export function accountRoutes(db: Db, orders: OrderService): Router {
  const router = Router();

  router.post('/v1/merchants', idempotent(db), async (req, res) => {
    requireOperator(req);
    const body = parseBody(CreateMerchant, req);
    const merchant = await createMerchant(db, { name: body.name, ...(body.currency ? { currency: body.currency } : {}) });
    res.status(201).json({ id: merchant.id, name: merchant.name, apiKey: merchant.apiKey });
  });

  router.get('/v1/wallet', async (req, res) => {
    res.json(await getWallet(db, merchantOf(req)));
  });

  router.post('/v1/wallet/top-ups', idempotent(db), async (req, res) => {
    const merchantId = merchantOf(req);
    const body = parseBody(TopUp, req);
    try {
      const result = await topUp(db, merchantId, body);
      if (result.created) apiMetrics.walletMovement('top_up');
      const ordersResumed = result.created
        ? await orders.resumeOrdersWaitingForFunds(merchantId, result.wallet.available, `wallet top-up ${body.reference}`)
        : [];
      res.status(result.created ? 201 : 200).json({ transaction: result.transaction, wallet: result.wallet, ordersResumed });
    } catch (error) {
      if (error instanceof WalletError && error.code === 'CURRENCY_MISMATCH') {
        throw new HttpError(422, 'CURRENCY_MISMATCH', error.message, [{ path: 'currency', message: error.message }]);
      }
      throw error;
    }
  });

  router.get('/v1/wallet/transactions', async (req, res) => {
    const q = parseQuery(PageQuery, req);
    res.json(await listTransactions(db, merchantOf(req), { limit: q.limit, ...(q.cursor ? { before: Number(q.cursor) } : {}) }));
  });

  router.get('/v1/products', async (req, res) => {
    const q = parseQuery(ProductQuery, req);
    res.json(await listCatalog(db, { limit: q.limit, ...(q.cursor ? { after: q.cursor } : {}), ...(q.sku ? { sku: q.sku } : {}) }));
  });

  router.get('/v1/settings', async (req, res) => {
    res.json({ paypal: await getPayPalSettings(db, merchantOf(req)) });
  });

  router.put('/v1/settings/paypal', async (req, res) => {
    const merchantId = merchantOf(req);
    const body = parseBody(PayPalSettingsBody, req);
    res.json({ paypal: await putPayPalSettings(db, merchantId, { enabled: body.enabled, vaultId: body.vaultId ?? null }) });
  });

  return router;
}
