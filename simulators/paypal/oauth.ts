import { timingSafeEqual } from 'node:crypto';
import express, { type Request, type RequestHandler, type Router } from 'express';
import { countAndInjectFaults, type FaultQueue } from './faults.js';
import { authenticationFailure } from './errors.js';
import { accessToken, resourceId } from './ids.js';
import type { PayPalState } from './state.js';

/** PayPal's sandbox tokens live nine hours. */
export const tokenLifetimeSeconds = 32_400;

const scopes = [
  'https://uri.paypal.com/services/payments/payment',
  'https://uri.paypal.com/services/payments/refund',
  'https://uri.paypal.com/services/vault/payment-tokens/readwrite',
  'https://uri.paypal.com/services/payments/orders/readwrite',
].join(' ');

function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

function basicCredentials(req: Request): { id: string; secret: string } | undefined {
  const header = req.get('authorization') ?? '';
  const match = /^Basic\s+(\S+)$/i.exec(header);
  if (!match?.[1]) return undefined;
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return colon < 0 ? undefined : { id: decoded.slice(0, colon), secret: decoded.slice(colon + 1) };
}

export interface OAuthOptions {
  clientId: string;
  clientSecret: string;
  now: () => number;
}

/** POST /v1/oauth2/token: the client-credentials grant, answered with an OAuth2-shaped body (not the v2 error shape). */
export function oauthRouter(state: PayPalState, faults: FaultQueue, opts: OAuthOptions): Router {
  const appId = `APP-${resourceId(17)}`;
  const router = express.Router();
  router.post(
    '/v1/oauth2/token',
    countAndInjectFaults(state, faults, 'token'),
    express.urlencoded({ extended: false, limit: '10kb' }),
    (req, res) => {
      const credentials = basicCredentials(req);
      if (!credentials || credentials.id !== opts.clientId || !sameSecret(credentials.secret, opts.clientSecret)) {
        res.status(401).json({ error: 'invalid_client', error_description: 'Client Authentication failed' });
        return;
      }
      const body: unknown = req.body;
      const grantType =
        typeof body === 'object' && body !== null ? (body as Record<string, unknown>)['grant_type'] : undefined;
      if (grantType !== 'client_credentials') {
        res.status(400).json({
          error: 'unsupported_grant_type',
          error_description: grantType ? 'Grant type is not supported' : 'Grant type is missing',
        });
        return;
      }
      const token = accessToken();
      const issuedAt = opts.now();
      state.tokens.set(token, issuedAt + tokenLifetimeSeconds * 1000);
      res.json({
        scope: scopes,
        access_token: token,
        token_type: 'Bearer',
        app_id: appId,
        expires_in: tokenLifetimeSeconds,
        nonce: `${new Date(issuedAt).toISOString()}${resourceId(20)}`,
      });
    },
  );
  return router;
}

/** Every v2 call needs a live Bearer token issued by this simulator. */
export function requireBearer(state: PayPalState, now: () => number): RequestHandler {
  return (req, res, next) => {
    const match = /^Bearer\s+(\S+)$/i.exec(req.get('authorization') ?? '');
    const expiresAt = match?.[1] ? state.tokens.get(match[1]) : undefined;
    if (expiresAt === undefined || expiresAt <= now()) {
      authenticationFailure(res);
      return;
    }
    next();
  };
}
