import { z } from 'zod';
import { parseInput, type CallApi } from './api-call.js';
import { declinedFrom, PayPalConfigError, PayPalTransientError } from './errors.js';
import {
  PaymentTokenInputSchema,
  PaymentTokenSchema,
  SetupTokenInputSchema,
  SetupTokenSchema,
  TokenIdSchema,
} from './schemas.js';

export interface PayPalSetupTokenInput {
  /** Business idempotency key, e.g. "merchant:m_1:paypal-link:3": the same key creates one setup token. */
  requestKey: string;
  /** Where PayPal sends the merchant's browser after they approve; PayPal appends approval_token_id. */
  returnUrl: string;
  /** Where PayPal sends the merchant's browser when they cancel. */
  cancelUrl: string;
  /** Shown to the payer instead of the PayPal account's business name. */
  brandName?: string;
  /** Shown to the payer on the approval page. */
  description?: string;
}

export interface PayPalSetupToken {
  id: string;
  /** PAYER_ACTION_REQUIRED until the payer approves, then APPROVED, then VAULTED once exchanged. */
  status: string;
  /** Where to send the payer; null when PayPal shows none because the payer already acted. */
  approveUrl: string | null;
}

export interface PayPalPaymentToken {
  /** The vault id: what a charge passes as payment_source.paypal.vault_id. */
  id: string;
  customerId: string;
  payerEmail: string;
  payerId: string;
}

/**
 * Saving a merchant's PayPal account for later charges without them (Payment Method Tokens v3, usage_type
 * MERCHANT): a setup token the merchant approves on PayPal, exchanged for a payment token, which can be deleted.
 * Like the rest of the client it never retries; request ids derive from the caller's key with a suffix.
 */
export class PayPalVault {
  constructor(private readonly api: CallApi) {}

  async createSetupToken(input: PayPalSetupTokenInput): Promise<PayPalSetupToken> {
    const request = parseInput(SetupTokenInputSchema, input);
    const token = await this.api({
      method: 'POST',
      path: '/v3/vault/setup-tokens',
      requestId: `${request.requestKey}:setup`,
      schema: SetupTokenSchema,
      body: {
        payment_source: {
          paypal: {
            usage_type: 'MERCHANT',
            // Without it PayPal keeps one token per PayPal account: two merchants who share one account would share
            // a vault id, and unlinking one would break the other.
            permit_multiple_payment_tokens: true,
            ...(request.description ? { description: request.description } : {}),
            experience_context: {
              return_url: request.returnUrl,
              cancel_url: request.cancelUrl,
              ...(request.brandName ? { brand_name: request.brandName } : {}),
              // Charges are for the merchant's own supplier costs: PayPal needs no shipping address from them.
              shipping_preference: 'NO_SHIPPING',
            },
          },
        },
      },
    });
    return {
      id: token.id,
      status: token.status,
      approveUrl: token.links?.find((l) => l.rel === 'approve')?.href ?? null,
    };
  }

  /** An unknown or expired setup token is a PayPalDeclined INVALID_RESOURCE_ID: the merchant links again. */
  async getSetupToken(id: string): Promise<{ id: string; status: string }> {
    const tokenId = parseInput(TokenIdSchema, id);
    const token = await this.notFoundAsDeclined(
      this.api({
        method: 'GET',
        path: `/v3/vault/setup-tokens/${encodeURIComponent(tokenId)}`,
        schema: SetupTokenSchema,
      }),
      `PayPal does not know setup token ${tokenId} (expired or never created): the merchant has to start linking PayPal again`,
    );
    return { id: token.id, status: token.status };
  }

  /**
   * Exchanges the approved setup token for the vault id (PayPal-Request-Id `<requestKey>:save`). PayPal refuses
   * a setup token not approved yet (PAYER_ACTION_REQUIRED) or already exchanged under another request id
   * (SETUP_TOKEN_ALREADY_TOKENIZED): both are PayPalDeclined, as is an unknown one (INVALID_RESOURCE_ID).
   */
  async createPaymentToken(input: { requestKey: string; setupTokenId: string }): Promise<PayPalPaymentToken> {
    const request = parseInput(PaymentTokenInputSchema, input);
    const token = await this.notFoundAsDeclined(
      this.api({
        method: 'POST',
        path: '/v3/vault/payment-tokens',
        requestId: `${request.requestKey}:save`,
        schema: PaymentTokenSchema,
        body: { payment_source: { token: { id: request.setupTokenId, type: 'SETUP_TOKEN' } } },
      }),
      `PayPal does not know setup token ${request.setupTokenId} (expired or never created): the merchant has to start linking PayPal again`,
    );
    const paypal = token.payment_source.paypal;
    const payerId = paypal.payer_id ?? paypal.account_id;
    // The exchange is replayed by its request id, so asking again is safe.
    if (!payerId) throw new PayPalTransientError('bad_response', `PayPal payment token ${token.id} names no payer id`);
    return { id: token.id, customerId: token.customer.id, payerEmail: paypal.email_address, payerId };
  }

  /**
   * Deletes the saved account. PayPal's own 404 (an error body naming an issue) counts as deleted, so a retry after
   * a lost answer succeeds; a bare 404 from something else in the way stays an error.
   */
  async deletePaymentToken(id: string): Promise<void> {
    const tokenId = parseInput(TokenIdSchema, id);
    try {
      await this.api({
        method: 'DELETE',
        path: `/v3/vault/payment-tokens/${encodeURIComponent(tokenId)}`,
        schema: z.unknown(),
      });
    } catch (err) {
      if (err instanceof PayPalConfigError && err.status === 404 && err.issue !== undefined) return;
      throw err;
    }
  }

  /** Only PayPal's INVALID_RESOURCE_ID is re-labelled: a 404 for a wrong URL stays a configuration error. */
  private async notFoundAsDeclined<T>(call: Promise<T>, description: string): Promise<T> {
    try {
      return await call;
    } catch (err) {
      if (err instanceof PayPalConfigError && err.status === 404 && err.issue === 'INVALID_RESOURCE_ID')
        throw declinedFrom(err, description);
      throw err;
    }
  }
}
