import { Router } from 'express';
import { listCatalog } from '../../db/catalog.js';
import { createMerchant } from '../../db/merchants.js';
import type { Db } from '../../db/pool.js';
import { requireOperator } from '../auth.js';
import { idempotent } from '../idempotency.js';
import { CreateMerchant, MerchantCreated, ProductQuery } from '../schemas.js';
import { parseBody, parseQuery } from '../validation.js';

/** Merchants and the product catalogue. The wallet, top-ups, keys and settings have their own modules. */
export function accountRoutes(db: Db): Router {
  const router = Router();

  router.post('/v1/merchants', idempotent(db, { answer: MerchantCreated }), async (req, res) => {
    const by = requireOperator(req);
    const body = parseBody(CreateMerchant, req);
    const merchant = await createMerchant(db, {
      name: body.name,
      createdBy: `operator ${by.name}`,
      ...(body.currency ? { currency: body.currency } : {}),
    });
    res.status(201).json({ id: merchant.id, name: merchant.name, apiKey: merchant.apiKey, keyId: merchant.keyId });
  });

  router.get('/v1/products', async (req, res) => {
    const q = parseQuery(ProductQuery, req);
    res.json(
      await listCatalog(db, {
        limit: q.limit,
        ...(q.cursor ? { after: q.cursor } : {}),
        ...(q.sku ? { sku: q.sku } : {}),
      }),
    );
  });

  return router;
}
