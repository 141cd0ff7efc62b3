import { Router } from 'express';
import { z } from 'zod';
import type { Db } from '../../db/pool.js';
import { getPayPalSettings, latestPendingLinkAttempt, setPayPalEnabled } from '../../db/settings.js';
import { merchantOf } from '../auth.js';
import { HttpError } from '../errors.js';
import { parseBody } from '../validation.js';
import type { Spec } from '../openapi-spec.js';

/** "maria.rossi@example.com" → "m•••@example.com": enough to recognise one's account, not to harvest it. */
export function maskEmail(email: string): string {
  const at = email.lastIndexOf('@');
  if (at < 1) return '•••';
  return `${email.slice(0, 1)}•••${email.slice(at)}`;
}

export const PayPalSettingsView = z
  .object({
    enabled: z.boolean().meta({ description: 'Orders fall back to PayPal when the wallet is short' }),
    linked: z.boolean(),
    account: z
      .object({
        payerEmail: z.string().nullable().meta({ description: 'Masked', example: 'm•••@example.com' }),
        vaultId: z.string().meta({
          description: 'The saved payment token, masked; never shown or accepted in clear',
          example: '••••7HK2',
        }),
        linkedAt: z.string(),
      })
      .nullable(),
    pendingLink: z
      .object({ approveUrl: z.string(), createdAt: z.string() })
      .nullable()
      .meta({ description: 'A link started and not yet approved at PayPal' }),
  })
  .meta({ id: 'PayPalSettingsView' });
export const Settings = z.object({ paypal: PayPalSettingsView }).meta({ id: 'Settings' });

/** Only the switch: a vault id is never accepted from a client (PayPal is linked through PayPal's approval). */
export const PayPalSwitch = z.object({ enabled: z.boolean() }).strict().meta({ id: 'PayPalSwitch' });

export async function settingsView(db: Db, merchantId: string): Promise<z.infer<typeof Settings>> {
  const [settings, pending] = await Promise.all([
    getPayPalSettings(db, merchantId),
    latestPendingLinkAttempt(db, merchantId),
  ]);
  const link = settings.link;
  return {
    paypal: {
      enabled: settings.enabled && link !== null,
      linked: link !== null,
      account: link
        ? {
            payerEmail: link.payerEmail ? maskEmail(link.payerEmail) : null,
            vaultId: `••••${link.vaultHint}`,
            linkedAt: link.linkedAt,
          }
        : null,
      pendingLink: pending ? { approveUrl: pending.approveUrl, createdAt: pending.createdAt } : null,
    },
  };
}

/** The merchant's settings and the PayPal fallback switch. Linking PayPal lives in routes/paypal-link.ts. */
export function settingsRoutes(db: Db): Router {
  const router = Router();

  router.get('/v1/settings', async (req, res) => {
    res.json(await settingsView(db, merchantOf(req)));
  });

  router.put('/v1/settings/paypal', async (req, res) => {
    const merchantId = merchantOf(req);
    const body = parseBody(PayPalSwitch, req);
    if (body.enabled && !(await getPayPalSettings(db, merchantId)).link) {
      throw new HttpError(
        409,
        'PAYPAL_NOT_LINKED',
        'Link a PayPal account first: POST /v1/settings/paypal/link, then approve it at PayPal',
      );
    }
    await setPayPalEnabled(db, merchantId, body.enabled);
    res.json(await settingsView(db, merchantId));
  });

  return router;
}

/** The rows of /openapi.json these routes serve. */
export const settingsSpecs: Spec[] = [
  {
    method: 'get',
    path: '/v1/settings',
    summary: "The merchant's settings; the linked PayPal shown masked",
    ok: [200, Settings, 'Settings'],
    errors: [401, 403],
  },
  {
    method: 'put',
    path: '/v1/settings/paypal',
    summary:
      'Switch the PayPal fallback for when the wallet is short (PayPal must be linked; a vaultId is refused with 422)',
    body: PayPalSwitch,
    ok: [200, Settings, 'Saved'],
    errors: [400, 401, 403, 409, 422],
  },
];
