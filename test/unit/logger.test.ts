import { describe, expect, it } from 'vitest';
import { createLogger } from '../../app/logger.js';
import { salesChannels } from '../../channels/registry.js';

describe('the logger', () => {
  it('redacts credential headers and any secret-named field at any depth', () => {
    const lines: string[] = [];
    const logger = createLogger('trace', 'unit', { destination: { write: (l: string) => void lines.push(l) } });
    logger.info(
      {
        req: {
          headers: {
            authorization: 'Bearer s-auth',
            cookie: 's-cookie',
            'x-shopify-hmac-sha256': 's-hmac',
            'x-wc-webhook-signature': 's-wc',
            accept: '*/*',
          },
        },
        body: {
          apiKey: 's-apikey',
          merchant: { key: 's-key', name: 'Visible' },
          credentials: [{ accessToken: 's-token' }, { consumerSecret: 's-cs', consumerKey: 's-ck' }],
        },
        paypal: { clientSecret: 's-paypal', access_token: 's-at' },
        webhookSecret: 's-webhook',
      },
      'a request',
    );
    const out = lines.join('');
    for (const secret of [
      's-auth',
      's-cookie',
      's-hmac',
      's-wc',
      's-apikey',
      's-key',
      's-token',
      's-cs',
      's-ck',
      's-paypal',
      's-at',
      's-webhook',
    ])
      expect(out).not.toContain(secret);
    expect(out).toContain('Visible');
    expect(out).toContain('"accept":"*/*"');
    expect(out).toContain('[redacted]');
  });

  it("redacts a sales channel's webhook signature header because the channel is registered, not by name", () => {
    // A channel whose header says neither "signature" nor "hmac", which the field-name net would let through.
    const acme = { webhook: { ...salesChannels[0].webhook, signatureHeader: 'X-Acme-Seal' } };
    const logged = (channels: readonly { webhook: typeof acme.webhook }[]): string => {
      const lines: string[] = [];
      const logger = createLogger('trace', 'unit', {
        destination: { write: (l: string) => void lines.push(l) },
        channels,
      });
      // Node lower-cases incoming header names.
      logger.info({ req: { headers: { 'x-acme-seal': 'seal-value' } } }, 'webhook');
      logger.warn({ err: { config: { headers: { 'x-acme-seal': 'seal-value' } } } }, 'failed');
      return lines.join('');
    };
    expect(logged([...salesChannels, acme])).not.toContain('seal-value');
    expect(logged(salesChannels)).toContain('seal-value');
  });
});
