/** What the simulator keeps for PayPal's Payment Method Tokens v3 (the vault): setup tokens and payment tokens. */

/**
 * A setup token's life. PayPal lists CREATED, PAYER_ACTION_REQUIRED, APPROVED, VAULTED and TOKENIZED; a PayPal
 * wallet token starts at PAYER_ACTION_REQUIRED and, once exchanged for a payment token, the simulator shows
 * VAULTED (the docs do not say which of the last two PayPal shows then). A cancelled approval leaves the token
 * at PAYER_ACTION_REQUIRED: PayPal has no cancelled status, and the payer may open the approve link again.
 */
export type SetupTokenStatus = 'PAYER_ACTION_REQUIRED' | 'APPROVED' | 'VAULTED';

export interface SimPayer {
  email: string;
  /** PayPal's 13-character account id, the same for every link of one account. */
  payerId: string;
  givenName: string;
  surname: string;
}

export interface SimSetupToken {
  id: string;
  customerId: string;
  status: SetupTokenStatus;
  usageType: string;
  customerType: string;
  description?: string;
  permitMultiplePaymentTokens: boolean;
  brandName?: string;
  returnUrl: string;
  cancelUrl: string;
  /** Offered on the approval page and used by an admin approval that names no payer: buyer-<n>@example.com. */
  defaultPayerEmail: string;
  /** Set by the approval; also what the exchange copies into the payment token. */
  payer?: SimPayer;
  /** Chosen at approval for rehearsals: captures on the resulting payment token fail with this issue. */
  declineIssue?: string;
  /** How often the payer pressed Cancel: PayPal keeps no trace, tests like to see it. */
  cancellations: number;
  paymentTokenId?: string;
  createTime: string;
  approveTime?: string;
}

export interface SimPaymentToken {
  id: string;
  customerId: string;
  setupTokenId: string;
  usageType: string;
  customerType: string;
  description?: string;
  payer: SimPayer;
  declineIssue?: string;
  createTime: string;
  deleteTime?: string;
}
