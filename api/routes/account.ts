import { Router } from 'express';
import { listCatalog } from '../../db/catalog.js';
import { createMerchant } from '../../db/merchants.js';
import type { Db } from '../../db/pool.js';
import { requireOperator } from '../auth.js';
import { EmailTaken } from '../../db/users.js';
import { idempotent } from '../idempotency.js';
import { inviteUser } from '../invitations.js';
import { emailTaken, invitationContext, type UserRouteOptions } from './users.js';
import { CreateMerchant, MerchantCreated, ProductList, ProductQuery } from '../schemas.js';
import { parseBody, parseQuery } from '../validation.js';
import type { Spec } from '../openapi-spec.js';

export const merchantSpecs: Spec[] = [
  {
    method: 'post',
    path: '/v1/merchants',
    summary:
      'Create a merchant (operator); the API key is shown once. With `ownerEmail`, its owner is invited: the one-time set-up link is in the answer (shown once, audited without its token)',
    body: CreateMerchant,
    ok: [201, MerchantCreated, 'Created'],
    errors: [400, 401, 403, 409, 422],
    idempotent: true,
  },
];

export const productSpecs: Spec[] = [
  {
    method: 'get',
    path: '/v1/products',
    summary: "The supplier's catalogue with wholesale price and stock, as last synced",
    query: ProductQuery,
    ok: [200, ProductList, 'A page of products'],
    errors: [401, 422],
  },
];

/** Merchants and the product catalogue. The wallet, top-ups, keys and settings have their own modules. */
export function accountRoutes(db: Db, invitations: UserRouteOptions): Router {
  const router = Router();

  router.post('/v1/merchants', idempotent(db, { answer: MerchantCreated }), async (req, res) => {
    const by = requireOperator(req);
    const body = parseBody(CreateMerchant, req);
    const { ownerEmail, ownerName } = body;
    try {
      // With an owner e-mail, the owner is invited in the same transaction: no merchant without its owner.
      const merchant = await createMerchant(
        db,
        { name: body.name, createdBy: `operator ${by.name}`, ...(body.currency ? { currency: body.currency } : {}) },
        ownerEmail
          ? (client, merchantId) =>
              inviteUser(
                client,
                { email: ownerEmail, ...(ownerName ? { name: ownerName } : {}), role: 'owner', merchantId },
                invitationContext(req, invitations),
              )
          : undefined,
      );
      const owner = merchant.added;
      res.status(201).json({
        id: merchant.id,
        name: merchant.name,
        apiKey: merchant.apiKey,
        keyId: merchant.keyId,
        ...(owner ? { owner: owner.user, setupLink: owner.setupLink, setupExpiresAt: owner.setupExpiresAt } : {}),
      });
    } catch (error) {
      if (error instanceof EmailTaken) throw emailTaken();
      throw error;
    }
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
