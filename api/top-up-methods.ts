import type { Db } from '../db/pool.js';
import { getPayPalSettings } from '../db/settings.js';
import { creditorReference, formatReference } from '../domain/payment-reference.js';
import type { TopUpMethod, TopUpRecord } from '../domain/top-up.js';
import { HttpError } from './errors.js';

/** What the API needs to start a top-up of some method: the platform's bank account and the transfer deadline. */
export interface TopUpStartSettings {
  transferExpiryMs: number;
  bank: { iban: string; bic: string; beneficiary: string };
}

/** A top-up request as the API parsed it: the shared fields and the method's own (its `request`). */
export type TopUpRequest = { method: TopUpMethod; amount: number; currency: string } & Record<string, unknown>;

/** How the API starts a top-up of one method (domain/top-up-methods/ has its machine steps). */
interface TopUpMethodStart {
  /** Refuses (an HttpError) when the merchant cannot use the method now. */
  check?(db: Db, merchantId: string): Promise<void>;
  /**
   * The method's part of the workflow's input, e.g. a transfer's instructions, from the settings and the request;
   * `idBody` is the top-up id's digits.
   */
  details?(
    settings: TopUpStartSettings,
    start: { idBody: string; createdAt: Date; request: TopUpRequest },
  ): Partial<TopUpRecord>;
}

export const topUpMethodStarts: { [M in TopUpMethod]: TopUpMethodStart } = {
  paypal: {
    async check(db, merchantId) {
      if ((await getPayPalSettings(db, merchantId)).link) return;
      throw new HttpError(
        409,
        'PAYPAL_NOT_LINKED',
        'No PayPal account is linked: link one with POST /v1/settings/paypal/link (you approve it at PayPal), or top up by bank transfer',
      );
    },
  },
  bank_transfer: {
    details: (settings, { idBody, createdAt }) => ({
      bankTransfer: {
        ...settings.bank,
        reference: formatReference(creditorReference(idBody)),
        expiresAt: new Date(createdAt.getTime() + settings.transferExpiryMs).toISOString(),
      },
    }),
  },
};
