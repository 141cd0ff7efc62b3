import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import type { Db } from '../db/pool.js';
import type { SecretBox } from '../db/secret-box.js';
import {
  cancelPendingLinkAttempts,
  createLinkAttempt,
  finishLinkAttempt,
  getLinkAttempt,
  getPayPalSettings,
  latestPendingLinkAttempt,
  removePayPalLink,
  storePayPalLink,
  type LinkAttempt,
} from '../db/settings.js';
import { HttpError } from './errors.js';

/**
 * What the API needs of PayPal's vault (Payment Method Tokens v3). The PayPal client in activities/ implements it;
 * the composition root hands it in, so the API layer stays above the clients.
 */
export interface PayPalVaultPort {
  createSetupToken(input: {
    requestKey: string;
    returnUrl: string;
    cancelUrl: string;
    brandName?: string;
    description?: string;
  }): Promise<{
    id: string;
    status: string;
    approveUrl: string | null;
  }>;
  getSetupToken(id: string): Promise<{ id: string; status: string }>;
  createPaymentToken(input: {
    requestKey: string;
    setupTokenId: string;
  }): Promise<{ id: string; customerId: string; payerEmail: string; payerId: string }>;
  deletePaymentToken(id: string): Promise<void>;
}

/** The PayPal client's errors, told apart by name (they are thrown by a layer the API does not import). */
function payPalFailure(error: unknown): { kind: 'declined' | 'transient' | 'other'; issue?: string; message: string } {
  const e = error as { name?: string; issue?: string; message?: string };
  const message = e.message ?? String(error);
  if (e.name === 'PayPalDeclined') return { kind: 'declined', ...(e.issue ? { issue: e.issue } : {}), message };
  if (e.name === 'PayPalTransientError') return { kind: 'transient', message };
  return { kind: 'other', message };
}

function unavailable(error: unknown, logger: Logger, what: string): never {
  const failure = payPalFailure(error);
  if (failure.kind === 'transient') {
    logger.warn({ err: error }, `PayPal did not answer: ${what}`);
    throw new HttpError(503, 'PAYPAL_UNAVAILABLE', `PayPal did not answer (${what}); try again in a moment`);
  }
  throw error;
}

export type LinkOutcome =
  | { outcome: 'linked'; payerEmail: string }
  | { outcome: 'not_approved'; approveUrl: string }
  | { outcome: 'failed'; reason: string };

/**
 * Links a merchant's PayPal the way PayPal links it: a setup token the merchant approves on PayPal, exchanged for a
 * payment token whose id (the vault id) is sealed with SECRETS_KEY. No vault id ever comes from a client.
 */
export class PayPalLinkService {
  constructor(
    private readonly deps: {
      db: Db;
      box: SecretBox | null;
      vault: PayPalVaultPort;
      logger: Logger;
      brandName?: string;
    },
  ) {}

  private requireBox(): SecretBox {
    if (!this.deps.box)
      throw new HttpError(
        503,
        'SECRETS_KEY_MISSING',
        'Linking PayPal needs SECRETS_KEY configured on the platform (the saved account is stored encrypted)',
      );
    return this.deps.box;
  }

  /** Starts a link: the answer's approveUrl is where the merchant approves on PayPal. */
  async start(merchantId: string, returnUrl: string): Promise<LinkAttempt> {
    this.requireBox();
    const requestKey = `paypal-link:${merchantId}:${randomBytes(8).toString('hex')}`;
    let token: Awaited<ReturnType<PayPalVaultPort['createSetupToken']>>;
    try {
      token = await this.deps.vault.createSetupToken({
        requestKey,
        returnUrl,
        cancelUrl: `${returnUrl}?cancelled=true`,
        ...(this.deps.brandName ? { brandName: this.deps.brandName } : {}),
        description: 'Pays your supplier costs when your wallet is short, and wallet top-ups you ask for',
      });
    } catch (error) {
      return unavailable(error, this.deps.logger, 'starting the link');
    }
    if (!token.approveUrl)
      throw new HttpError(502, 'PAYPAL_BAD_ANSWER', `PayPal gave setup token ${token.id} no approval link`);
    return createLinkAttempt(this.deps.db, { setupTokenId: token.id, merchantId, approveUrl: token.approveUrl });
  }

  /** The attempt behind a setup token id: the unguessable id PayPal appends to the return URL. */
  attempt(setupTokenId: string): Promise<LinkAttempt | null> {
    return getLinkAttempt(this.deps.db, setupTokenId);
  }

  latestPending(merchantId: string): Promise<LinkAttempt | null> {
    return latestPendingLinkAttempt(this.deps.db, merchantId);
  }

  /**
   * Finishes an attempt if PayPal says the merchant approved it: exchanges the setup token (PayPal-Request-Id from
   * the setup token id, so the browser's return and a script's /complete running at once save one token) and stores
   * the vault id sealed. A link it replaces is deleted at PayPal.
   */
  async complete(attempt: LinkAttempt): Promise<LinkOutcome> {
    const box = this.requireBox();
    if (attempt.status === 'LINKED') {
      const settings = await getPayPalSettings(this.deps.db, attempt.merchantId);
      return { outcome: 'linked', payerEmail: settings.link?.payerEmail ?? '' };
    }
    let status: string;
    try {
      status = (await this.deps.vault.getSetupToken(attempt.setupTokenId)).status;
    } catch (error) {
      const failure = payPalFailure(error);
      if (failure.kind !== 'declined') return unavailable(error, this.deps.logger, 'reading the setup token');
      await finishLinkAttempt(this.deps.db, attempt.setupTokenId, 'FAILED', failure.message);
      return {
        outcome: 'failed',
        reason: 'PayPal no longer knows this link request (it expired): start linking again.',
      };
    }
    if (status === 'PAYER_ACTION_REQUIRED') return { outcome: 'not_approved', approveUrl: attempt.approveUrl };

    let token: Awaited<ReturnType<PayPalVaultPort['createPaymentToken']>>;
    try {
      token = await this.deps.vault.createPaymentToken({
        requestKey: `paypal-link:${attempt.setupTokenId}`,
        setupTokenId: attempt.setupTokenId,
      });
    } catch (error) {
      const failure = payPalFailure(error);
      if (failure.kind !== 'declined') return unavailable(error, this.deps.logger, 'saving the PayPal account');
      await finishLinkAttempt(this.deps.db, attempt.setupTokenId, 'FAILED', failure.message);
      return {
        outcome: 'failed',
        reason: `PayPal refused to save the account (${failure.issue ?? 'declined'}): start linking again.`,
      };
    }
    const previous = (await getPayPalSettings(this.deps.db, attempt.merchantId)).link;
    await storePayPalLink(this.deps.db, attempt.merchantId, {
      vaultIdSealed: box.seal(token.id),
      vaultHint: token.id.slice(-4),
      payerEmail: token.payerEmail,
      customerId: token.customerId,
    });
    await finishLinkAttempt(this.deps.db, attempt.setupTokenId, 'LINKED');
    await cancelPendingLinkAttempts(this.deps.db, attempt.merchantId);
    if (previous) {
      const old = box.open(previous.vaultIdSealed);
      if (old !== token.id) await this.forget(old);
    }
    return { outcome: 'linked', payerEmail: token.payerEmail };
  }

  /** The merchant came back through cancel_url: nothing is saved (PayPal would still take an approval later). */
  async cancelled(attempt: LinkAttempt): Promise<void> {
    await finishLinkAttempt(this.deps.db, attempt.setupTokenId, 'CANCELLED');
  }

  /** Unlinks: the payment token is deleted at PayPal, then forgotten here. Orders needing PayPal then wait for funds. */
  async unlink(merchantId: string): Promise<boolean> {
    const link = (await getPayPalSettings(this.deps.db, merchantId)).link;
    if (!link) return false;
    try {
      await this.deps.vault.deletePaymentToken(this.requireBox().open(link.vaultIdSealed));
    } catch (error) {
      return unavailable(error, this.deps.logger, 'deleting the saved PayPal account');
    }
    await removePayPalLink(this.deps.db, merchantId);
    await cancelPendingLinkAttempts(this.deps.db, merchantId);
    return true;
  }

  /** Deletes a replaced payment token; a failure leaves a dormant token at PayPal, logged for an operator. */
  private async forget(vaultId: string): Promise<void> {
    try {
      await this.deps.vault.deletePaymentToken(vaultId);
    } catch (error) {
      this.deps.logger.warn(
        { err: error, vaultHint: vaultId.slice(-4) },
        'could not delete a replaced PayPal payment token',
      );
    }
  }
}
