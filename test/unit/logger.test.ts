import { describe, expect, it } from 'vitest';
import { createLogger } from '../../app/logger.js';

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
});
