import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { defaultTimings } from '../domain/timings.js';
import { HttpClient, waitFor } from '../dev/http-client.js';
import { placeWhileStockVanishes } from '../dev/supplier-stock.js';
import { projectRoot, startEphemeralStack } from '../dev/ephemeral-stack.js';
import { adjustWallet, createOperatorKey, linkPayPalThroughApproval, topUpByBankTransfer } from '../dev/funding.js';
import { adjustmentResumeWorkflowId } from '../api/order-resumer.js';

/**
 * `npm run histories:record`: drives the real stack through the order paths and saves each workflow's
 * history to test/histories/. The suite replays them on every run (test/unit/replay.test.ts), so a code change
 * that would break orders already running in production fails CI.
 *
 * Histories are never re-recorded: they are what orders started by earlier code look like. Each recording adds a
 * generation next to the old ones, `<path>@<tag>.json` (tag: HISTORY_TAG, default today's date), and refuses to
 * overwrite a file that exists. Record a new generation after a change guarded with `patched()`, so that both the
 * old branch (old files) and the new one (new files) stay covered.
 */
const out = path.join(projectRoot, 'test', 'histories');
const tag = process.env.HISTORY_TAG ?? new Date().toISOString().slice(0, 10);
if (!/^[\w.-]+$/.test(tag)) throw new Error(`HISTORY_TAG must be a plain word, not ${tag}`);
const fileOf = (name: string): string => path.join(out, `${name}@${tag}.json`);
const say = (line: string): void => void process.stdout.write(`${line}\n`);

const stack = await startEphemeralStack(
  {
    ...defaultTimings,
    fundsRetrySchedule: [600_000],
    stockRecheckInterval: 800,
    bankTransferExpiry: 1_500,
    trackingPollInterval: 400,
    activityTimeout: 5_000,
    retryInitialInterval: 200,
    retryMaxInterval: 1_000,
  },
  { SUPPLIER_TIMEOUT: '1s' },
);
if (!stack.cliPath) throw new Error('Recording histories needs the Temporal CLI (Go, or TEMPORAL_CLI_PATH)');
const cliBinary: string = stack.cliPath;
const { platform, sims } = stack;
const api = new HttpClient(platform.apiUrl ?? '');
const supplier = new HttpClient(sims.supplier);
const paypal = new HttpClient(sims.paypal);
const op = stack.operatorKey;
const finance = (await createOperatorKey(api, op, 'Recorder Finance')).key;
let n = 0;

async function merchant(topUp: number, paypalVault?: string): Promise<string> {
  const m = await api.post('/v1/merchants', { name: `Recorder ${++n}` }, { key: op });
  if (topUp > 0) await adjustWallet(api, finance, { merchantId: m.body.id, amount: topUp, reason: 'recorder funds' });
  // PayPal linked through its approval; a "declined-…" account declines every capture, as the old vault ids did.
  if (paypalVault)
    await linkPayPalThroughApproval(
      api,
      sims.paypal,
      m.body.apiKey,
      paypalVault.startsWith('declined-') ? { declineWith: 'INSTRUMENT_DECLINED' } : {},
    );
  return m.body.apiKey as string;
}

function order(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    channel: 'amazon',
    externalId: `rec-${++n}`,
    payment: { method: 'prepaid', amountPaid: 5990, currency: 'EUR' },
    customer: { name: 'Maria Rossi', email: 'maria@example.com', phone: '+39 333 1234567' },
    shippingAddress: { line1: 'Via Roma 1', city: 'Milano', postcode: '20121', country: 'IT' },
    items: [{ sku: 'BB-1001', quantity: 2 }],
    ...overrides,
  };
}

async function status(key: string, id: string, wanted: string): Promise<{ status: string; supplierOrderId: string }> {
  return waitFor(`${id} → ${wanted}`, async () => {
    const o = (await api.get<{ status: string; supplierOrderId: string }>(`/v1/orders/${id}`, { key })).body;
    return o.status === wanted ? o : false;
  });
}

const scenarios = [
  'prepaid-shipped',
  'address-fixed-resent',
  'bank-transfer-signals',
  'bank-transfer-expired',
  'cod-synchronized',
  'funds-topped-up',
  'paypal-out-of-stock-restocked',
  'sent-manually',
  'paypal-declined-cancelled',
  'supplier-timeout-after-create',
  'paypal-refund-outage-cancelled',
  'bank-transfer-fixed-then-accepted',
  'payment-accepted-at-once',
  'resend-with-idempotency-key',
  'projection-refused-then-repaired',
  'funds-adjusted',
  'resume-after-adjustment',
] as const;
type Scenario = (typeof scenarios)[number];

const recorded: Record<string, string> = {};
async function save(name: Scenario, key: string, id: string): Promise<void> {
  const o = (await api.get(`/v1/orders/${id}`, { key })).body;
  // Let the workflow finish writing its projection so the history ends on a quiet point.
  await new Promise((r) => setTimeout(r, 500));
  saveWorkflow(name, o.workflowId, o.status);
}

/** Any workflow's history, by its id. */
function saveWorkflow(name: Scenario, workflowId: string, what: string): void {
  // The CLI's JSON is the format the Temporal UI downloads too, so operators can add real histories the same way.
  const json = execFileSync(
    cliBinary,
    ['workflow', 'show', '--address', stack.temporalAddress, '--workflow-id', workflowId, '--output', 'json'],
    {
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
    },
  );
  writeFileSync(fileOf(name), json, { flag: 'wx' });
  recorded[name] = `${what} (${(JSON.parse(json) as { events: unknown[] }).events.length} events)`;
}

try {
  mkdirSync(out, { recursive: true });
  const taken = scenarios.filter((name) => existsSync(fileOf(name)));
  if (taken.length > 0)
    throw new Error(`Histories tagged ${tag} exist already (${taken.join(', ')}): set another HISTORY_TAG`);

  {
    const key = await merchant(10_000);
    const o = (await api.post('/v1/orders', order(), { key })).body;
    const s = await status(key, o.id, 'SUBMITTED');
    await supplier.post(`/_admin/orders/${s.supplierOrderId}/ship`, { trackingNumber: 'GLS1' });
    await status(key, o.id, 'SHIPPED');
    await save('prepaid-shipped', key, o.id);
  }
  {
    const key = await merchant(10_000);
    const o = (
      await api.post(
        '/v1/orders',
        order({ shippingAddress: { line1: 'x'.repeat(80), city: 'Milano', postcode: '2012', country: 'IT' } }),
        { key },
      )
    ).body;
    await status(key, o.id, 'PENDING_REVIEW');
    await api.patch(`/v1/orders/${o.id}`, { shippingAddress: { line1: 'Via Roma 1', postcode: '20121' } }, { key });
    await api.post(`/v1/orders/${o.id}/resend`, {}, { key });
    await status(key, o.id, 'SUBMITTED');
    await save('address-fixed-resent', key, o.id);
  }
  {
    const key = await merchant(10_000);
    const o = (
      await api.post('/v1/orders', order({ payment: { method: 'bank_transfer', amountPaid: 5990, currency: 'EUR' } }), {
        key,
      })
    ).body;
    await status(key, o.id, 'AWAITING_PAYMENT');
    const handle = platform.temporal.workflow.getHandle(o.workflowId);
    await handle.signal('resend');
    await handle.signal('paymentAccepted', { by: 'operator' });
    await status(key, o.id, 'SUBMITTED');
    await save('bank-transfer-signals', key, o.id);
  }
  {
    const key = await merchant(10_000);
    const o = (
      await api.post('/v1/orders', order({ payment: { method: 'bank_transfer', amountPaid: 5990, currency: 'EUR' } }), {
        key,
      })
    ).body;
    await status(key, o.id, 'CANCELLED');
    await save('bank-transfer-expired', key, o.id);
  }
  {
    const key = await merchant(10_000);
    const o = (
      await api.post('/v1/orders', order({ payment: { method: 'cod', amountPaid: 5990, currency: 'EUR' } }), { key })
    ).body;
    await status(key, o.id, 'AWAITING_SHIPPING_METHOD');
    await api.post(`/v1/orders/${o.id}/synchronize`, { shippingMethod: 'gls' }, { key });
    await status(key, o.id, 'SUBMITTED');
    await save('cod-synchronized', key, o.id);
  }
  {
    const key = await merchant(100);
    const o = (await api.post('/v1/orders', order(), { key })).body;
    await status(key, o.id, 'PENDING_REVIEW');
    await topUpByBankTransfer(api, { merchant: key, operator: finance }, 10_000);
    await status(key, o.id, 'SUBMITTED');
    await save('funds-topped-up', key, o.id);
  }
  {
    const key = await merchant(0, 'vault-recorder');
    const o = (
      await placeWhileStockVanishes(
        supplier,
        'BB-1006',
        () => api.post('/v1/orders', order({ items: [{ sku: 'BB-1006', quantity: 1 }] }), { key }),
        600,
      )
    ).body;
    await status(key, o.id, 'PENDING_REVIEW');
    await new Promise((r) => setTimeout(r, 1_200));
    await supplier.put('/_admin/products/BB-1006', { stock: 10 });
    await status(key, o.id, 'SUBMITTED');
    await save('paypal-out-of-stock-restocked', key, o.id);
  }
  {
    const key = await merchant(10_000);
    const o = (await api.post('/v1/orders', order({ customer: { name: 'A B', email: 'x', phone: '1' } }), { key }))
      .body;
    await status(key, o.id, 'PENDING_REVIEW');
    await api.post(`/v1/orders/${o.id}/mark-sent-manually`, {}, { key });
    await save('sent-manually', key, o.id);
  }
  {
    const key = await merchant(0, 'declined-recorder');
    const o = (await api.post('/v1/orders', order(), { key })).body;
    await status(key, o.id, 'PENDING_REVIEW');
    await api.post(`/v1/orders/${o.id}/cancel`, { reason: 'declined' }, { key });
    await save('paypal-declined-cancelled', key, o.id);
  }
  {
    const key = await merchant(10_000);
    await supplier.post('/_admin/faults', { route: 'create', kind: 'timeout_after_create', delayMs: 2_000 });
    const o = (await api.post('/v1/orders', order(), { key })).body;
    await status(key, o.id, 'SUBMITTED');
    await save('supplier-timeout-after-create', key, o.id);
  }
  {
    // An action accepted while a refund is being retried (PayPal down): the projection keeps up meanwhile.
    const key = await merchant(0, 'vault-outage-recorder');
    await paypal.post('/_admin/faults', { route: 'refund', kind: 'http_503', times: 1000 });
    const o = (
      await placeWhileStockVanishes(
        supplier,
        'BB-1007',
        () => api.post('/v1/orders', order({ items: [{ sku: 'BB-1007', quantity: 1 }] }), { key }),
        600,
      )
    ).body;
    await status(key, o.id, 'PENDING_REVIEW');
    await api.post(`/v1/orders/${o.id}/cancel`, {}, { key });
    await paypal.delete('/_admin/faults');
    await waitFor('the refund', async () =>
      (await api.get(`/v1/orders/${o.id}/events`, { key })).body.some(
        (e: { type: string }) => e.type === 'charge.returned',
      ),
    );
    await save('paypal-refund-outage-cancelled', key, o.id);
  }
  {
    // A fix while the order waits for its transfer: the data is re-checked by the check activity.
    const key = await merchant(10_000);
    const o = (
      await api.post(
        '/v1/orders',
        order({
          payment: { method: 'bank_transfer', amountPaid: 5990, currency: 'EUR' },
          customer: { name: 'A B', email: 'a@example.com', phone: '1' },
        }),
        { key },
      )
    ).body;
    await status(key, o.id, 'AWAITING_PAYMENT');
    await api.patch(`/v1/orders/${o.id}`, { customer: { phone: '+39 333 1234567' } }, { key });
    await api.post(`/v1/orders/${o.id}/payment-accepted`, {}, { key });
    await status(key, o.id, 'SUBMITTED');
    await save('bank-transfer-fixed-then-accepted', key, o.id);
  }
  {
    // The payment accepted right after the order was created, typically with the workflow's first task.
    const key = await merchant(10_000);
    const o = (
      await api.post('/v1/orders', order({ payment: { method: 'bank_transfer', amountPaid: 5990, currency: 'EUR' } }), {
        key,
      })
    ).body;
    await api.post(`/v1/orders/${o.id}/payment-accepted`, {}, { key });
    await status(key, o.id, 'SUBMITTED');
    await save('payment-accepted-at-once', key, o.id);
  }
  {
    // The same resend sent twice with one Idempotency-Key: one update in the history.
    const key = await merchant(10_000);
    const o = (
      await api.post('/v1/orders', order({ customer: { name: 'A B', email: 'a@example.com', phone: '1' } }), { key })
    ).body;
    await status(key, o.id, 'PENDING_REVIEW');
    await api.patch(`/v1/orders/${o.id}`, { customer: { phone: '+39 333 1234567' } }, { key });
    const headers = { 'Idempotency-Key': 'resend-once' };
    await api.post(`/v1/orders/${o.id}/resend`, {}, { key, headers });
    await api.post(`/v1/orders/${o.id}/resend`, {}, { key, headers });
    await status(key, o.id, 'SUBMITTED');
    await save('resend-with-idempotency-key', key, o.id);
  }
  {
    // Postgres refuses the order's projection for a while (a constraint), then accepts it again.
    const key = await merchant(10_000);
    const input = order();
    await platform.db.query(
      `ALTER TABLE orders ADD CONSTRAINT rec_poison CHECK (external_id <> '${String(input.externalId)}' OR version = 0) NOT VALID`,
    );
    const o = (await api.post('/v1/orders', input, { key })).body;
    await new Promise((r) => setTimeout(r, 2_000));
    await platform.db.query('ALTER TABLE orders DROP CONSTRAINT rec_poison');
    await status(key, o.id, 'SUBMITTED');
    await save('projection-refused-then-repaired', key, o.id);
  }
  {
    // An operator's credit adjustment wakes the order waiting for funds, through its own small workflow.
    const key = await merchant(100);
    const o = (await api.post('/v1/orders', order(), { key })).body;
    await status(key, o.id, 'PENDING_REVIEW');
    const adjusted = (await adjustWallet(api, finance, {
      merchantId: o.merchantId,
      amount: 10_000,
      reason: 'recorder credit',
    })) as unknown as { adjustment: { id: string } };
    await status(key, o.id, 'SUBMITTED');
    await save('funds-adjusted', key, o.id);
    const resume = platform.temporal.workflow.getHandle(adjustmentResumeWorkflowId(adjusted.adjustment.id));
    await resume.result();
    saveWorkflow('resume-after-adjustment', resume.workflowId, 'completed');
  }
  say('recorded:');
  for (const [name, what] of Object.entries(recorded)) say(`  ${name}: ${what}`);
} finally {
  await stack.stop();
}
