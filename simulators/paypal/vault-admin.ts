import express, { type Request, type Response, type Router } from 'express';
import { approveSetupToken, cancelSetupToken, type ApprovalOutcome } from './approval.js';
import type { PayPalState } from './state.js';
import { ApprovalSchema } from './vault-schemas.js';
import type { SimPaymentToken, SimSetupToken } from './vault-state.js';

/** The vault under /_admin: what exists (deleted payment tokens included), and the payer's answer without the HTML page. */

export interface AdminSetupToken {
  id: string;
  status: SimSetupToken['status'];
  customerId: string;
  usageType: string;
  permitMultiplePaymentTokens: boolean;
  brandName: string | null;
  description: string | null;
  returnUrl: string;
  cancelUrl: string;
  payerEmail: string | null;
  payerId: string | null;
  declineWith: string | null;
  cancellations: number;
  paymentTokenId: string | null;
  createTime: string;
  approveTime: string | null;
}

export interface AdminPaymentToken {
  id: string;
  status: 'ACTIVE' | 'DELETED';
  customerId: string;
  setupTokenId: string;
  usageType: string;
  payerEmail: string;
  payerId: string;
  declineWith: string | null;
  createTime: string;
  deleteTime: string | null;
}

export function setupTokenAdminView(t: SimSetupToken): AdminSetupToken {
  return {
    id: t.id,
    status: t.status,
    customerId: t.customerId,
    usageType: t.usageType,
    permitMultiplePaymentTokens: t.permitMultiplePaymentTokens,
    brandName: t.brandName ?? null,
    description: t.description ?? null,
    returnUrl: t.returnUrl,
    cancelUrl: t.cancelUrl,
    payerEmail: t.payer?.email ?? null,
    payerId: t.payer?.payerId ?? null,
    declineWith: t.declineIssue ?? null,
    cancellations: t.cancellations,
    paymentTokenId: t.paymentTokenId ?? null,
    createTime: t.createTime,
    approveTime: t.approveTime ?? null,
  };
}

function paymentTokenAdminView(t: SimPaymentToken): AdminPaymentToken {
  return {
    id: t.id,
    status: t.deleteTime ? 'DELETED' : 'ACTIVE',
    customerId: t.customerId,
    setupTokenId: t.setupTokenId,
    usageType: t.usageType,
    payerEmail: t.payer.email,
    payerId: t.payer.payerId,
    declineWith: t.declineIssue ?? null,
    createTime: t.createTime,
    deleteTime: t.deleteTime ?? null,
  };
}

/** Mounted inside the admin router, which parses JSON bodies and turns body-parser errors into 400s. */
export function vaultAdminRouter(state: PayPalState, now: () => number): Router {
  const router = express.Router();

  router.get('/setup-tokens', (_req, res) => {
    res.json({ setupTokens: [...state.setupTokens.values()].map(setupTokenAdminView) });
  });

  router.get('/payment-tokens', (_req, res) => {
    res.json({ paymentTokens: [...state.paymentTokens.values()].map(paymentTokenAdminView) });
  });

  const answer = (res: Response, outcome: ApprovalOutcome) => {
    if (!outcome.ok) return void res.status(409).json({ error: 'conflict', message: outcome.reason });
    res.json({ setupToken: setupTokenAdminView(outcome.token), redirectUrl: outcome.redirectUrl });
  };
  const setupToken = (req: Request): SimSetupToken | undefined => {
    const id: unknown = req.params['id'];
    return typeof id === 'string' ? state.setupTokens.get(id) : undefined;
  };

  /** As if the payer approved on PayPal: `{ payerEmail?, declineWith? }`; answers the redirect the browser would follow. */
  router.post('/setup-tokens/:id/approve', (req, res) => {
    const token = setupToken(req);
    if (!token) return void res.status(404).json({ error: 'not_found' });
    const parsed = ApprovalSchema.safeParse(req.body ?? {});
    if (!parsed.success) return void res.status(400).json({ error: 'invalid_request', issues: parsed.error.issues });
    answer(res, approveSetupToken(state, token, parsed.data, new Date(now()).toISOString()));
  });

  router.post('/setup-tokens/:id/cancel', (req, res) => {
    const token = setupToken(req);
    if (!token) return void res.status(404).json({ error: 'not_found' });
    answer(res, cancelSetupToken(token));
  });

  return router;
}
