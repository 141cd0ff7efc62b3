import { createHash, randomBytes } from 'node:crypto';
import { Router } from 'express';
import { z } from 'zod';
import { listAudit } from '../../db/audit.js';
import { getMerchant } from '../../db/merchants.js';
import type { Db } from '../../db/pool.js';
import { adjust, WalletError } from '../../db/wallet-ledger.js';
import { Currency } from '../../domain/order.js';
import { isPlatformReference, normalizeReference } from '../../domain/payment-reference.js';
import { TopUpMethod, TopUpStatus, TopUpView } from '../../domain/top-up.js';
import { formatMoney } from '../../domain/money.js';
import type { OrderResumer } from '../order-resumer.js';
import { namedOperatorOf, requireOperator } from '../auth.js';
import { HttpError } from '../errors.js';
import { apiMetrics } from '../metrics.js';
import { idempotent } from '../idempotency.js';
import { endOf, isoDate, PageQuery, startOf } from '../schemas.js';
import type { TopUpService } from '../top-up-service.js';
import { parseBody, parseQuery } from '../validation.js';
import { listPage, TopUpList, Wallet, WalletTransaction } from './wallet.js';
import type { Spec } from '../openapi-spec.js';

export const ConfirmTopUp = z
  .object({
    amountReceived: z
      .number()
      .int()
      .positive()
      .max(Number.MAX_SAFE_INTEGER)
      .meta({ description: 'What the bank statement shows, in minor units: this is what is credited' }),
    bankReference: z
      .string()
      .trim()
      .min(1)
      .max(140)
      .meta({ description: "The bank's reference of the incoming transfer" }),
  })
  .strict()
  .meta({ id: 'ConfirmTopUp' });

export const RejectTopUp = z
  .object({ reason: z.string().trim().min(1).max(500) })
  .strict()
  .meta({ id: 'RejectTopUp' });

export const Adjustment = z
  .object({
    merchantId: z.string().min(1).max(64),
    amount: z
      .number()
      .int()
      .refine((n) => n !== 0, 'an adjustment is not zero')
      .refine((n) => Math.abs(n) <= Number.MAX_SAFE_INTEGER, 'too large')
      .meta({
        description: 'Signed, in minor units: + credits the wallet, − debits it (never below what is available)',
      }),
    currency: Currency.optional().meta({ description: "Checked against the wallet's when given" }),
    reason: z
      .string()
      .trim()
      .min(3)
      .max(500)
      .meta({ description: 'Required: shown to the merchant and kept in the audit log' }),
  })
  .strict()
  .meta({ id: 'Adjustment' });

export const AdjustmentResult = z
  .object({
    adjustment: z.object({
      id: z.string(),
      merchantId: z.string(),
      amount: z.number().int(),
      currency: z.string(),
      reason: z.string(),
      by: z.string(),
    }),
    transaction: WalletTransaction,
    wallet: Wallet,
  })
  .meta({ id: 'AdjustmentResult' });

export const FinanceTopUpQuery = z.object({
  status: TopUpStatus.default('PENDING'),
  method: TopUpMethod.default('bank_transfer'),
  merchantId: z.string().max(64).optional(),
  reference: z
    .string()
    .max(64)
    .optional()
    .meta({ description: 'A payment reference as written on the transfer (spaces and case do not matter)' }),
  limit: PageQuery.shape.limit,
  cursor: z.string().max(500).optional(),
});

export const AuditEntry = z
  .object({
    id: z.string(),
    at: z.string(),
    actor: z.string().meta({ description: 'The operator\'s name ("root" for the configured root key)' }),
    actorKeyId: z.string(),
    action: z.string().meta({ example: 'top_up.confirm' }),
    merchantId: z.string().nullable(),
    target: z.string().nullable(),
    amount: z.number().int().nullable(),
    currency: z.string().nullable(),
    reason: z.string().nullable(),
    details: z.record(z.string(), z.unknown()),
  })
  .meta({ id: 'AuditEntry' });
export const AuditList = z
  .object({ items: z.array(AuditEntry), nextCursor: z.string().nullable() })
  .meta({ id: 'AuditList' });
export const AuditQuery = z.object({
  merchantId: z.string().max(64).optional(),
  action: z.string().max(64).optional(),
  actor: z.string().max(320).optional().meta({ description: 'Who did it: an operator\'s name ("root"), as listed' }),
  from: isoDate.optional().meta({ description: 'At or after (a day is taken from its start, UTC)' }),
  to: isoDate.optional().meta({ description: 'At or before (a day is taken to its end, UTC)' }),
  limit: PageQuery.shape.limit,
  cursor: PageQuery.shape.cursor,
});

/**
 * The finance desk (operator keys): pending transfers across merchants, confirm what arrived, reject, adjust a
 * wallet, and read the audit log. Money actions need a named operator key; each lands in the audit log.
 */
export function financeRoutes(db: Db, topUps: TopUpService, resumer?: OrderResumer): Router {
  const router = Router();

  router.get('/v1/finance/top-ups', async (req, res) => {
    requireOperator(req);
    const q = parseQuery(FinanceTopUpQuery, req);
    let reference: string | undefined;
    if (q.reference !== undefined) {
      if (!isPlatformReference(q.reference)) {
        const message =
          'not one of our payment references (RF, 2 check digits, 16 digits): the check digits do not match, a typo?';
        throw new HttpError(422, 'VALIDATION_FAILED', `query.reference: ${message}`, [
          { path: 'query.reference', message },
        ]);
      }
      reference = normalizeReference(q.reference);
    }
    res.json(
      await listPage(db, {
        merchantId: q.merchantId ?? null,
        status: q.status,
        method: q.method,
        reference,
        limit: q.limit,
        cursor: q.cursor,
        oldestFirst: q.status === 'PENDING',
      }),
    );
  });

  router.get('/v1/finance/top-ups/:id', async (req, res) => {
    requireOperator(req);
    res.json(await topUps.require(String(req.params.id), null));
  });

  router.post('/v1/finance/top-ups/:id/confirm', idempotent(db), async (req, res) => {
    const by = namedOperatorOf(req);
    const body = parseBody(ConfirmTopUp, req);
    const topUp = await topUps.require(String(req.params.id), null);
    res.json(await topUps.act(topUp, 'confirm', { ...body, by }));
  });

  router.post('/v1/finance/top-ups/:id/reject', idempotent(db), async (req, res) => {
    const by = namedOperatorOf(req);
    const body = parseBody(RejectTopUp, req);
    const topUp = await topUps.require(String(req.params.id), null);
    res.json(await topUps.act(topUp, 'reject', { ...body, by }));
  });

  router.post('/v1/finance/adjustments', idempotent(db), async (req, res) => {
    const by = namedOperatorOf(req);
    const body = parseBody(Adjustment, req);
    if (!(await getMerchant(db, body.merchantId))) throw new HttpError(404, 'NOT_FOUND', 'Merchant not found');
    // With an Idempotency-Key the ledger key comes from it too: even a retry whose stored answer was lost
    // lands on the same ledger row instead of adjusting twice.
    const idempotencyKey = req.get('idempotency-key');
    const id = `adj_${
      idempotencyKey
        ? createHash('sha256').update(`${body.merchantId}\u0000${idempotencyKey}`).digest('hex').slice(0, 24)
        : randomBytes(12).toString('hex')
    }`;
    try {
      const result = await adjust(db, {
        merchantId: body.merchantId,
        amount: body.amount,
        reason: body.reason,
        actor: by,
        key: `adjustment:${id}`,
        ...(body.currency ? { currency: body.currency } : {}),
      });
      if (result.created) apiMetrics.walletMovement('adjustment');
      // A credit wakes the orders waiting for funds, as a top-up does (once per adjustment, retries included).
      if (result.transaction.balanceDelta > 0)
        await resumer?.afterAdjustment({
          id,
          merchantId: body.merchantId,
          available: result.wallet.available,
          by: `adjustment ${id} by ${by.name}`,
          summary: `Wake orders waiting for funds: adjustment ${id} of ${formatMoney({ amount: result.transaction.balanceDelta, currency: result.transaction.currency })} by ${by.name}`,
        });
      res.status(result.created ? 201 : 200).json({
        adjustment: {
          id,
          merchantId: body.merchantId,
          amount: result.transaction.balanceDelta,
          currency: result.transaction.currency,
          reason: result.transaction.reason ?? body.reason,
          by: by.name,
        },
        transaction: result.transaction,
        wallet: result.wallet,
      });
    } catch (error) {
      if (error instanceof WalletError && error.code === 'INSUFFICIENT_AVAILABLE')
        throw new HttpError(409, 'INSUFFICIENT_AVAILABLE', error.message);
      if (error instanceof WalletError && error.code === 'CURRENCY_MISMATCH') {
        throw new HttpError(422, 'CURRENCY_MISMATCH', error.message, [{ path: 'currency', message: error.message }]);
      }
      throw error;
    }
  });

  router.get('/v1/audit', async (req, res) => {
    requireOperator(req);
    const q = parseQuery(AuditQuery, req);
    res.json(
      await listAudit(db, {
        limit: q.limit,
        ...(q.merchantId ? { merchantId: q.merchantId } : {}),
        ...(q.action ? { action: q.action } : {}),
        ...(q.actor ? { actor: q.actor } : {}),
        ...(q.from ? { from: startOf(q.from) } : {}),
        ...(q.to ? { to: endOf(q.to) } : {}),
        ...(q.cursor ? { before: Number(q.cursor) } : {}),
      }),
    );
  });

  return router;
}

/** The rows of /openapi.json these routes serve. */
export const financeSpecs: Spec[] = [
  {
    method: 'get',
    path: '/v1/finance/top-ups',
    summary:
      'Finance desk (operator key): top-ups across merchants, by default the pending bank transfers, oldest first; filter by payment reference',
    query: FinanceTopUpQuery,
    ok: [200, TopUpList, 'A page of top-ups'],
    errors: [401, 403, 422],
  },
  {
    method: 'get',
    path: '/v1/finance/top-ups/{id}',
    summary: 'Finance desk: one top-up, with the names of the operators who acted on it',
    ok: [200, TopUpView, 'The top-up'],
    errors: [401, 403, 404],
  },
  {
    method: 'post',
    path: '/v1/finance/top-ups/{id}/confirm',
    summary:
      'Finance desk (named operator key): the transfer arrived; credits the amount received, once however often it is called; audited',
    body: ConfirmTopUp,
    ok: [200, TopUpView, 'Credited (COMPLETED)'],
    errors: [400, 401, 403, 404, 409, 422, 503],
    idempotent: true,
  },
  {
    method: 'post',
    path: '/v1/finance/top-ups/{id}/reject',
    summary: 'Finance desk (named operator key): refuse a transfer top-up; nothing is credited; audited',
    body: RejectTopUp,
    ok: [200, TopUpView, 'REJECTED'],
    errors: [400, 401, 403, 404, 409, 422, 503],
    idempotent: true,
  },
  {
    method: 'post',
    path: '/v1/finance/adjustments',
    summary:
      "Finance desk (named operator key): a signed correction of a merchant's wallet, reason required, never below what is available; audited",
    body: Adjustment,
    ok: [201, AdjustmentResult, 'Adjusted (200 when this Idempotency-Key already did)'],
    errors: [400, 401, 403, 404, 409, 422],
    idempotent: true,
  },
  {
    method: 'get',
    path: '/v1/audit',
    summary: 'Audit log (operator key): who did what to whose money and keys, when and why; newest first',
    query: AuditQuery,
    ok: [200, AuditList, 'A page of entries'],
    errors: [401, 403, 422],
  },
];
