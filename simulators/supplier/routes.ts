import express, { type Request, type RequestHandler, type Response } from 'express';
import { z } from 'zod';
import { findCarrier } from './catalog.js';
import type { SimContext } from './context.js';
import type { Fault, RouteName } from './faults.js';
import { evaluateOrder, quoteTotals, toDecimal } from './pricing.js';
import { parseOrderRequest } from './requests.js';
import type { SimOrder } from './state.js';
import { htmlPage, sendBusinessError, sendPlainError, sendValidationFailed } from './wire.js';
import { injectFaults } from '../shared/fault-injection.js';

/** The BigBuy REST surface under /rest. */
export function createRestRouter(ctx: SimContext): express.Router {
  const router = express.Router();
  const json = express.json({ limit: '1mb' });
  const guard = (route: RouteName): RequestHandler[] => [
    countRequest(ctx, route),
    requireApiKey(ctx),
    applyFault(ctx, route),
  ];

  router.post('/order/check.json', ...guard('check'), json, (req, res) => {
    const parsed = parseOrderRequest(req.body);
    if (!parsed.ok) return sendValidationFailed(res, parsed.errors);
    const evaluation = evaluateOrder(ctx.state, parsed.order, ctx.vatRate);
    if (!evaluation.ok) return sendBusinessError(res, evaluation.error);
    res.status(200).json(quoteTotals(evaluation.quote));
  });

  router.post('/order/create.json', ...guard('create'), json, (req, res) => {
    const parsed = parseOrderRequest(req.body);
    if (!parsed.ok) return sendValidationFailed(res, parsed.errors);
    const order = parsed.order;
    // Checked before anything else: a retried create must get the id back even if stock has since run out.
    const existing = ctx.state.orderByReference(order.internalReference);
    if (existing) {
      return sendBusinessError(res, { code: 'ER008', info: 'Order already exists', data: { orderId: existing.id } });
    }
    const evaluation = evaluateOrder(ctx.state, order, ctx.vatRate);
    if (!evaluation.ok) return sendBusinessError(res, evaluation.error);
    const { quote } = evaluation;
    const now = ctx.now();
    const created = ctx.state.addOrder({
      internalReference: order.internalReference,
      language: order.language.toLowerCase(),
      paymentMethod: order.paymentMethod.toLowerCase(),
      requestedCarriers: order.carriers.map((c) => c.name),
      carrier: quote.carrier.code,
      shippingAddress: {
        ...order.shippingAddress,
        country: order.shippingAddress.country.toUpperCase(),
        comment: order.shippingAddress.comment ?? null,
        companyName: order.shippingAddress.companyName ?? null,
        vatNumber: order.shippingAddress.vatNumber ?? null,
      },
      products: quote.lines,
      cashOnDelivery: order.cashOnDelivery ?? null,
      productsCents: quote.productsCents,
      shippingCents: quote.shippingCents,
      taxesCents: quote.taxesCents,
      status: 'processing',
      createdAt: new Date(now).toISOString(),
      createdAtMs: now,
      trackings: [],
    });
    const holdMs = res.locals['holdAfterCreateMs'];
    if (typeof holdMs === 'number') return holdResponse(ctx, res, holdMs);
    res.status(201).location(`/rest/order/${created.id}`).end();
  });

  router.get('/order/reference/:internalReference.json', ...guard('reference'), (req, res) => {
    const order = ctx.state.orderByReference(String(req.params['internalReference']));
    if (!order) return sendPlainError(res, 404, 'Order not found');
    res.json(orderJson(order));
  });

  router.get('/order/:id.json', ...guard('order'), (req, res) => {
    const order = ctx.state.orderById(String(req.params['id']));
    if (!order) return sendPlainError(res, 404, 'Order not found');
    res.json(orderJson(order));
  });

  router.get('/tracking/order/:id.json', ...guard('tracking'), (req, res) => {
    const order = ctx.state.orderById(String(req.params['id']));
    if (!order) return sendPlainError(res, 404, 'Order not found');
    res.json([
      {
        id: order.id,
        trackings: order.trackings.map((t) => ({
          trackingNumber: t.trackingNumber,
          statusDescription: t.statusDescription,
          statusDate: t.statusDate,
          carrier: { id: t.carrierId, name: t.carrierName },
          trackingUrl: t.trackingUrl,
        })),
      },
    ]);
  });

  router.get('/catalog/products.json', ...guard('catalog'), (req, res) => {
    const page = pageOf(req, res);
    if (!page) return;
    res.json(
      page.slice(ctx.state.products).map((p) => ({
        id: p.id,
        sku: p.sku,
        wholesalePrice: p.wholesalePrice,
        retailPrice: p.retailPrice,
        inShopsPrice: p.retailPrice,
        active: 1,
        condition: 'NEW',
      })),
    );
  });

  router.get('/catalog/productsstock.json', ...guard('catalog'), (req, res) => {
    const page = pageOf(req, res);
    if (!page) return;
    res.json(
      page.slice(ctx.state.products).map((p) => ({
        id: p.id,
        sku: p.sku,
        stocks: [
          {
            quantity: Math.max(p.stock, 0),
            minHandlingDays: p.minHandlingDays,
            maxHandlingDays: p.maxHandlingDays,
            warehouse: 1,
          },
        ],
      })),
    );
  });

  router.get('/catalog/productsinformation.json', ...guard('catalog'), (req, res) => {
    const page = pageOf(req, res);
    if (!page) return;
    // The simulator only holds English copy; it is served under whatever language was asked for.
    res.json(
      page
        .slice(ctx.state.products)
        .map((p) => ({ id: p.id, sku: p.sku, name: p.name, description: p.description, isoCode: page.isoCode })),
    );
  });

  return router;
}

function countRequest(ctx: SimContext, route: RouteName): RequestHandler {
  return (_req, _res, next) => {
    ctx.counts[route] += 1;
    next();
  };
}

function requireApiKey(ctx: SimContext): RequestHandler {
  return (req, res, next) => {
    const header = req.get('authorization') ?? '';
    const match = /^Bearer\s+(.+)$/i.exec(header);
    if (!match)
      return sendPlainError(res, 401, 'An authentication header is required: Authorization: Bearer <API key>');
    if (match[1]?.trim() !== ctx.apiKey) return sendPlainError(res, 401, 'The API key is not valid');
    next();
  };
}

function applyFault(ctx: SimContext, route: RouteName): RequestHandler {
  return injectFaults(ctx.faults, route, (fault, res, next) => {
    if (fault.kind !== 'timeout_after_create') return answerFault(ctx, res, fault);
    res.locals['holdAfterCreateMs'] = fault.delayMs ?? 30_000;
    next();
  });
}

function answerFault(ctx: SimContext, res: Response, fault: Fault): void {
  switch (fault.kind) {
    case 'http_500':
      res.status(500).json({ code: 500, message: 'Internal Server Error' });
      return;
    case 'html_502':
      res.status(502).type('html').send(htmlPage(502, 'Bad Gateway'));
      return;
    case 'rate_limit': {
      const reset = Math.ceil(ctx.now() / 1000) + (fault.resetInSeconds ?? 1);
      res.status(429).type('text/plain').set('X-Ratelimit-Reset', String(reset)).send('You exceeded the rate limit');
      return;
    }
    case 'error_body_200':
      if (fault.variant === 'html') {
        res
          .status(200)
          .type('html')
          .send('<div class="alert alert-danger">An unexpected error occurred. Please try again later.</div>');
      } else {
        res
          .status(200)
          .json({ code: 'ER000', message: JSON.stringify({ info: 'Unexpected error, try again later', data: [] }) });
      }
      return;
    case 'empty_200':
      res.status(200).end();
      return;
    default:
      sendPlainError(res, 500, `Fault ${fault.kind} cannot answer on its own`);
  }
}

/**
 * The order exists, but the answer never comes: a gateway gives up after `holdMs`, or the client hangs up first.
 * This is the case idempotent submission has to survive.
 */
function holdResponse(ctx: SimContext, res: Response, holdMs: number): void {
  const cancel = ctx.faults.timers.after(holdMs, () => {
    if (!res.writableEnded && !res.destroyed) res.status(504).type('html').send(htmlPage(504, 'Gateway Time-out'));
  });
  res.on('close', cancel);
}

const PageQuery = z.object({
  page: z.coerce.number().int().min(1).optional(),
  pageSize: z.coerce.number().int().min(1).max(1000).optional(),
  isoCode: z
    .string()
    .regex(/^[a-z]{2}$/i)
    .default('en'),
});

/** Pages are 1-based; without `pageSize` the whole list is returned. */
function pageOf(req: Request, res: Response): { slice<T>(items: readonly T[]): T[]; isoCode: string } | undefined {
  const parsed = PageQuery.safeParse(req.query);
  if (!parsed.success) {
    sendPlainError(res, 400, 'Invalid query parameters: page >= 1, 1 <= pageSize <= 1000, isoCode of two letters');
    return undefined;
  }
  const { page = 1, pageSize, isoCode } = parsed.data;
  return {
    isoCode: isoCode.toLowerCase(),
    slice: (items) => (pageSize === undefined ? [...items] : items.slice((page - 1) * pageSize, page * pageSize)),
  };
}

function orderJson(order: SimOrder) {
  const totals = quoteTotals(order);
  const carrier = findCarrier(order.carrier);
  return {
    id: Number(order.id),
    internalReference: order.internalReference,
    status: order.status,
    dateAdd: order.createdAt,
    language: order.language,
    paymentMethod: order.paymentMethod,
    cashOnDelivery: order.cashOnDelivery ?? 0,
    shippingCost: toDecimal(order.shippingCents),
    ...totals,
    carrier: { id: carrier?.id ?? '0', name: carrier?.displayName ?? order.carrier },
    shippingAddress: order.shippingAddress,
    products: order.products.map((p) => ({
      reference: p.reference,
      name: p.name,
      quantity: p.quantity,
      price: toDecimal(p.unitPriceCents),
    })),
  };
}
