import { createHash } from 'node:crypto';

/**
 * How the platform keeps a random secret it must recognise later (API keys, session and set-up tokens): its
 * SHA-256. The secrets are 256-bit random, so a fast hash suffices and the lookup stays an indexed equality.
 */
export function tokenHash(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}
