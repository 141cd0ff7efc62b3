import type { HttpClient } from './http-client.js';
import { waitFor } from './http-client.js';

/**
 * Places an order whose stock vanishes between the supplier's price check and its create call: the create is
 * held (slow, but within the client's timeout) and the SKU emptied meanwhile, so the order is charged first
 * and then refused as out of stock — the path where a charge must be returned.
 */
export async function placeWhileStockVanishes<T>(
  supplier: HttpClient,
  sku: string,
  place: () => Promise<T>,
  holdMs = 1_000,
): Promise<T> {
  const creates = async (): Promise<number> =>
    ((await supplier.get('/_admin/requests')).body as { counts: { create: number } }).counts.create;
  const before = await creates();
  await supplier.post('/_admin/faults', { route: 'create', kind: 'slow', delayMs: holdMs });
  const placed = await place();
  await waitFor('the create call to reach the supplier', async () => (await creates()) > before, { intervalMs: 20 });
  await supplier.put(`/_admin/products/${sku}`, { stock: 0 });
  return placed;
}
