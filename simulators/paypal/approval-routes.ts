import express, { type Request, type Response, type Router } from 'express';
import { approveSetupToken, cancelSetupToken } from './approval.js';
import { approvalPage, messagePage } from './approval-page.js';
import type { PayPalState } from './state.js';
import { ApprovalFormSchema, TokenIdSchema } from './vault-schemas.js';
import type { SimSetupToken } from './vault-state.js';

/**
 * GET and POST /agreements/approve: where the setup token's approve link takes the payer's browser. No API token
 * is needed (it is the payer's browser, not the merchant's server); the answer is a page or a 303 redirect.
 */
export function approvalRouter(state: PayPalState, now: () => number): Router {
  const router = express.Router();
  const page = (res: Response, status: number, html: string) => void res.status(status).type('html').send(html);
  const notFound = (res: Response) =>
    page(res, 404, messagePage('Link expired', 'This approval link is unknown or no longer valid.'));
  const setupToken = (id: unknown): SimSetupToken | undefined => {
    const parsed = TokenIdSchema.safeParse(id);
    return parsed.success ? state.setupTokens.get(parsed.data) : undefined;
  };

  router.get('/agreements/approve', (req: Request, res: Response) => {
    const token = setupToken(req.query['approval_session_id']);
    if (!token) return notFound(res);
    if (token.status !== 'PAYER_ACTION_REQUIRED')
      return page(res, 409, messagePage('Already approved', 'This request was already approved.'));
    page(res, 200, approvalPage(token));
  });

  router.post(
    '/agreements/approve',
    express.urlencoded({ extended: false, limit: '10kb' }),
    (req: Request, res: Response) => {
      const body: unknown = req.body;
      const token = setupToken(
        typeof body === 'object' && body !== null
          ? (body as Record<string, unknown>)['approval_session_id']
          : undefined,
      );
      if (!token) return notFound(res);
      const form = ApprovalFormSchema.safeParse(body);
      if (!form.success) {
        const email = (body as Record<string, unknown>)['payer_email'];
        return page(
          res,
          400,
          approvalPage(token, {
            error: 'Enter the e-mail address of a PayPal account.',
            ...(typeof email === 'string' ? { payerEmail: email } : {}),
          }),
        );
      }
      const outcome =
        form.data.action === 'approve'
          ? approveSetupToken(
              state,
              token,
              form.data.payer_email ? { payerEmail: form.data.payer_email } : {},
              new Date(now()).toISOString(),
            )
          : cancelSetupToken(token);
      if (!outcome.ok) return page(res, 409, messagePage('Nothing to do', outcome.reason));
      res.redirect(303, outcome.redirectUrl);
    },
  );

  return router;
}
