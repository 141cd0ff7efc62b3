import { getPayPalSettings } from '../db/settings.js';
import type { Db } from '../db/pool.js';
import type { SecretBox } from '../db/secret-box.js';

/**
 * The vault id to charge a merchant's PayPal with, unsealed only here, at the moment of charging; null when no
 * PayPal is linked (never linked, or unlinked since). `requireEnabled`: the order fallback also needs it switched on.
 */
export async function linkedVaultId(
  db: Db,
  box: SecretBox | null,
  merchantId: string,
  opts: { requireEnabled: boolean },
): Promise<string | null> {
  const settings = await getPayPalSettings(db, merchantId);
  if (!settings.link || (opts.requireEnabled && !settings.enabled)) return null;
  if (!box) throw new Error('SECRETS_KEY is not configured: the linked PayPal account cannot be unsealed');
  return box.open(settings.link.vaultIdSealed);
}

/** Whether orders may fall back to PayPal now: linked and switched on (nothing unsealed). */
export async function payPalFallbackReady(db: Db, merchantId: string): Promise<boolean> {
  const settings = await getPayPalSettings(db, merchantId);
  return settings.enabled && settings.link !== null;
}
