import { fetchClient, isApiError } from '../api/client';

export interface BulkResult {
  id: string;
  ok: boolean;
  error?: string;
}

/** Resend or cancel several orders in one call; the answer says, per order, which went and which did not and why. */
export async function runBulk(action: 'resend' | 'cancel', ids: string[]): Promise<BulkResult[]> {
  const { data, error } = await fetchClient.POST('/v1/orders/bulk', { body: { action, ids } });
  if (!data) {
    const message = isApiError(error) ? error.error.message : 'failed';
    return ids.map((id) => ({ id, ok: false, error: message }));
  }
  return data.results.map((r) => ({ id: r.id, ok: r.ok, ...(r.error ? { error: r.error.message } : {}) }));
}
