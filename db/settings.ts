import type { Db } from './pool.js';

/**
 * A merchant's PayPal: the account linked through PayPal's vault flow (its payment token sealed with SECRETS_KEY,
 * never shown in clear) and whether orders may fall back to it when the wallet is short.
 */

export interface PayPalLink {
  /** The payment token id (Orders v2 `vault_id`), sealed: open it only to charge. */
  vaultIdSealed: string;
  /** Last characters of the payment token id, for a masked display. */
  vaultHint: string;
  payerEmail: string | null;
  customerId: string | null;
  linkedAt: string;
}

export interface PayPalSettings {
  enabled: boolean;
  link: PayPalLink | null;
}

export async function getPayPalSettings(db: Db, merchantId: string): Promise<PayPalSettings> {
  const { rows } = await db.query(
    `SELECT paypal_enabled, paypal_vault_id_enc, paypal_vault_hint, paypal_payer_email, paypal_customer_id, paypal_linked_at
     FROM merchant_settings WHERE merchant_id = $1`,
    [merchantId],
  );
  const r = rows[0];
  const link: PayPalLink | null = r?.paypal_vault_id_enc
    ? {
        vaultIdSealed: String(r.paypal_vault_id_enc),
        vaultHint: String(r.paypal_vault_hint ?? ''),
        payerEmail: (r.paypal_payer_email as string | null) ?? null,
        customerId: (r.paypal_customer_id as string | null) ?? null,
        linkedAt: new Date(r.paypal_linked_at as string).toISOString(),
      }
    : null;
  return { enabled: Boolean(r?.paypal_enabled), link };
}

export async function setPayPalEnabled(db: Db, merchantId: string, enabled: boolean): Promise<void> {
  await db.query(
    `INSERT INTO merchant_settings (merchant_id, paypal_enabled, updated_at) VALUES ($1, $2, now())
     ON CONFLICT (merchant_id) DO UPDATE SET paypal_enabled = $2, updated_at = now()`,
    [merchantId, enabled],
  );
}

/** Stores a link PayPal approved (replacing any previous one) and turns the fallback on. */
export async function storePayPalLink(db: Db, merchantId: string, link: Omit<PayPalLink, 'linkedAt'>): Promise<void> {
  await db.query(
    `INSERT INTO merchant_settings (merchant_id, paypal_enabled, paypal_vault_id_enc, paypal_vault_hint, paypal_payer_email, paypal_customer_id, paypal_linked_at, updated_at)
     VALUES ($1, true, $2, $3, $4, $5, now(), now())
     ON CONFLICT (merchant_id) DO UPDATE SET paypal_enabled = true, paypal_vault_id_enc = $2, paypal_vault_hint = $3,
       paypal_payer_email = $4, paypal_customer_id = $5, paypal_linked_at = now(), updated_at = now()`,
    [merchantId, link.vaultIdSealed, link.vaultHint, link.payerEmail, link.customerId],
  );
}

/** Forgets the link and turns the fallback off. */
export async function removePayPalLink(db: Db, merchantId: string): Promise<void> {
  await db.query(
    `UPDATE merchant_settings SET paypal_enabled = false, paypal_vault_id_enc = NULL, paypal_vault_hint = NULL,
       paypal_payer_email = NULL, paypal_customer_id = NULL, paypal_linked_at = NULL, updated_at = now()
     WHERE merchant_id = $1`,
    [merchantId],
  );
}

export type LinkAttemptStatus = 'PENDING' | 'LINKED' | 'CANCELLED' | 'FAILED';

export interface LinkAttempt {
  setupTokenId: string;
  merchantId: string;
  status: LinkAttemptStatus;
  approveUrl: string;
  failure: string | null;
  createdAt: string;
  finishedAt: string | null;
}

function toAttempt(r: Record<string, unknown>): LinkAttempt {
  return {
    setupTokenId: String(r.setup_token_id),
    merchantId: String(r.merchant_id),
    status: r.status as LinkAttemptStatus,
    approveUrl: String(r.approve_url),
    failure: (r.failure as string | null) ?? null,
    createdAt: new Date(r.created_at as string).toISOString(),
    finishedAt: r.finished_at ? new Date(r.finished_at as string).toISOString() : null,
  };
}

export async function createLinkAttempt(
  db: Db,
  a: { setupTokenId: string; merchantId: string; approveUrl: string },
): Promise<LinkAttempt> {
  const { rows } = await db.query(
    `INSERT INTO paypal_link_attempts (setup_token_id, merchant_id, status, approve_url) VALUES ($1, $2, 'PENDING', $3)
     ON CONFLICT (setup_token_id) DO UPDATE SET approve_url = EXCLUDED.approve_url RETURNING *`,
    [a.setupTokenId, a.merchantId, a.approveUrl],
  );
  return toAttempt(rows[0]);
}

export async function getLinkAttempt(db: Db, setupTokenId: string): Promise<LinkAttempt | null> {
  const { rows } = await db.query('SELECT * FROM paypal_link_attempts WHERE setup_token_id = $1', [setupTokenId]);
  return rows[0] ? toAttempt(rows[0]) : null;
}

/** The merchant's most recent link attempt still waiting for PayPal's approval. */
export async function latestPendingLinkAttempt(db: Db, merchantId: string): Promise<LinkAttempt | null> {
  const { rows } = await db.query(
    `SELECT * FROM paypal_link_attempts WHERE merchant_id = $1 AND status = 'PENDING' ORDER BY created_at DESC LIMIT 1`,
    [merchantId],
  );
  return rows[0] ? toAttempt(rows[0]) : null;
}

/**
 * Records an attempt's outcome; false when it had already ended (a second return, a double click). A cancelled
 * attempt can still end LINKED: PayPal lets the payer come back through the same link and approve after all.
 */
export async function finishLinkAttempt(
  db: Db,
  setupTokenId: string,
  status: Exclude<LinkAttemptStatus, 'PENDING'>,
  failure?: string,
): Promise<boolean> {
  const { rowCount } = await db.query(
    `UPDATE paypal_link_attempts SET status = $2, failure = $3, finished_at = now()
     WHERE setup_token_id = $1 AND status IN ('PENDING', 'CANCELLED') AND status <> $2`,
    [setupTokenId, status, failure ?? null],
  );
  return rowCount === 1;
}

/**
 * Ends the merchant's attempts still waiting for PayPal's approval, once a link completed or was removed: their
 * approval pages are stale, and the settings must stop offering them. (A payer coming back through one and approving
 * anyway still links: a cancelled attempt can end LINKED.)
 */
export async function cancelPendingLinkAttempts(db: Db, merchantId: string): Promise<void> {
  await db.query(
    `UPDATE paypal_link_attempts SET status = 'CANCELLED', finished_at = now() WHERE merchant_id = $1 AND status = 'PENDING'`,
    [merchantId],
  );
}
