import type { Db } from './pool.js';

export interface PayPalSettings {
  enabled: boolean;
  vaultId: string | null;
}

export async function getPayPalSettings(db: Db, merchantId: string): Promise<PayPalSettings> {
  const { rows } = await db.query('SELECT paypal_enabled, paypal_vault_id FROM merchant_settings WHERE merchant_id = $1', [merchantId]);
  const r = rows[0];
  return { enabled: Boolean(r?.paypal_enabled), vaultId: (r?.paypal_vault_id as string | null) ?? null };
}

export async function putPayPalSettings(db: Db, merchantId: string, settings: PayPalSettings): Promise<PayPalSettings> {
  await db.query(
    `INSERT INTO merchant_settings (merchant_id, paypal_enabled, paypal_vault_id, updated_at) VALUES ($1, $2, $3, now())
     ON CONFLICT (merchant_id) DO UPDATE SET paypal_enabled = $2, paypal_vault_id = $3, updated_at = now()`,
    [merchantId, settings.enabled, settings.vaultId],
  );
  return settings;
}
