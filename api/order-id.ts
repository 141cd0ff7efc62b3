import { createHash } from 'node:crypto';

/**
 * The order id is derived from (merchant, channel, externalId): the same channel order always maps to the same
 * id and therefore the same workflow id, so Temporal itself refuses a second workflow for it.
 * Lives outside domain/ because it needs node:crypto, which workflow code may not import.
 */
export function deriveOrderId(merchantId: string, channel: string, externalId: string): string {
  const digest = createHash('sha256').update(`${merchantId}\u0000${channel}\u0000${externalId}`).digest('hex');
  return `ord_${digest.slice(0, 24)}`;
}
