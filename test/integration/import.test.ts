import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { createMerchant, supplierOrders, waitForStatus } from '../support/fixtures.js';
import { startStack, type Stack } from '../support/stack.js';

/** Bulk import for channels without a connector: Amazon's order report and eBay's orders export. */
let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(async () => {
  await stack?.stop();
});

const fixture = (name: string): string =>
  readFileSync(path.join(inject('projectRoot'), 'test', 'fixtures', name), 'utf8');

describe('Amazon order report', () => {
  it('a duplicate row, an address too long and a bad row get the right three outcomes', async () => {
    const m = await createMerchant(stack, { topUp: 100_000 });
    const res = await stack.api.request('POST', '/v1/orders/import', {
      key: m.key,
      raw: fixture('amazon-order-report.txt'),
      headers: { 'content-type': 'text/tab-separated-values' },
    });
    expect(res.status).toBe(200);
    expect(res.body.format).toBe('amazon');
    const byRow = new Map(res.body.rows.map((r: any) => [r.row, r]));

    // The same line twice: imported once, the copy reported as already present.
    expect(byRow.get(8)).toMatchObject({
      outcome: 'already_present',
      externalId: '405-9182736-4455667',
      reason: 'Same line as row 3',
    });
    expect(byRow.get(3)).toMatchObject({ outcome: 'created' });
    // An address too long for the supplier: created, and it says what it will wait for.
    expect(byRow.get(5)).toMatchObject({
      outcome: 'created',
      externalId: '302-5566778-9900112',
      reviewReasons: ['ADDRESS_TOO_LONG'],
    });
    // A bad row: rejected with the reason, and its order not imported at all.
    expect(byRow.get(6)).toMatchObject({ outcome: 'rejected', reason: expect.stringContaining('quantity-purchased') });
    expect(byRow.get(7)).toMatchObject({ outcome: 'rejected' });
    expect(res.body.summary).toEqual({ created: 6, alreadyPresent: 1, rejected: 2 });

    const long = (byRow.get(5) as any).orderId as string;
    const parked = await waitForStatus(stack, m.key, long, 'PENDING_REVIEW');
    expect(parked.reviewReasons[0]).toMatchObject({ code: 'ADDRESS_TOO_LONG', field: 'shippingAddress.line1' });
    const twoItems = (byRow.get(3) as any).orderId as string;
    const submitted = await waitForStatus(stack, m.key, twoItems, 'SUBMITTED');
    expect(submitted.items).toEqual([
      { sku: 'BB-1001', quantity: 2 },
      { sku: 'BB-1007', quantity: 1 },
    ]);
    expect(await supplierOrders(stack, twoItems)).toHaveLength(1);
    const list = await stack.api.get('/v1/orders?channel=amazon&limit=50', { key: m.key });
    expect(list.body.items).toHaveLength(4);
  });

  it('importing the same report again creates nothing new', async () => {
    const m = await createMerchant(stack, { topUp: 100_000 });
    const content = fixture('amazon-order-report-clean.txt');
    const first = await stack.api.post('/v1/orders/import', { content }, { key: m.key });
    const second = await stack.api.post('/v1/orders/import', { content }, { key: m.key });
    expect(first.body.summary.created).toBeGreaterThan(0);
    expect(second.body.summary).toEqual({ created: 0, alreadyPresent: first.body.summary.created, rejected: 0 });
    expect(second.body.rows.map((r: any) => r.orderId)).toEqual(first.body.rows.map((r: any) => r.orderId));
  });
});

describe('eBay orders export', () => {
  it('imports by Custom Label, maps country names, rejects a listing without a label', async () => {
    const m = await createMerchant(stack, { topUp: 100_000 });
    const res = await stack.api.request('POST', '/v1/orders/import', {
      key: m.key,
      raw: fixture('ebay-orders.csv'),
      headers: { 'content-type': 'text/csv' },
    });
    expect(res.status).toBe(200);
    expect(res.body.format).toBe('ebay');
    const rejected = res.body.rows.filter((r: any) => r.outcome === 'rejected');
    expect(rejected.length).toBeGreaterThan(0);
    expect(rejected.some((r: any) => /Custom Label/i.test(r.reason))).toBe(true);
    const created = res.body.rows.filter((r: any) => r.outcome === 'created');
    const order = await waitForStatus(stack, m.key, created[0].orderId, 'SUBMITTED');
    expect(order.channel).toBe('ebay');
    expect(order.shippingAddress.country).toMatch(/^[A-Z]{2}$/);
  });
});

describe('bad uploads', () => {
  it('answers 422 to an unknown format or a file missing required columns, and 401 without a key', async () => {
    const m = await createMerchant(stack);
    const garbage = await stack.api.post('/v1/orders/import', { content: 'hello\tworld\n1\t2\n' }, { key: m.key });
    expect(garbage.status).toBe(422);
    const missing = await stack.api.post(
      '/v1/orders/import',
      { format: 'amazon', content: 'order-id\tsku\n1\tBB-1001\n' },
      { key: m.key },
    );
    expect(missing.status).toBe(422);
    expect(missing.body.error.code).toBe('UNUSABLE_FILE');
    expect((await stack.api.post('/v1/orders/import', { content: 'x' })).status).toBe(401);
    expect((await stack.api.request('POST', '/v1/orders/import', { key: m.key, raw: '{"content": ' })).status).toBe(
      400,
    );
  });
});
