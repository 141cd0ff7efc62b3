import express, { type Request, type Response, type Router } from 'express';
import { invalidRequest, resourceNotFound, unprocessable } from './errors.js';
import type { FaultQueue } from './faults.js';
import { apiGuard } from './guard.js';
import { customerId, paymentTokenId, resourceId } from './ids.js';
import { idempotent, param } from './replies.js';
import { baseUrl } from './representations.js';
import { validate } from './schemas.js';
import type { PayPalState } from './state.js';
import { paymentTokenView, setupTokenView } from './vault-representations.js';
import { CreatePaymentTokenSchema, CreateSetupTokenSchema, TokenIdSchema } from './vault-schemas.js';
import type { SimPaymentToken, SimSetupToken } from './vault-state.js';

/** Vault POSTs: PayPal-Request-Id is required, and a replay is answered 200 where the first answer was 201. */
const vaultIdempotency = { required: true, replayStatus: 200 };

/**
 * Payment Method Tokens v3 for a PayPal wallet, merchant not present: create a setup token, let the payer approve
 * it (approval-routes.ts), exchange it for a payment token (the vault id Orders v2 charges), read and delete that.
 */
export function vaultRouter(state: PayPalState, faults: FaultQueue, now: () => number): Router {
  const router = express.Router();
  const guard = apiGuard(state, faults, now);
  const isoNow = () => new Date(now()).toISOString();
  const byId = <T>(map: Map<string, T>, id: string): T | undefined =>
    TokenIdSchema.safeParse(id).success ? map.get(id) : undefined;

  router.post('/v3/vault/setup-tokens', ...guard('setup-token'), (req: Request, res: Response) => {
    idempotent(
      state,
      'setup-token',
      req,
      res,
      () => {
        const body = validate(CreateSetupTokenSchema, req.body);
        if (!body.ok) return void invalidRequest(res, body.details);
        const { experience_context: context, ...paypal } = body.data.payment_source.paypal;
        state.buyerSequence += 1;
        const token: SimSetupToken = {
          id: unusedId(state.setupTokens, () => resourceId()),
          // A first saved payment method gets a PayPal-generated customer; a known customer id links another one.
          customerId: body.data.customer?.id ?? customerId(),
          status: 'PAYER_ACTION_REQUIRED',
          usageType: paypal.usage_type,
          customerType: paypal.customer_type,
          permitMultiplePaymentTokens: paypal.permit_multiple_payment_tokens,
          ...(paypal.description ? { description: paypal.description } : {}),
          ...(context.brand_name ? { brandName: context.brand_name } : {}),
          returnUrl: context.return_url,
          cancelUrl: context.cancel_url,
          defaultPayerEmail: `buyer-${state.buyerSequence}@example.com`,
          cancellations: 0,
          createTime: isoNow(),
        };
        state.setupTokens.set(token.id, token);
        return { status: 201, body: setupTokenView(baseUrl(req), token) };
      },
      vaultIdempotency,
    );
  });

  router.get('/v3/vault/setup-tokens/:id', ...guard('setup-token-get'), (req: Request, res: Response) => {
    const token = byId(state.setupTokens, param(req, 'id'));
    if (!token) return void resourceNotFound(res, 'setup token', param(req, 'id'), { field: 'id', location: 'path' });
    res.json(setupTokenView(baseUrl(req), token));
  });

  router.post('/v3/vault/payment-tokens', ...guard('payment-token'), (req: Request, res: Response) => {
    idempotent(
      state,
      'payment-token',
      req,
      res,
      () => {
        const body = validate(CreatePaymentTokenSchema, req.body);
        if (!body.ok) return void invalidRequest(res, body.details);
        const setupId = body.data.payment_source.token.id;
        const field = '/payment_source/token/id';
        const setup = state.setupTokens.get(setupId);
        // The spec answers 404 for a request naming a resource that does not exist.
        if (!setup) return void resourceNotFound(res, 'setup token', setupId, { field, location: 'body' });
        // Both issues are PayPal's documented Payment Method Tokens errors.
        if (setup.status === 'PAYER_ACTION_REQUIRED') {
          return void unprocessable(
            res,
            'PAYER_ACTION_REQUIRED',
            'The payer has not approved this setup token yet: send them to its approve link first.',
            field,
          );
        }
        if (setup.status === 'VAULTED') {
          return void unprocessable(
            res,
            'SETUP_TOKEN_ALREADY_TOKENIZED',
            'This setup token was already used to create a payment token.',
            field,
          );
        }
        return { status: 201, body: paymentTokenView(baseUrl(req), vault(state, setup, isoNow())) };
      },
      vaultIdempotency,
    );
  });

  router.get('/v3/vault/payment-tokens/:id', ...guard('payment-token-get'), (req: Request, res: Response) => {
    const id = param(req, 'id');
    const token = TokenIdSchema.safeParse(id).success ? state.livePaymentToken(id) : undefined;
    if (!token) return void resourceNotFound(res, 'payment token', id, { field: 'id', location: 'path' });
    res.json(paymentTokenView(baseUrl(req), token));
  });

  router.delete('/v3/vault/payment-tokens/:id', ...guard('payment-token-delete'), (req: Request, res: Response) => {
    const id = param(req, 'id');
    const token = TokenIdSchema.safeParse(id).success ? state.livePaymentToken(id) : undefined;
    // Deleting twice is a 404 the second time: the token no longer exists.
    if (!token) return void resourceNotFound(res, 'payment token', id, { field: 'id', location: 'path' });
    token.deleteTime = isoNow();
    res.status(204).end();
  });

  return router;
}

/**
 * Turns an approved setup token into a payment token. Without permit_multiple_payment_tokens PayPal keeps one token
 * per payer and merchant, so a payer who links again gets their live token back rather than a second one.
 */
function vault(state: PayPalState, setup: SimSetupToken, time: string): SimPaymentToken {
  const payer = setup.payer;
  if (!payer) throw new Error(`setup token ${setup.id} is approved without a payer`);
  const existing = setup.permitMultiplePaymentTokens
    ? undefined
    : [...state.paymentTokens.values()].find(
        (t) => !t.deleteTime && t.payer.payerId === payer.payerId && t.usageType === setup.usageType,
      );
  const token: SimPaymentToken = existing ?? {
    id: unusedId(state.paymentTokens, paymentTokenId),
    customerId: setup.customerId,
    setupTokenId: setup.id,
    usageType: setup.usageType,
    customerType: setup.customerType,
    ...(setup.description ? { description: setup.description } : {}),
    payer,
    ...(setup.declineIssue ? { declineIssue: setup.declineIssue } : {}),
    createTime: time,
  };
  state.paymentTokens.set(token.id, token);
  setup.status = 'VAULTED';
  setup.paymentTokenId = token.id;
  return token;
}

function unusedId(taken: Map<string, unknown>, make: () => string): string {
  let id = make();
  while (taken.has(id)) id = make();
  return id;
}
