import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureConsoleBuilt } from '../../dev/console-build.js';
import { startStack, type Stack } from '../support/stack.js';

let stack: Stack;
let base: string;

beforeAll(async () => {
  await ensureConsoleBuilt();
  stack = await startStack();
  base = stack.platform.apiUrl ?? '';
});
afterAll(async () => {
  await stack?.stop();
});

describe('the API process serves the console', () => {
  it('answers the console page at / and at any page path a browser opens, with a script policy of our origin only', async () => {
    for (const path of ['/', '/orders', '/orders/ord_123?status=PENDING_REVIEW', '/operator/finance']) {
      const res = await fetch(`${base}${path}`, { headers: { accept: 'text/html' } });
      expect(res.status, path).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/text\/html/);
      expect(await res.text()).toContain('<div id="root">');
      expect(res.headers.get('content-security-policy')).toContain("script-src 'self'");
    }
  });

  it('serves its hashed assets with a long cache lifetime', async () => {
    const html = await (await fetch(`${base}/`)).text();
    const script = /src="(\/assets\/[^"]+\.js)"/.exec(html)?.[1];
    expect(script).toBeDefined();
    const res = await fetch(`${base}${script}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/javascript/);
    expect(res.headers.get('cache-control')).toContain('immutable');
  });

  it('leaves /v1, /webhooks, /docs and /openapi.json as they were', async () => {
    const unknown = await fetch(`${base}/v1/no-such-thing`, { headers: { accept: 'text/html' } });
    expect(unknown.status).toBe(401);
    expect(await unknown.json()).toMatchObject({ error: { code: expect.any(String) } });
    const openapi = await fetch(`${base}/openapi.json`);
    expect(((await openapi.json()) as { openapi: string }).openapi).toBe('3.1.0');
    const docs = await fetch(`${base}/docs/`);
    expect(await docs.text()).toContain('swagger');
    const webhook = await fetch(`${base}/webhooks/shopify/nope`, { method: 'POST', body: '{}' });
    expect(webhook.headers.get('content-type')).toMatch(/json/);
    const missingAsset = await fetch(`${base}/assets/missing.js`);
    expect(missingAsset.status).toBe(404);
  });
});
