import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import type { Db } from '../../db/pool.js';
import { merchantOf } from '../auth.js';
import { errorBody, HttpError, notFound } from '../errors.js';
import { idempotent } from '../idempotency.js';
import type { LinkOutcome, PayPalLinkService } from '../paypal-link-service.js';
import { parseBody } from '../validation.js';
import { maskEmail, Settings, settingsView } from './settings.js';
import type { Spec } from '../openapi-spec.js';

export const RETURN_PATH = '/v1/settings/paypal/link/return';

/** Strict and empty: a vault id (or anything else) sent by a client is refused with 422. */
export const StartPayPalLink = z.object({}).strict().meta({ id: 'StartPayPalLink' });
export const PayPalLinkStarted = z
  .object({
    setupTokenId: z.string(),
    approveUrl: z.string().meta({
      description: "Open it in the merchant's browser: the merchant approves on PayPal and comes back to the platform",
    }),
    status: z.literal('PENDING'),
  })
  .meta({ id: 'PayPalLinkStarted' });
export const CompletePayPalLink = z
  .object({
    setupTokenId: z
      .string()
      .max(64)
      .regex(/^[0-9A-Za-z_-]{1,64}$/)
      .optional()
      .meta({ description: 'Defaults to the latest link started' }),
  })
  .strict()
  .meta({ id: 'CompletePayPalLink' });

const ReturnQuery = z.object({
  approval_token_id: z.string().regex(/^[0-9A-Za-z_-]{1,64}$/),
  cancelled: z.literal('true').optional(),
});

function escapeHtml(text: string): string {
  return text
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&#39;');
}

/**
 * A page for the browser coming back from PayPal, or JSON for a client that asks for it: the outcome, or for a
 * refusal the API's usual `{error: {code, message}}`.
 */
function answer(res: Response, status: number, body: { outcome: string; message: string }, code?: string): void {
  const json = (): void => void res.json(status >= 400 ? errorBody(code ?? 'PAYPAL_LINK_FAILED', body.message) : body);
  // A browser (or anything that takes */*) gets the page; a client asking for JSON gets JSON.
  res.status(status).format({
    'text/html': () =>
      res.send(
        `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>PayPal ${escapeHtml(body.outcome)}</title></head>` +
          `<body><h1>PayPal ${escapeHtml(body.outcome)}</h1><p>${escapeHtml(body.message)}</p>` +
          // Back into the console's wallet page (served by this same process).
          `<p><a href="/wallet">Back to the wallet</a></p></body></html>`,
      ),
    'application/json': json,
    default: json,
  });
}

function publicBase(req: Request, configured: string | undefined): string {
  return (configured ?? `${req.protocol}://${req.get('host') ?? 'localhost'}`).replace(/\/+$/, '');
}

/**
 * Linking PayPal through PayPal's vault flow. `POST …/link` answers PayPal's approval URL; PayPal sends the
 * merchant's browser back to `…/link/return` (see returnRoutes); scripts can finish with `POST …/link/complete`.
 */
export function payPalLinkRoutes(
  db: Db,
  links: PayPalLinkService,
  opts: { publicBaseUrl: string | undefined },
): Router {
  const router = Router();

  router.post('/v1/settings/paypal/link', idempotent(db), async (req, res) => {
    const merchantId = merchantOf(req);
    parseBody(StartPayPalLink, req);
    const attempt = await links.start(merchantId, `${publicBase(req, opts.publicBaseUrl)}${RETURN_PATH}`);
    res.status(201).json({ setupTokenId: attempt.setupTokenId, approveUrl: attempt.approveUrl, status: 'PENDING' });
  });

  router.post('/v1/settings/paypal/link/complete', async (req, res) => {
    const merchantId = merchantOf(req);
    const body = parseBody(CompletePayPalLink, req);
    const attempt = body.setupTokenId ? await links.attempt(body.setupTokenId) : await links.latestPending(merchantId);
    if (!attempt || attempt.merchantId !== merchantId) throw notFound('PayPal link');
    const outcome = await links.complete(attempt);
    if (outcome.outcome === 'not_approved') {
      throw new HttpError(
        409,
        'PAYPAL_NOT_APPROVED',
        `Not approved at PayPal yet: open ${outcome.approveUrl} and approve, then try again`,
      );
    }
    if (outcome.outcome === 'failed') throw new HttpError(409, 'PAYPAL_LINK_FAILED', outcome.reason);
    res.json(await settingsView(db, merchantId));
  });

  router.delete('/v1/settings/paypal/link', async (req, res) => {
    const merchantId = merchantOf(req);
    await links.unlink(merchantId);
    res.json(await settingsView(db, merchantId));
  });

  return router;
}

/**
 * Where PayPal sends the merchant's browser back: no API key (it is a browser), so it is mounted before
 * authentication. The setup token id PayPal appends is unguessable and names the link; nothing else is trusted.
 */
export function payPalReturnRoutes(links: PayPalLinkService): Router {
  const router = Router();
  router.get(RETURN_PATH, async (req, res) => {
    const q = ReturnQuery.safeParse(req.query);
    const attempt = q.success ? await links.attempt(q.data.approval_token_id) : null;
    if (!q.success || !attempt)
      return answer(
        res,
        404,
        {
          outcome: 'not found',
          message: 'This PayPal link is unknown. Start linking PayPal again from your settings.',
        },
        'NOT_FOUND',
      );
    if (q.data.cancelled) {
      await links.cancelled(attempt);
      return answer(res, 200, {
        outcome: 'cancelled',
        message: 'You cancelled at PayPal: nothing was linked. You can close this window.',
      });
    }
    const outcome: LinkOutcome = await links.complete(attempt);
    switch (outcome.outcome) {
      case 'linked':
        return answer(res, 200, {
          outcome: 'linked',
          message: `PayPal account ${maskEmail(outcome.payerEmail)} linked. You can close this window.`,
        });
      case 'not_approved':
        return answer(
          res,
          409,
          {
            outcome: 'not approved',
            message: 'PayPal has not recorded your approval. Go back to PayPal and approve, or start again.',
          },
          'PAYPAL_NOT_APPROVED',
        );
      case 'failed':
        return answer(res, 409, { outcome: 'failed', message: outcome.reason });
    }
  });
  return router;
}

/** The rows of /openapi.json these routes serve (the return page included). */
export const payPalLinkSpecs: Spec[] = [
  {
    method: 'post',
    path: '/v1/settings/paypal/link',
    summary:
      "Link PayPal through PayPal's vault: answers PayPal's approval URL for the merchant's browser; PayPal sends it back to /v1/settings/paypal/link/return. A vaultId in the body is refused (422)",
    body: StartPayPalLink,
    ok: [201, PayPalLinkStarted, 'Started'],
    errors: [400, 401, 403, 422, 503],
    idempotent: true,
  },
  {
    method: 'get',
    path: '/v1/settings/paypal/link/return',
    summary:
      "Where PayPal sends the merchant's browser back (no API key: the setup token id PayPal appends names the link); answers a small page, or JSON when asked, saying linked or cancelled",
    query: z.object({ approval_token_id: z.string().max(64), cancelled: z.literal('true').optional() }),
    ok: [200, z.object({ outcome: z.string(), message: z.string() }), 'Linked or cancelled'],
    errors: [404, 409, 503],
    auth: false,
  },
  {
    method: 'post',
    path: '/v1/settings/paypal/link/complete',
    summary: 'For scripts: finish the latest link (or the one named) once the merchant approved at PayPal',
    body: CompletePayPalLink,
    ok: [200, Settings, 'Linked'],
    errors: [400, 401, 403, 404, 409, 422, 503],
  },
  {
    method: 'delete',
    path: '/v1/settings/paypal/link',
    summary: 'Unlink PayPal: the saved account is deleted at PayPal; orders needing PayPal then wait for funds',
    ok: [200, Settings, 'Unlinked'],
    errors: [401, 403, 503],
  },
];
