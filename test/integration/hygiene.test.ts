import { WorkflowNotFoundError } from '@temporalio/client';
import pg from 'pg';
import { salesChannels } from '../../channels/registry.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deriveOrderId } from '../../api/order-id.js';
import { waitFor } from '../../dev/http-client.js';
import { orderWorkflowId } from '../../domain/ids.js';
import { createMerchant, orderInput } from '../support/fixtures.js';
import { OPERATOR_KEY, startStack, type Stack } from '../support/stack.js';
import { connectShop, deliverWebhook, shopPayload } from '../support/webhooks.js';

/**
 * Boundary hygiene: strings PostgreSQL cannot store (NUL, lone surrogates) or that exceed their field's maximum are
 * refused at the door with a 422 naming the path — before a workflow starts or a row is written — and ids in paths
 * that cannot exist are a 404 before any query.
 */
let stack: Stack;
let db: pg.Client;
beforeAll(async () => {
  stack = await startStack();
  db = new pg.Client({ connectionString: stack.databaseUrl });
  await db.connect();
});
afterAll(async () => {
  await db?.end();
  await stack?.stop();
});

async function workflowsInVisibility(query: string): Promise<string[]> {
  const ids: string[] = [];
  for await (const wf of stack.platform.temporal.workflow.list({ query })) ids.push(wf.workflowId);
  return ids;
}

async function workflowExists(workflowId: string): Promise<boolean> {
  try {
    await stack.platform.temporal.workflow.getHandle(workflowId).describe();
    return true;
  } catch (error) {
    if (error instanceof WorkflowNotFoundError) return false;
    throw error;
  }
}

describe('an order whose customer name holds a NUL', () => {
  it('is refused with 422 naming customer.name: no workflow (visibility, describe) and no row in Postgres', async () => {
    const m = await createMerchant(stack, { topUp: 10_000 });
    // A valid order first: it shows that visibility answers for this merchant, so the empty answer below means something.
    const control = await stack.api.post('/v1/orders', orderInput(), { key: m.key });
    expect(control.status).toBe(201);
    await waitFor('the valid order in visibility', async () =>
      (await workflowsInVisibility(`MerchantId="${m.id}"`)).includes(control.body.workflowId),
    );

    const input = orderInput({
      customer: { name: 'Maria\u0000Rossi', email: 'maria@example.com', phone: '+39 333 1234567' },
    });
    const res = await stack.api.post('/v1/orders', input, { key: m.key });
    expect(res.status).toBe(422);
    expect(res.body.error.code).toBe('VALIDATION_FAILED');
    expect(res.body.error.details).toEqual([{ path: 'customer.name', message: expect.stringContaining('NUL') }]);

    const workflowId = orderWorkflowId(deriveOrderId(m.id, input.channel, input.externalId));
    expect(await workflowExists(workflowId)).toBe(false);
    expect(await workflowsInVisibility(`ExternalOrderId="${input.externalId}"`)).toEqual([]);
    expect(await workflowsInVisibility(`MerchantId="${m.id}"`)).toEqual([control.body.workflowId]);
    const rows = await db.query('SELECT count(*)::int AS n FROM orders WHERE merchant_id = $1', [m.id]);
    expect(rows.rows[0].n).toBe(1);
  });

  it('lone surrogates and over-long values are refused the same way, each naming its path', async () => {
    const m = await createMerchant(stack, { topUp: 10_000 });
    const surrogate = await stack.api.request('POST', '/v1/orders', {
      key: m.key,
      // JSON.stringify would escape it anyway; written by hand to be sure the API receives the escape itself.
      raw: JSON.stringify(orderInput()).replace('"Via Roma 1"', '"Via \\ud800 Roma"'),
    });
    expect(surrogate.status).toBe(422);
    expect(surrogate.body.error.details[0].path).toBe('shippingAddress.line1');
    const long = await stack.api.post('/v1/orders', orderInput({ externalId: 'x'.repeat(101) }), { key: m.key });
    expect(long.status).toBe(422);
    expect(long.body.error.details[0].path).toBe('externalId');
    const huge = await stack.api.post('/v1/api-keys', { label: 'r'.repeat(90_000) }, { key: m.key });
    expect(huge.status).toBe(422);
    expect(huge.body.error.details[0].path).toBe('label');
    const key = await stack.api.post('/v1/merchants', { name: 'x', ['bad\u0000key']: 1 }, { key: OPERATOR_KEY });
    expect(key.status).toBe(422);
    expect((await db.query('SELECT count(*)::int AS n FROM orders WHERE merchant_id = $1', [m.id])).rows[0].n).toBe(0);
  });
});

describe('query strings and path ids', () => {
  it('answers 422 naming the query parameter for a NUL in a query string, before any query', async () => {
    const m = await createMerchant(stack);
    for (const path of ['/v1/products?sku=%00', '/v1/orders?channel=a%00b', '/v1/wallet/transactions?cursor=%00']) {
      const res = await stack.api.get(path, { key: m.key });
      expect(res.status, path).toBe(422);
      expect(res.body.error.details[0].path, path).toMatch(/^query\./);
    }
  });

  it('answers 404 (JSON) for ids that cannot exist: %00, .., very long, in orders, channels and webhooks', async () => {
    const m = await createMerchant(stack);
    const ids = ['%00', '..', '%2e%2e', 'ord_%00', 'x'.repeat(5000), 'ord_%ED%A0%80', '%F0%9F%98%80'];
    for (const id of ids) {
      for (const [method, path] of [
        ['GET', `/v1/orders/${id}`],
        ['GET', `/v1/orders/${id}/events`],
        ['POST', `/v1/orders/${id}/cancel`],
        ['PATCH', `/v1/orders/${id}`],
        ['GET', `/v1/channels/${id}`],
        ['DELETE', `/v1/channels/${id}`],
        ['GET', `/v1/channels/${id}/deliveries`],
        ['POST', `/webhooks/woocommerce/${id}`],
        ['POST', `/webhooks/shopify/${id}`],
      ] as const) {
        const res = await stack.api.request(method, path, { key: m.key, ...(method === 'GET' ? {} : { body: {} }) });
        // URLs resolve dot segments before anything is sent: /v1/orders/../events is the live feed, which refuses a
        // client that does not ask for an event stream (406) instead of holding it on an endless answer.
        if (new URL(path, 'http://x').pathname === '/v1/events') {
          expect(res.status, `${method} ${path}`).toBe(406);
          continue;
        }
        // A percent sequence that is not UTF-8 cannot even be decoded: 400. Otherwise: not found.
        expect([400, 404], `${method} ${path.slice(0, 80)}`).toContain(res.status);
        expect(res.body.error.code, `${method} ${path.slice(0, 80)}`).toMatch(/^(NOT_FOUND|BAD_REQUEST)$/);
      }
    }
  });
});

describe('webhooks and imports', () => {
  const secret = 'hygiene-webhook-secret';

  it('a signed webhook whose payload holds a NUL is kept as unmapped with the reason, its payload escaped; no order', async () => {
    const m = await createMerchant(stack, { topUp: 10_000 });
    for (const type of ['shopify', 'woocommerce'] as const) {
      const connection = await connectShop(stack, m.key, type, secret);
      const payload = shopPayload(type);
      if (type === 'shopify') payload.shipping_address.city = 'Mil\u0000ano';
      else payload.shipping.city = 'Mil\u0000ano';
      const res = await deliverWebhook(stack, type, connection.id, secret, JSON.stringify(payload));
      expect(res.status, type).toBe(200);
      expect(res.body.outcome, type).toBe('unmapped');
      const deliveries = await stack.api.get(`/v1/channels/${connection.id}/deliveries?outcome=unmapped`, {
        key: m.key,
      });
      expect(deliveries.body.items, type).toHaveLength(1);
      const [delivery] = deliveries.body.items;
      expect(delivery.reason, type).toMatch(/city: must not contain a NUL/);
      expect(JSON.stringify(delivery.payload), type).toContain('Mil\\\\u0000ano');
      // A lone surrogate in the raw bytes' JSON escape: the same.
      const broken = JSON.stringify(shopPayload(type)).replace(/"(first_name)":"[^"]*"/, '"$1":"\\udc00"');
      const res2 = await deliverWebhook(stack, type, connection.id, secret, broken);
      expect(res2.body.outcome, type).toBe('unmapped');
    }
    expect((await db.query('SELECT count(*)::int AS n FROM orders WHERE merchant_id = $1', [m.id])).rows[0].n).toBe(0);
  });

  it('a signed webhook with an over-long topic or delivery-id header is kept as unmapped with the reason; no order', async () => {
    const m = await createMerchant(stack, { topUp: 10_000 });
    for (const type of ['shopify', 'woocommerce'] as const) {
      const { webhook } = salesChannels.find((c) => c.type === type)!;
      const connection = await connectShop(stack, m.key, type, secret);
      for (const name of [webhook.topicHeader, webhook.deliveryHeader]) {
        const res = await deliverWebhook(stack, type, connection.id, secret, JSON.stringify(shopPayload(type)), {
          [name]: 'x'.repeat(300),
        });
        expect(res.status, `${type} ${name}`).toBe(200);
        expect(res.body, `${type} ${name}`).toMatchObject({ received: true, outcome: 'unmapped' });
      }
      const deliveries = await stack.api.get(`/v1/channels/${connection.id}/deliveries?outcome=unmapped`, {
        key: m.key,
      });
      expect(deliveries.body.items.map((d: any) => d.reason).sort(), type).toEqual(
        [webhook.deliveryHeader, webhook.topicHeader].map((h) => `headers.${h}: must be at most 255 characters`).sort(),
      );
      // The payload is kept for the operator, as with any delivery that could not be mapped.
      expect(deliveries.body.items[0].payload.id, type).toBeTruthy();
    }
    expect((await db.query('SELECT count(*)::int AS n FROM orders WHERE merchant_id = $1', [m.id])).rows[0].n).toBe(0);
  });

  it('an import file holding a NUL is refused with 422 naming the body; nothing is created', async () => {
    const m = await createMerchant(stack, { topUp: 10_000 });
    const header =
      'order-id\torder-item-id\tpurchase-date\tbuyer-email\tbuyer-name\tsku\tquantity-purchased\tcurrency\titem-price\tship-address-1\tship-city\tship-postal-code\tship-country';
    const line =
      '402-1111111-2222222\t1\t2024-11-05\tb@example.com\tMaria\u0000Rossi\tBB-1001\t1\tEUR\t29.95\tVia Roma 1\tMilano\t20121\tIT';
    const text = await stack.api.request('POST', '/v1/orders/import', {
      key: m.key,
      raw: `${header}\n${line}\n`,
      headers: { 'content-type': 'text/tab-separated-values' },
    });
    expect(text.status).toBe(422);
    expect(text.body.error.details[0].path).toBe('body');
    const json = await stack.api.post('/v1/orders/import', { content: `${header}\n${line}\n` }, { key: m.key });
    expect(json.status).toBe(422);
    expect(json.body.error.details[0].path).toBe('content');
    expect((await db.query('SELECT count(*)::int AS n FROM orders WHERE merchant_id = $1', [m.id])).rows[0].n).toBe(0);
  });
});
