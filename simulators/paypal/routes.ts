import express, { type Request, type Response, type Router } from 'express';
import { invalidRequest, resourceNotFound, unprocessable } from './errors.js';
import type { FaultQueue } from './faults.js';
import { apiGuard } from './guard.js';
import { resourceId } from './ids.js';
import { parseValue } from './money.js';
import { idempotent, param, shaped } from './replies.js';
import { baseUrl, orderView, refundView } from './representations.js';
import { CaptureBodySchema, CreateOrderSchema, RefundBodySchema, validate } from './schemas.js';
import type { PayPalState, SimCapture, SimOrder, SimRefund } from './state.js';

export function apiRouter(state: PayPalState, faults: FaultQueue, now: () => number): Router {
  const router = express.Router();
  const isoNow = () => new Date(now()).toISOString();
  const guard = apiGuard(state, faults, now);
  const captureOf = (order: SimOrder): SimCapture | undefined =>
    order.captureId ? state.captures.get(order.captureId) : undefined;

  router.post('/v2/checkout/orders', ...guard('create'), (req: Request, res: Response) => {
    idempotent(state, 'create', req, res, () => {
      const parsed = validate(CreateOrderSchema, req.body);
      if (!parsed.ok) return void invalidRequest(res, parsed.details);
      const [unit] = parsed.data.purchase_units;
      const amount = unit ? parseValue(unit.amount.value, unit.amount.currency_code) : undefined;
      if (!unit || !amount?.ok)
        return void invalidRequest(res, [
          {
            field: '/purchase_units/0/amount',
            location: 'body',
            issue: 'INVALID_PARAMETER_VALUE',
            description: 'amount is invalid',
          },
        ]);
      const vaultId = parsed.data.payment_source.paypal.vault_id;
      // PayPal's error catalogue: INVALID_RESOURCE_ID (404 RESOURCE_NOT_FOUND) is what Orders v2 answers for an id
      // in the request that does not exist. It does not say which answer a deleted payment token gets; the
      // simulator treats it as never issued. The field points at the vault id, so a client can tell it apart from
      // a wrong URL.
      if (!state.isChargeableVaultId(vaultId)) {
        return void resourceNotFound(res, 'vault_id', vaultId, {
          field: '/payment_source/paypal/vault_id',
          location: 'body',
        });
      }
      if (state.captureWithInvoice(unit.invoice_id)) {
        return void unprocessable(
          res,
          'DUPLICATE_INVOICE_ID',
          'A payment was already made under this invoice_id.',
          '/purchase_units/0/invoice_id',
        );
      }
      const time = isoNow();
      const order: SimOrder = {
        id: resourceId(),
        // A vaulted PayPal account needs no buyer approval: the order is ready to capture at once.
        status: 'APPROVED',
        vaultId,
        unit: {
          referenceId: unit.reference_id ?? 'default',
          currency: unit.amount.currency_code,
          amount: amount.minor,
          ...(unit.invoice_id ? { invoiceId: unit.invoice_id } : {}),
          ...(unit.custom_id ? { customId: unit.custom_id } : {}),
          ...(unit.description ? { description: unit.description } : {}),
        },
        createTime: time,
        updateTime: time,
      };
      state.orders.set(order.id, order);
      return shaped(req, 201, orderView(baseUrl(req), order, undefined, state.paymentTokens.get(vaultId)));
    });
  });

  router.get('/v2/checkout/orders/:id', ...guard('get'), (req: Request, res: Response) => {
    const order = state.orders.get(param(req, 'id'));
    if (!order) return void resourceNotFound(res, 'order_id', param(req, 'id'));
    res.json(orderView(baseUrl(req), order, captureOf(order), state.paymentTokens.get(order.vaultId)));
  });

  router.post('/v2/checkout/orders/:id/capture', ...guard('capture'), (req: Request, res: Response) => {
    const orderId = param(req, 'id');
    idempotent(state, `capture:${orderId}`, req, res, () => {
      const body = validate(CaptureBodySchema, req.body);
      if (!body.ok) return void invalidRequest(res, body.details);
      const order = state.orders.get(orderId);
      if (!order) return void resourceNotFound(res, 'order_id', orderId);
      // The simulator still captures an order whose payment token was deleted after the order was created: the
      // order already holds the payer's approval, and a charge retried after a lost answer must be able to finish.
      if (order.status === 'COMPLETED') {
        return void unprocessable(
          res,
          'ORDER_ALREADY_CAPTURED',
          'This order was already captured; an order with intent CAPTURE is captured once.',
        );
      }
      const declineIssue = state.declineIssueFor(order.vaultId);
      if (declineIssue) {
        return void unprocessable(
          res,
          declineIssue,
          'The funding instrument behind this vaulted PayPal account was declined by the processor or bank.',
        );
      }
      // Two orders may have been created with one invoice_id before either was paid; only the first to capture wins.
      if (state.captureWithInvoice(order.unit.invoiceId)) {
        return void unprocessable(res, 'DUPLICATE_INVOICE_ID', 'A payment was already made under this invoice_id.');
      }
      const time = isoNow();
      const capture: SimCapture = {
        id: resourceId(),
        orderId: order.id,
        vaultId: order.vaultId,
        currency: order.unit.currency,
        amount: order.unit.amount,
        refunded: 0,
        status: 'COMPLETED',
        ...(order.unit.invoiceId ? { invoiceId: order.unit.invoiceId } : {}),
        ...(order.unit.customId ? { customId: order.unit.customId } : {}),
        createTime: time,
        updateTime: time,
      };
      state.captures.set(capture.id, capture);
      order.status = 'COMPLETED';
      order.captureId = capture.id;
      order.updateTime = time;
      return shaped(req, 201, orderView(baseUrl(req), order, capture, state.paymentTokens.get(order.vaultId)));
    });
  });

  router.post('/v2/payments/captures/:id/refund', ...guard('refund'), (req: Request, res: Response) => {
    const captureId = param(req, 'id');
    idempotent(state, `refund:${captureId}`, req, res, () => {
      const body = validate(RefundBodySchema, req.body);
      if (!body.ok) return void invalidRequest(res, body.details);
      const capture = state.captures.get(captureId);
      if (!capture) return void resourceNotFound(res, 'capture_id', captureId);
      const remaining = capture.amount - capture.refunded;
      if (remaining <= 0)
        return void unprocessable(res, 'CAPTURE_FULLY_REFUNDED', 'This capture has already been refunded in full.');
      const requested = body.data?.amount;
      if (requested && requested.currency_code !== capture.currency) {
        return void unprocessable(
          res,
          'REFUND_CAPTURE_CURRENCY_MISMATCH',
          `The refund must be in ${capture.currency}, the currency of the capture.`,
          '/amount/currency_code',
        );
      }
      const parsed = requested ? parseValue(requested.value, requested.currency_code) : undefined;
      const amount = parsed?.ok ? parsed.minor : remaining;
      if (amount > remaining) {
        return void unprocessable(
          res,
          'REFUND_AMOUNT_EXCEEDED',
          'The refunds would add up to more than was captured.',
          '/amount/value',
        );
      }
      const time = isoNow();
      const requestId = req.get('paypal-request-id');
      const refund: SimRefund = {
        id: resourceId(),
        captureId,
        currency: capture.currency,
        amount,
        status: 'COMPLETED',
        ...(body.data?.invoice_id ? { invoiceId: body.data.invoice_id } : {}),
        ...(body.data?.note_to_payer ? { noteToPayer: body.data.note_to_payer } : {}),
        ...(requestId ? { requestId } : {}),
        createTime: time,
      };
      state.refunds.set(refund.id, refund);
      capture.refunded += amount;
      capture.status = capture.refunded === capture.amount ? 'REFUNDED' : 'PARTIALLY_REFUNDED';
      capture.updateTime = time;
      return shaped(req, 201, refundView(baseUrl(req), refund));
    });
  });

  return router;
}
