import express, { type ErrorRequestHandler, type Router } from 'express';
import { z } from 'zod';
import { FaultSchema, pendingFaults, type FaultQueue } from './faults.js';
import { formatValue } from './money.js';
import type { PayPalState } from './state.js';
import { vaultAdminRouter } from './vault-admin.js';

const DeclinedSchema = z.object({
  vaultIds: z.array(z.string().min(1).max(255)).max(10_000),
  /** The issue their captures fail with; INSTRUMENT_DECLINED unless another decline is being rehearsed. */
  issue: z
    .string()
    .regex(/^[A-Z][A-Z_]*$/)
    .optional(),
});

export interface AdminCapture {
  id: string;
  orderId: string;
  invoiceId: string | null;
  vaultId: string;
  amount: string;
  currency: string;
  refunded: string;
  status: string;
  createTime: string;
}

/**
 * Test and demo controls under /_admin, without authentication: the simulator is never exposed beyond a
 * developer machine or a CI job. Bad input answers 400 `{ error, issues }`.
 */
export function adminRouter(state: PayPalState, faults: FaultQueue, now: () => number): Router {
  const router = express.Router();
  router.use(express.json({ limit: '1mb' }));

  router.get('/captures', (_req, res) => {
    res.json({
      captures: [...state.captures.values()].map((c): AdminCapture => ({
        id: c.id,
        orderId: c.orderId,
        invoiceId: c.invoiceId ?? null,
        vaultId: c.vaultId,
        amount: formatValue(c.amount, c.currency),
        currency: c.currency,
        refunded: formatValue(c.refunded, c.currency),
        status: c.status,
        createTime: c.createTime,
      })),
    });
  });

  router.get('/refunds', (_req, res) => {
    res.json({
      refunds: [...state.refunds.values()].map((r) => ({
        id: r.id,
        captureId: r.captureId,
        amount: formatValue(r.amount, r.currency),
        currency: r.currency,
        status: r.status,
        invoiceId: r.invoiceId ?? null,
        noteToPayer: r.noteToPayer ?? null,
        requestId: r.requestId ?? null,
        createTime: r.createTime,
      })),
    });
  });

  router.get('/orders', (_req, res) => {
    res.json({
      orders: [...state.orders.values()].map((o) => ({
        id: o.id,
        status: o.status,
        vaultId: o.vaultId,
        invoiceId: o.unit.invoiceId ?? null,
        amount: formatValue(o.unit.amount, o.unit.currency),
        currency: o.unit.currency,
        captureId: o.captureId ?? null,
      })),
    });
  });

  router.get('/declined-vault-ids', (_req, res) => {
    res.json({ vaultIds: [...state.declined.keys()], declined: Object.fromEntries(state.declined) });
  });

  router.put('/declined-vault-ids', (req, res) => {
    const parsed = DeclinedSchema.safeParse(req.body);
    if (!parsed.success) return void res.status(400).json({ error: 'invalid_request', issues: parsed.error.issues });
    state.setDeclined(parsed.data.vaultIds, parsed.data.issue);
    res.json({ vaultIds: [...state.declined.keys()], declined: Object.fromEntries(state.declined) });
  });

  router.get('/faults', (_req, res) => {
    res.json({ faults: pendingFaults(faults) });
  });

  router.post('/faults', (req, res) => {
    const parsed = FaultSchema.safeParse(req.body);
    if (!parsed.success) return void res.status(400).json({ error: 'invalid_request', issues: parsed.error.issues });
    faults.add(parsed.data);
    res.status(201).json({ fault: parsed.data, queued: faults.list().length });
  });

  router.delete('/faults', (_req, res) => {
    faults.clear();
    res.status(204).end();
  });

  router.get('/requests', (_req, res) => {
    res.json({ counts: { ...state.counts } });
  });

  /** Zeroes the request counts only, e.g. after a test linked PayPal and before it counts what the code under test does. */
  router.delete('/requests', (_req, res) => {
    state.resetCounts();
    res.status(204).end();
  });

  router.use(vaultAdminRouter(state, now));

  /** Invalidates every access token, as PayPal may do before expiry; clients must fetch a new one. */
  router.post('/tokens/revoke', (_req, res) => {
    const revoked = state.tokens.size;
    state.tokens.clear();
    res.json({ revoked });
  });

  router.post('/reset', (_req, res) => {
    state.reset();
    faults.clear();
    res.status(204).end();
  });

  router.use((_req, res) => {
    res.status(404).json({ error: 'not_found' });
  });

  const malformed: ErrorRequestHandler = (err: unknown, _req, res, next) => {
    if (res.headersSent) return next(err);
    const status = httpStatusOf(err);
    if (status >= 400 && status < 500)
      return void res.status(status).json({ error: 'invalid_request', issues: [{ message: errorMessage(err) }] });
    next(err);
  };
  router.use(malformed);
  return router;
}

/** body-parser errors carry the 4xx status they deserve. */
export function httpStatusOf(err: unknown): number {
  if (typeof err !== 'object' || err === null) return 500;
  const status = (err as { status?: unknown }).status;
  return typeof status === 'number' ? status : 500;
}

export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
