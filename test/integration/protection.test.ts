import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningPlatform } from '../../app/platform.js';
import { HttpClient } from '../../dev/http-client.js';
import { createMerchant } from '../support/fixtures.js';
import { OPERATOR_KEY, startApiReplica, startStack, type Stack } from '../support/stack.js';
import { connectShop, deliverWebhook, shopPayload } from '../support/webhooks.js';

/** Security headers, CORS, and rate limits shared by every API replica (counted in PostgreSQL). */
let stack: Stack;
/** A second API process on the same database: what a second replica behind a load balancer is. */
let replica: RunningPlatform;
let replicaApi: HttpClient;

const KEY_LIMIT = 10;
const AUTH_FAILURES = 3;
const WEBHOOK_LIMIT = 4;

beforeAll(async () => {
  stack = await startStack({
    env: {
      RATE_LIMIT_PER_KEY: String(KEY_LIMIT),
      RATE_LIMIT_WINDOW: '1h',
      AUTH_FAILURE_LIMIT: String(AUTH_FAILURES),
      AUTH_FAILURE_WINDOW: '1h',
      WEBHOOK_RATE_LIMIT: String(WEBHOOK_LIMIT),
      CORS_ORIGINS: 'https://admin.example.com',
    },
  });
  replica = await startApiReplica(stack);
  replicaApi = new HttpClient(replica.apiUrl ?? '');
});
afterAll(async () => {
  await replica?.stop();
  await stack?.stop();
});

describe('security headers', () => {
  it('API answers forbid framing, sniffing and loading anything; no X-Powered-By', async () => {
    const res = await stack.api.get('/healthz');
    expect(res.headers.get('content-security-policy')).toBe(
      "default-src 'none';frame-ancestors 'none';base-uri 'none';form-action 'none'",
    );
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('x-frame-options')).toBe('SAMEORIGIN');
    expect(res.headers.get('strict-transport-security')).toMatch(/max-age=\d+/);
    expect(res.headers.get('referrer-policy')).toBe('no-referrer');
    expect(res.headers.get('x-powered-by')).toBeNull();
    // Error answers carry them too.
    const unauthorized = await stack.api.get('/v1/wallet');
    expect(unauthorized.status).toBe(401);
    expect(unauthorized.headers.get('content-security-policy')).toContain("default-src 'none'");
  });

  it('/docs (swagger-ui) gets its own policy allowing its inline styles, and only there', async () => {
    const docs = await stack.api.get('/docs/');
    expect(docs.status).toBe(200);
    expect(docs.text).toContain('swagger-ui');
    const csp = docs.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("style-src 'self' 'unsafe-inline'");
    expect(csp).toContain("img-src 'self' data:");
    expect(csp).toContain("frame-ancestors 'none'");
    expect((await stack.api.get('/openapi.json')).headers.get('content-security-policy')).toContain(
      "default-src 'none'",
    );
  });
});

describe('CORS', () => {
  it('is closed to origins not listed: no Access-Control-Allow-Origin, preflight refused', async () => {
    const res = await stack.api.get('/healthz', { headers: { origin: 'https://evil.example.net' } });
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
    const preflight = await stack.api.request('OPTIONS', '/v1/orders', {
      headers: {
        origin: 'https://evil.example.net',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'authorization',
      },
    });
    expect(preflight.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('is open to a listed origin (CORS_ORIGINS)', async () => {
    const preflight = await stack.api.request('OPTIONS', '/v1/orders', {
      headers: {
        origin: 'https://admin.example.com',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'authorization',
      },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe('https://admin.example.com');
    expect(preflight.headers.get('access-control-allow-headers')).toContain('Authorization');
  });

  it('is closed by default (no CORS_ORIGINS)', async () => {
    const other = await startStack();
    try {
      const preflight = await other.api.request('OPTIONS', '/v1/orders', {
        headers: { origin: 'https://admin.example.com', 'access-control-request-method': 'POST' },
      });
      expect(preflight.headers.get('access-control-allow-origin')).toBeNull();
    } finally {
      await other.stop();
    }
  });
});

describe('rate limits', () => {
  it(`per key: request ${KEY_LIMIT + 1} within the window is 429 with Retry-After, counted across both replicas; other keys go on`, async () => {
    const m = await createMerchant(stack);
    const statuses: number[] = [];
    for (let i = 0; i < KEY_LIMIT; i++)
      statuses.push((await (i % 2 === 0 ? stack.api : replicaApi).get('/v1/wallet', { key: m.key })).status);
    expect(statuses).toEqual(Array(KEY_LIMIT).fill(200));
    for (const api of [stack.api, replicaApi]) {
      const limited = await api.get('/v1/wallet', { key: m.key });
      expect(limited.status).toBe(429);
      expect(limited.body.error.code).toBe('RATE_LIMITED');
      expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    }
    const other = await createMerchant(stack);
    expect((await replicaApi.get('/v1/wallet', { key: other.key })).status).toBe(200);
  });

  it(`per IP for failed authentication: after ${AUTH_FAILURES} wrong keys that address is refused (429), even with a good key`, async () => {
    const m = await createMerchant(stack);
    // A distinct client address (the test talks through loopback, whose X-Forwarded-For the API believes).
    const from = { 'x-forwarded-for': '198.51.100.23' };
    for (let i = 0; i < AUTH_FAILURES; i++) {
      const res = await (i % 2 === 0 ? stack.api : replicaApi).get('/v1/wallet', {
        key: `mk_wrong_${i}`,
        headers: from,
      });
      expect(res.status).toBe(401);
    }
    const blocked = await stack.api.get('/v1/wallet', { key: `mk_wrong_again`, headers: from });
    expect(blocked.status).toBe(429);
    expect(Number(blocked.headers.get('retry-after'))).toBeGreaterThan(0);
    const evenGood = await replicaApi.get('/v1/wallet', { key: m.key, headers: from });
    expect(evenGood.status).toBe(429);
    // Another address is unaffected.
    expect(
      (await stack.api.get('/v1/wallet', { key: m.key, headers: { 'x-forwarded-for': '198.51.100.24' } })).status,
    ).toBe(200);
  });

  it(`webhooks per connection: delivery ${WEBHOOK_LIMIT + 1} is 429 with Retry-After and not recorded; another connection goes on`, async () => {
    const m = await createMerchant(stack, { topUp: 100_000 });
    const secret = 'rate-limit-webhook-secret';
    const busy = await connectShop(stack, m.key, 'woocommerce', secret);
    const quiet = await connectShop(stack, m.key, 'shopify', secret);
    for (let i = 0; i < WEBHOOK_LIMIT; i++) {
      const res = await deliverWebhook(stack, 'woocommerce', busy.id, secret, JSON.stringify({ id: i }), {
        'x-wc-webhook-topic': 'product.updated',
      });
      expect(res.status).toBe(200);
    }
    const limited = await deliverWebhook(stack, 'woocommerce', busy.id, secret, JSON.stringify({ id: 99 }), {
      'x-wc-webhook-topic': 'product.updated',
    });
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    const deliveries = await stack.api.get(`/v1/channels/${busy.id}/deliveries`, { key: m.key });
    expect(deliveries.body.items).toHaveLength(WEBHOOK_LIMIT);
    const ok = await deliverWebhook(stack, 'shopify', quiet.id, secret, JSON.stringify(shopPayload('shopify')));
    expect(ok.status).toBe(200);
  });

  it('the operator key has its own budget', async () => {
    expect((await stack.api.get('/v1/orders', { key: OPERATOR_KEY })).status).toBe(200);
  });
});
