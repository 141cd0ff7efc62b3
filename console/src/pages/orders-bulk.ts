import { fetchClient, isApiError } from '../api/client';

export interface BulkResult {
  id: string;
  externalId?: string;
  ok: boolean;
  error?: string;
}

/** Resend or cancel several orders; the answer says, per order, which went and which did not and why. */
export async function runBulk(action: 'resend' | 'cancel', ids: string[]): Promise<BulkResult[]> {
  return Promise.all(
    ids.map(async (id): Promise<BulkResult> => {
      const path = action === 'resend' ? '/v1/orders/{id}/resend' : '/v1/orders/{id}/cancel';
      const { data, error } = await fetchClient.POST(path, { params: { path: { id } } });
      if (data) return { id, externalId: data.externalId, ok: true };
      return { id, ok: false, error: isApiError(error) ? error.error.message : 'failed' };
    }),
  );
}
