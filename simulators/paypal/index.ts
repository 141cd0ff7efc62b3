import express, { type ErrorRequestHandler, type Express } from 'express';
import { listen, type Listening } from '../shared/listen.js';
import { adminRouter, errorMessage, httpStatusOf } from './admin.js';
import { approvalRouter } from './approval-routes.js';
import { sendError } from './errors.js';
import { createFaultQueue } from './faults.js';
import { oauthRouter } from './oauth.js';
import { apiRouter } from './routes.js';
import { PayPalState } from './state.js';
import { vaultRouter } from './vault-routes.js';

/**
 * A stand-in for PayPal's REST API (OAuth2 token, Orders v2, capture refunds, Payment Method Tokens v3 with the
 * payer's approval page) that speaks the same wire protocol, so the production client runs against it unchanged.
 * State lives in memory, and in `statePath` when given; /_admin drives approvals, declines and injected faults and shows what was saved and
 * charged. See routes.ts and vault-routes.ts for the API, approval-routes.ts for the payer's page, admin.ts for the
 * controls. Orders charge live payment tokens only, plus `declined-…` ids, which always decline. With `statePath`
 * the account survives a restart.
 */
export interface PayPalSimulatorOptions {
  clientId: string;
  clientSecret: string;
  /** The simulator's clock, for token expiry and timestamps. */
  now?: () => number;
  /**
   * A file keeping the account across restarts (the vault with its payment tokens, orders, captures, refunds), as
   * PayPal keeps it: a merchant linked once stays linked after `npm start` restarts. In memory only without it.
   */
  statePath?: string;
}

export interface PayPalSimulator {
  app: Express;
  /** Port 0 picks a free port; the returned url uses 127.0.0.1 when bound to every interface. */
  listen(port?: number, host?: string): Promise<Listening>;
}

const bodyIssues: Record<string, string> = {
  'entity.parse.failed': 'MALFORMED_REQUEST_JSON',
  'entity.too.large': 'REQUEST_BODY_TOO_LARGE',
  'encoding.unsupported': 'UNSUPPORTED_ENCODING',
  'charset.unsupported': 'UNSUPPORTED_CHARSET',
};

/** Unparseable bodies answer in PayPal's INVALID_REQUEST shape with the parser's 4xx status; anything else is a real 500. */
const errorHandler: ErrorRequestHandler = (err: unknown, _req, res, next) => {
  if (res.headersSent) return next(err);
  const status = httpStatusOf(err);
  if (status >= 400 && status < 500) {
    const type = (err as { type?: unknown }).type;
    const issue = (typeof type === 'string' && bodyIssues[type]) || 'INVALID_REQUEST_BODY';
    return sendError(res, status, 'INVALID_REQUEST', 'The request body could not be read.', [
      { field: '/', location: 'body', issue, description: errorMessage(err) },
    ]);
  }
  sendError(res, 500, 'INTERNAL_SERVER_ERROR', 'An unexpected error occurred in the simulator.');
};

export function createPayPalSimulator(opts: PayPalSimulatorOptions): PayPalSimulator {
  const now = opts.now ?? Date.now;
  const state = new PayPalState();
  const { statePath } = opts;
  if (statePath) state.load(statePath);
  const faults = createFaultQueue();

  const app = express();
  app.disable('x-powered-by');
  // Whatever changed the account is written down once the answer is sent (reads change nothing worth keeping).
  if (statePath)
    app.use((req, res, next) => {
      if (req.method !== 'GET' && req.method !== 'HEAD') res.on('finish', () => state.save(statePath));
      next();
    });
  app.use('/_admin', adminRouter(state, faults, now));
  app.use(oauthRouter(state, faults, { clientId: opts.clientId, clientSecret: opts.clientSecret, now }));
  app.use(apiRouter(state, faults, now));
  app.use(vaultRouter(state, faults, now));
  app.use(approvalRouter(state, now));
  app.use((req, res) => {
    sendError(res, 404, 'RESOURCE_NOT_FOUND', `No API at ${req.method} ${req.path}.`);
  });
  app.use(errorHandler);

  return {
    app,
    listen: (port = 0, host = '127.0.0.1') => listen(app, port, host, () => faults.timers.cancelAll()),
  };
}
