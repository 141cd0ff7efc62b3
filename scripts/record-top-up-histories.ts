import { execFileSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { defaultTimings } from '../domain/timings.js';
import { topUpWorkflowId } from '../domain/top-up.js';
import { HttpClient, waitFor } from '../dev/http-client.js';
import { projectRoot, startEphemeralStack } from '../dev/ephemeral-stack.js';
import { createOperatorKey, linkPayPalThroughApproval, topUpByBankTransfer } from '../dev/funding.js';
import { PayPalSimulatorAdmin } from '../simulators/paypal/admin-client.js';

/**
 * `npm run histories:record:top-ups`: drives the real stack through each top-up path and saves the top-up
 * workflows' histories next to the orders' in test/histories/ (top-up-*.json), which the suite replays on every run.
 * Adds files; never re-records those already there (delete one by hand to record it again).
 */
const out = path.join(projectRoot, 'test', 'histories');
const say = (line: string): void => void process.stdout.write(`${line}\n`);

const stack = await startEphemeralStack(
  {
    ...defaultTimings,
    fundsRetrySchedule: [600_000],
    activityTimeout: 5_000,
    retryInitialInterval: 200,
    retryMaxInterval: 1_000,
  },
  { SUPPLIER_TIMEOUT: '1s', TOP_UP_TRANSFER_EXPIRY: '1500ms' },
);
if (!stack.cliPath) throw new Error('Recording histories needs the Temporal CLI (Go, or TEMPORAL_CLI_PATH)');
const cli: string = stack.cliPath;
const api = new HttpClient(stack.platform.apiUrl ?? '');
const paypal = new PayPalSimulatorAdmin(stack.sims.paypal);
const finance = (await createOperatorKey(api, stack.operatorKey, 'Recorder Finance')).key;
let n = 0;

async function merchant(): Promise<{ id: string; key: string }> {
  const m = await api.post('/v1/merchants', { name: `Top-up recorder ${++n}` }, { key: stack.operatorKey });
  return { id: m.body.id as string, key: m.body.apiKey as string };
}

async function finished(key: string, id: string): Promise<{ status: string }> {
  return waitFor(`top-up ${id}`, async () => {
    const t = (await api.get(`/v1/wallet/top-ups/${id}`, { key })).body;
    return t.status !== 'PENDING' && t.waitingFor === null ? t : false;
  });
}

const recorded: Record<string, string> = {};
async function save(name: string, topUpId: string): Promise<void> {
  // Let the workflow close so the history ends where a finished top-up's does.
  await waitFor(`${topUpId} to close`, async () => {
    const json = execFileSync(
      cli,
      [
        'workflow',
        'describe',
        '--address',
        stack.temporalAddress,
        '--workflow-id',
        topUpWorkflowId(topUpId),
        '--output',
        'json',
      ],
      { encoding: 'utf8' },
    );
    return /"status":\s*"(WORKFLOW_EXECUTION_STATUS_)?COMPLETED"/.test(json);
  });
  const json = execFileSync(
    cli,
    [
      'workflow',
      'show',
      '--address',
      stack.temporalAddress,
      '--workflow-id',
      topUpWorkflowId(topUpId),
      '--output',
      'json',
    ],
    {
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
    },
  );
  const file = path.join(out, `${name}.json`);
  if (existsSync(file)) {
    recorded[name] = 'kept the history already there (replayed as recorded)';
    return;
  }
  writeFileSync(file, json);
  recorded[name] = `${(JSON.parse(json) as { events: unknown[] }).events.length} events`;
}

const order = (): Record<string, unknown> => ({
  channel: 'amazon',
  externalId: `top-up-rec-${++n}`,
  payment: { method: 'prepaid', amountPaid: 5990, currency: 'EUR' },
  customer: { name: 'Maria Rossi', email: 'maria@example.com', phone: '+39 333 1234567' },
  shippingAddress: { line1: 'Via Roma 1', city: 'Milano', postcode: '20121', country: 'IT' },
  items: [{ sku: 'BB-1001', quantity: 2 }],
});

try {
  {
    // A transfer confirmed while an order waits for funds: the top-up wakes it.
    const m = await merchant();
    const o = (await api.post('/v1/orders', order(), { key: m.key })).body;
    await waitFor(
      'the order to wait for funds',
      async () => (await api.get(`/v1/orders/${o.id}`, { key: m.key })).body.status === 'PENDING_REVIEW',
    );
    const t = await topUpByBankTransfer(api, { merchant: m.key, operator: finance }, 20_000);
    await finished(m.key, t.id);
    await save('top-up-transfer-confirmed', t.id);
  }
  {
    const m = await merchant();
    const t = (
      await api.post('/v1/wallet/top-ups', { method: 'bank_transfer', amount: 20_000, currency: 'EUR' }, { key: m.key })
    ).body;
    await api.post(
      `/v1/finance/top-ups/${t.id}/reject`,
      { reason: 'No such transfer on the statement' },
      { key: finance },
    );
    await save('top-up-transfer-rejected', t.id);
  }
  {
    const m = await merchant();
    const t = (
      await api.post('/v1/wallet/top-ups', { method: 'bank_transfer', amount: 20_000, currency: 'EUR' }, { key: m.key })
    ).body;
    await finished(m.key, t.id);
    await save('top-up-transfer-expired', t.id);
  }
  {
    // PayPal's capture answer lost once: the charge is retried with the same PayPal-Request-Id.
    const m = await merchant();
    await linkPayPalThroughApproval(api, stack.sims.paypal, m.key);
    await paypal.addFault({ route: 'capture', kind: 'slow', delayMs: 2_000, times: 1 });
    const t = (
      await api.post('/v1/wallet/top-ups', { method: 'paypal', amount: 20_000, currency: 'EUR' }, { key: m.key })
    ).body;
    await finished(m.key, t.id);
    await save('top-up-paypal-completed', t.id);
  }
  {
    const m = await merchant();
    await linkPayPalThroughApproval(api, stack.sims.paypal, m.key, { declineWith: 'INSTRUMENT_DECLINED' });
    const t = (
      await api.post('/v1/wallet/top-ups', { method: 'paypal', amount: 20_000, currency: 'EUR' }, { key: m.key })
    ).body;
    await finished(m.key, t.id);
    await save('top-up-paypal-declined', t.id);
  }
  say('recorded:');
  for (const [name, what] of Object.entries(recorded)) say(`  ${name}: ${what}`);
} finally {
  await stack.stop();
}
