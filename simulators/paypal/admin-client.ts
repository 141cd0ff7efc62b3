import { adminCall } from '../shared/admin-call.js';
import type { AdminCapture } from './admin.js';
import type { FaultRequest } from './faults.js';
import type { ApiRoute } from './state.js';
import type { AdminPaymentToken, AdminSetupToken } from './vault-admin.js';

export interface AdminApproval {
  setupToken: AdminSetupToken;
  /** Where PayPal would send the payer's browser: return_url or cancel_url with approval_token_id and approval_session_id. */
  redirectUrl: string;
}

/** Typed access to a running PayPal simulator's /_admin routes, for tests and demo scripts. */
export class PayPalSimulatorAdmin {
  constructor(private readonly baseUrl: string) {}

  async setupTokens(): Promise<AdminSetupToken[]> {
    return (await this.call<{ setupTokens: AdminSetupToken[] }>('GET', '/setup-tokens')).setupTokens;
  }

  /** Deleted payment tokens included, with status DELETED. */
  async paymentTokens(): Promise<AdminPaymentToken[]> {
    return (await this.call<{ paymentTokens: AdminPaymentToken[] }>('GET', '/payment-tokens')).paymentTokens;
  }

  /** The payer approves on PayPal; `declineWith` makes every capture on the resulting payment token fail with that issue. */
  approveSetupToken(id: string, approval: { payerEmail?: string; declineWith?: string } = {}): Promise<AdminApproval> {
    return this.call('POST', `/setup-tokens/${encodeURIComponent(id)}/approve`, approval);
  }

  cancelSetupToken(id: string): Promise<AdminApproval> {
    return this.call('POST', `/setup-tokens/${encodeURIComponent(id)}/cancel`, {});
  }

  async captures(): Promise<AdminCapture[]> {
    return (await this.call<{ captures: AdminCapture[] }>('GET', '/captures')).captures;
  }

  /** Captures of these vault ids fail with `issue` (INSTRUMENT_DECLINED by default); an empty list clears the set. */
  async setDeclined(vaultIds: string[], issue?: string): Promise<void> {
    await this.call('PUT', '/declined-vault-ids', { vaultIds, ...(issue ? { issue } : {}) });
  }

  async addFault(fault: FaultRequest): Promise<void> {
    await this.call('POST', '/faults', fault);
  }

  async clearFaults(): Promise<void> {
    await this.call('DELETE', '/faults');
  }

  async requests(): Promise<Record<ApiRoute, number>> {
    return (await this.call<{ counts: Record<ApiRoute, number> }>('GET', '/requests')).counts;
  }

  async resetRequestCounts(): Promise<void> {
    await this.call('DELETE', '/requests');
  }

  async reset(): Promise<void> {
    await this.call('POST', '/reset');
  }

  private call<T>(method: string, path: string, body?: unknown): Promise<T> {
    return adminCall<T>(this.baseUrl, 'PayPal', method, path, body);
  }
}
