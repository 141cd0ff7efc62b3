import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChildProcess } from 'node:child_process';
import { waitFor } from '../../dev/http-client.js';
import { createMerchant } from '../support/fixtures.js';
import { startStack, type Stack } from '../support/stack.js';
import { killWorker, spawnWorker } from '../support/worker-child.js';

/**
 * Ready means ready: before the supplier's catalogue was first copied, /readyz says not ready (503, Retry-After)
 * and why; the moment it turns 200, the product listing is complete — never `{"items": []}`.
 */
let stack: Stack;
let worker: ChildProcess | undefined;
beforeAll(async () => {
  // No worker yet: nothing has synced the catalogue (the worker creates the schedule that does).
  stack = await startStack({ worker: false });
});
afterAll(async () => {
  if (worker) await killWorker(worker);
  await stack?.stop();
});

describe('readiness', () => {
  it('waits for the first catalogue sync; right after it turns 200, GET /v1/products lists the catalogue', async () => {
    const before = await stack.api.get('/readyz');
    expect(before.status).toBe(503);
    expect(before.body).toMatchObject({
      status: 'not ready',
      postgres: 'ok',
      temporal: 'ok',
      catalog: 'waiting for the first sync from the supplier',
    });
    expect(Number(before.headers.get('retry-after'))).toBeGreaterThan(0);

    const m = await createMerchant(stack);
    worker = await spawnWorker(stack);
    await waitFor('readiness', async () => (await stack.api.get('/readyz')).status === 200, { intervalMs: 20 });
    const products = await stack.api.get('/v1/products', { key: m.key });
    expect(products.status).toBe(200);
    expect(products.body.items.length).toBeGreaterThan(0);
    expect(products.body.items[0]).toMatchObject({
      sku: expect.any(String),
      price: expect.any(Number),
      stock: expect.any(Number),
    });
  });
});
