import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

/**
 * Encrypts shop credentials at rest with AES-256-GCM (authenticated: a tampered value fails to decrypt).
 * Format: v1.<iv>.<tag>.<ciphertext>, each base64url; the version leaves room for key rotation.
 */
export class SecretBox {
  private readonly key: Buffer;

  constructor(key: string) {
    const raw = /^[0-9a-f]{64}$/i.test(key) ? Buffer.from(key, 'hex') : Buffer.from(key, 'base64');
    if (raw.length !== 32) throw new Error('SECRETS_KEY must be 32 bytes, as 64 hex characters or base64');
    this.key = raw;
  }

  seal(plain: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    const data = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    return ['v1', iv, cipher.getAuthTag(), data]
      .map((p) => (typeof p === 'string' ? p : p.toString('base64url')))
      .join('.');
  }

  open(sealed: string): string {
    const [version, iv, tag, data] = sealed.split('.');
    if (version !== 'v1' || !iv || !tag || data === undefined) throw new Error('Not a sealed secret');
    const decipher = createDecipheriv('aes-256-gcm', this.key, Buffer.from(iv, 'base64url'));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(data, 'base64url')), decipher.final()]).toString('utf8');
  }
}
