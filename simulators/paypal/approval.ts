import { payerId } from './ids.js';
import type { PayPalState } from './state.js';
import type { Approval } from './vault-schemas.js';
import type { SimPayer, SimSetupToken } from './vault-state.js';

/**
 * The payer's answer to a setup token, shared by the approval page and /_admin. Either way the browser goes back
 * to the merchant with the query PayPal appends to both return_url and cancel_url: approval_token_id and
 * approval_session_id, each the setup token id (as PayPal's Android and iOS SDKs parse them).
 */
export type ApprovalOutcome = { ok: true; token: SimSetupToken; redirectUrl: string } | { ok: false; reason: string };

export function approveSetupToken(
  state: PayPalState,
  token: SimSetupToken,
  approval: Approval,
  time: string,
): ApprovalOutcome {
  if (token.status === 'VAULTED')
    return { ok: false, reason: 'This approval was already used to save the PayPal account.' };
  // A second submit of an approval already given (a double click, a reload) lands where the first one did.
  if (token.status === 'PAYER_ACTION_REQUIRED') {
    token.status = 'APPROVED';
    token.payer = payerOf(state, approval.payerEmail ?? token.defaultPayerEmail);
    token.approveTime = time;
    if (approval.declineWith) token.declineIssue = approval.declineWith;
  }
  return { ok: true, token, redirectUrl: withApprovalParams(token.returnUrl, token.id) };
}

export function cancelSetupToken(token: SimSetupToken): ApprovalOutcome {
  if (token.status !== 'PAYER_ACTION_REQUIRED')
    return { ok: false, reason: 'The payer already approved this request; it can no longer be cancelled.' };
  token.cancellations += 1;
  return { ok: true, token, redirectUrl: withApprovalParams(token.cancelUrl, token.id) };
}

function withApprovalParams(target: string, setupTokenId: string): string {
  const url = new URL(target);
  url.searchParams.append('approval_token_id', setupTokenId);
  url.searchParams.append('approval_session_id', setupTokenId);
  return url.toString();
}

/** One PayPal account per e-mail, with a stable payer id and a name read from the e-mail (maria.rossi → Maria Rossi). */
function payerOf(state: PayPalState, email: string): SimPayer {
  const known = state.payerIds.get(email);
  const id = known ?? payerId();
  if (!known) state.payerIds.set(email, id);
  const [first = 'Sandbox', ...rest] = (email.split('@')[0] ?? '').split(/[._-]+/).filter(Boolean);
  const capitalized = (word: string) => word.charAt(0).toUpperCase() + word.slice(1);
  return {
    email,
    payerId: id,
    givenName: capitalized(first),
    surname: rest.length > 0 ? rest.map(capitalized).join(' ') : 'Buyer',
  };
}
