import { Router } from 'express';
import { z } from 'zod';
import type { Db } from '../../db/pool.js';
import { BadCursor, listTopUps, type TopUpFilter } from '../../db/top-ups.js';
import { getWallet, listTransactions } from '../../db/wallet-ledger.js';
import { Currency } from '../../domain/order.js';
import { merchantTopUpView } from '../../domain/top-up-machine.js';
import { TopUpMethod, TopUpStatus, TopUpView } from '../../domain/top-up.js';
import { mapTopUpMethods, topUpMethods } from '../../domain/top-up-methods/registry.js';
import { merchantOf } from '../auth.js';
import { HttpError } from '../errors.js';
import { idempotent } from '../idempotency.js';
import { PageQuery } from '../schemas.js';
import type { TopUpService } from '../top-up-service.js';
import { parseBody, parseQuery } from '../validation.js';
import type { Spec } from '../openapi-spec.js';

export const Wallet = z
  .object({ balance: z.number().int(), reserved: z.number().int(), available: z.number().int(), currency: z.string() })
  .meta({ id: 'Wallet' });

export const WalletTransaction = z
  .object({
    id: z.string(),
    kind: z.enum(['top_up', 'adjustment', 'hold', 'capture', 'release', 'refund']),
    amount: z.number().int().meta({ description: 'Always positive; balanceDelta says which way it went' }),
    balanceDelta: z.number().int().meta({
      description:
        'Signed change of the balance: + for a top-up, a credit adjustment or a refund; − for a capture or a debit adjustment',
    }),
    currency: z.string(),
    balanceAfter: z.number().int(),
    reservedAfter: z.number().int(),
    orderId: z.string().nullable(),
    topUpId: z.string().nullable().meta({ description: 'The top-up this credit came from' }),
    reason: z.string().nullable().meta({ description: "An operator's adjustment: why" }),
    reference: z.string().nullable().meta({ description: 'For a confirmed transfer, the bank reference' }),
    legacy: z.boolean().meta({
      description:
        'A top-up credited by the withdrawn merchant call (before top-ups were paid or confirmed): history only, without a topUpId',
    }),
    createdAt: z.string(),
  })
  .meta({ id: 'WalletTransaction' });
export const TransactionList = z
  .object({ items: z.array(WalletTransaction), nextCursor: z.string().nullable() })
  .meta({ id: 'TransactionList' });

const amount = z
  .number()
  .int()
  .positive()
  .max(Number.MAX_SAFE_INTEGER)
  .meta({ description: 'In minor units; within TOP_UP_MIN and TOP_UP_MAX' });
export const StartTopUp = z
  .discriminatedUnion(
    'method',
    mapTopUpMethods((m) => z.object({ method: z.literal(m.name), amount, currency: Currency, ...m.request }).strict()),
  )
  .meta({ id: 'StartTopUp', description: topUpMethods.map((m) => `${m.name}: ${m.summary}`).join(' ') });

export const TopUpList = z
  .object({ items: z.array(TopUpView), nextCursor: z.string().nullable() })
  .meta({ id: 'TopUpList' });
export const TopUpQuery = z.object({
  status: TopUpStatus.optional(),
  method: TopUpMethod.optional(),
  limit: PageQuery.shape.limit,
  cursor: z.string().max(500).optional(),
});

/** The merchant's wallet: balance, ledger, and the top-ups that fill it. */
export function walletRoutes(db: Db, topUps: TopUpService): Router {
  const router = Router();

  router.get('/v1/wallet', async (req, res) => {
    res.json(await getWallet(db, merchantOf(req)));
  });

  router.get('/v1/wallet/transactions', async (req, res) => {
    const q = parseQuery(PageQuery, req);
    res.json(
      await listTransactions(db, merchantOf(req), {
        limit: q.limit,
        ...(q.cursor ? { before: Number(q.cursor) } : {}),
      }),
    );
  });

  router.post('/v1/wallet/top-ups', idempotent(db), async (req, res) => {
    const merchantId = merchantOf(req);
    const raw = req.body as Record<string, unknown> | undefined;
    if (raw && typeof raw === 'object' && 'reference' in raw && !('method' in raw)) {
      // The first version of this call credited whatever a merchant sent: it is withdrawn, and says so.
      const message = `a merchant can no longer credit its wallet: start a top-up with method ${topUpMethods.map((m) => `"${m.name}"`).join(' or ')}; it is credited when the money is received`;
      throw new HttpError(422, 'VALIDATION_FAILED', `method: ${message}`, [{ path: 'method', message }]);
    }
    const body = parseBody(StartTopUp, req);
    const result = await topUps.start(merchantId, body, req.get('idempotency-key'));
    res.status(result.created ? 201 : 200).json(merchantTopUpView(result.topUp));
  });

  router.get('/v1/wallet/top-ups', async (req, res) => {
    const merchantId = merchantOf(req);
    const q = parseQuery(TopUpQuery, req);
    const page = await listPage(db, { merchantId, ...q });
    res.json({ items: page.items.map(merchantTopUpView), nextCursor: page.nextCursor });
  });

  router.get('/v1/wallet/top-ups/:id', async (req, res) => {
    res.json(merchantTopUpView(await topUps.require(String(req.params.id), merchantOf(req))));
  });

  return router;
}

/** A page of top-ups; a cursor that is not one of ours is the caller's mistake (422), not ours. */
export async function listPage(db: Db, f: TopUpFilter): Promise<{ items: TopUpView[]; nextCursor: string | null }> {
  try {
    return await listTopUps(db, f);
  } catch (error) {
    if (error instanceof BadCursor) {
      throw new HttpError(422, 'VALIDATION_FAILED', 'query.cursor: not a cursor from a previous page', [
        { path: 'query.cursor', message: 'invalid cursor' },
      ]);
    }
    throw error;
  }
}

/** The rows of /openapi.json these routes serve. */
export const walletSpecs: Spec[] = [
  {
    method: 'get',
    path: '/v1/wallet',
    summary: 'Wallet balance, reserved and available',
    ok: [200, Wallet, 'The wallet'],
    errors: [401, 403],
  },
  {
    method: 'get',
    path: '/v1/wallet/transactions',
    summary:
      'Ledger entries, newest first: each credit with its kind (top_up, adjustment, refund…) and topUpId; legacy top-ups (credited by the withdrawn merchant call) are marked `legacy`',
    query: PageQuery,
    ok: [200, TransactionList, 'A page of entries'],
    errors: [401, 403, 422],
  },
  {
    method: 'post',
    path: '/v1/wallet/top-ups',
    summary:
      'Start a top-up: paypal charges the linked PayPal (credited when the capture completes); bank_transfer answers the bank details and a payment reference (credited once the finance desk confirms). Replaces the withdrawn {amount, currency, reference} call, which now answers 422',
    body: StartTopUp,
    ok: [201, TopUpView, 'Started (200 when the Idempotency-Key already started it)'],
    errors: [400, 401, 403, 409, 422],
    idempotent: true,
  },
  {
    method: 'get',
    path: '/v1/wallet/top-ups',
    summary: "The merchant's top-ups, newest first",
    query: TopUpQuery,
    ok: [200, TopUpList, 'A page of top-ups'],
    errors: [401, 403, 422],
  },
  {
    method: 'get',
    path: '/v1/wallet/top-ups/{id}',
    summary: 'One top-up: PENDING → COMPLETED | FAILED | REJECTED | EXPIRED',
    ok: [200, TopUpView, 'The top-up'],
    errors: [401, 403, 404],
  },
];
