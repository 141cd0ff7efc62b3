import type { SimPayer, SimPaymentToken, SimSetupToken } from './vault-state.js';

/** Vault records in the JSON shapes of PayPal's Payment Method Tokens v3, links included. */

const json = 'application/json';

/** Where the payer approves: PayPal's approve link is /agreements/approve?approval_session_id=<setup token id>. */
export function approveUrl(base: string, setupTokenId: string): string {
  return `${base}/agreements/approve?approval_session_id=${encodeURIComponent(setupTokenId)}`;
}

function payerFields(payer: SimPayer): Record<string, unknown> {
  return {
    email_address: payer.email,
    payer_id: payer.payerId,
    account_id: payer.payerId,
    name: { given_name: payer.givenName, surname: payer.surname },
  };
}

export function setupTokenView(base: string, token: SimSetupToken): Record<string, unknown> {
  const self = { href: `${base}/v3/vault/setup-tokens/${token.id}`, rel: 'self', method: 'GET', encType: json };
  const links =
    token.status === 'PAYER_ACTION_REQUIRED'
      ? [self, { href: approveUrl(base, token.id), rel: 'approve', method: 'GET', encType: json }]
      : token.status === 'APPROVED'
        ? [self, { href: `${base}/v3/vault/payment-tokens`, rel: 'confirm', method: 'POST', encType: json }]
        : [self];
  return {
    id: token.id,
    customer: { id: token.customerId },
    status: token.status,
    payment_source: {
      paypal: {
        ...(token.description ? { description: token.description } : {}),
        usage_type: token.usageType,
        customer_type: token.customerType,
        permit_multiple_payment_tokens: token.permitMultiplePaymentTokens,
        ...(token.payer ? payerFields(token.payer) : {}),
      },
    },
    links,
  };
}

export function paymentTokenView(base: string, token: SimPaymentToken): Record<string, unknown> {
  const href = `${base}/v3/vault/payment-tokens/${token.id}`;
  return {
    id: token.id,
    customer: { id: token.customerId },
    payment_source: {
      paypal: {
        ...(token.description ? { description: token.description } : {}),
        usage_type: token.usageType,
        customer_type: token.customerType,
        ...payerFields(token.payer),
      },
    },
    links: [
      { href, rel: 'self', method: 'GET', encType: json },
      { href, rel: 'delete', method: 'DELETE', encType: json },
    ],
  };
}
