import { readFileSync } from 'node:fs';
import path from 'node:path';
import { adjustWallet, createOperatorKey, linkPayPalThroughApproval } from '../funding.js';
import { type HttpClient } from '../http-client.js';
import { salesChannels } from '../../channels/registry.js';
import { shopSandboxes } from '../../simulators/shops.js';
import type { FuzzTargets } from './requests.js';

/**
 * What the fuzzer aims at, made through the API as a merchant would: merchants (one funded, one with PayPal), an
 * order of each payment method, a connection to each shop simulator (one per sales channel) with a known webhook
 * secret; the served OpenAPI document; the import samples of test/fixtures.
 */
export async function prepareTargets(opts: {
  api: HttpClient;
  operatorKey: string;
  projectRoot: string;
  /** Each shop simulator's URL by sales channel type (RunningSimulators.shops, Stack.shops). */
  shops: Record<string, string>;
  /** The PayPal simulator, whose approval step links the PayPal merchant's account. */
  paypal: string;
}): Promise<FuzzTargets> {
  const { api, operatorKey } = opts;
  const must = async <T>(what: string, p: Promise<{ status: number; body: T; text: string }>): Promise<T> => {
    const res = await p;
    if (res.status >= 300) throw new Error(`fuzz setup: ${what}: ${res.status} ${res.text}`);
    return res.body;
  };
  const merchants: { id: string; apiKey: string }[] = [];
  for (const name of ['Fuzz funded', 'Fuzz PayPal']) {
    merchants.push(
      await must<{ id: string; apiKey: string }>('merchant', api.post('/v1/merchants', { name }, { key: operatorKey })),
    );
  }
  const merchantKeys = merchants.map((m) => m.apiKey);
  const [funded, paypal] = merchantKeys as [string, string];
  // Money the platform's way: a named operator's adjustment, and a PayPal linked through PayPal's approval.
  const finance = await createOperatorKey(api, operatorKey, 'Fuzz finance');
  await adjustWallet(api, finance.key, {
    merchantId: merchants[0]?.id ?? '',
    amount: 10_000_000,
    reason: 'fuzz opening balance',
  });
  await linkPayPalThroughApproval(api, opts.paypal, paypal);

  const orderIds: string[] = [];
  for (const [i, method] of (['prepaid', 'bank_transfer', 'cod', 'prepaid'] as const).entries()) {
    const order = await must<{ id: string }>(
      'order',
      api.post(
        '/v1/orders',
        {
          channel: 'amazon',
          externalId: `fuzz-${Date.now()}-${i}`,
          payment: { method, amountPaid: 5990, currency: 'EUR' },
          customer: { name: 'Maria Rossi', email: 'maria@example.com', phone: '+39 333 1234567' },
          shippingAddress: { line1: 'Via Roma 1', city: 'Milano', postcode: '20121', country: 'IT' },
          items: [{ sku: i === 3 ? 'NOPE-1' : 'BB-1001', quantity: 1 }],
        },
        { key: i % 2 === 0 ? funded : paypal },
      ),
    );
    orderIds.push(order.id);
  }

  const webhooks: FuzzTargets['webhooks'] = [];
  // Every registered sales channel gets a connection, to its shop simulator (paired by type).
  for (const { type } of salesChannels) {
    const sandbox = shopSandboxes.find((s) => s.type === type);
    const shopUrl = opts.shops[type];
    if (!sandbox) throw new Error(`fuzz setup: no shop simulator stands in for ${type}`);
    if (!shopUrl) throw new Error(`fuzz setup: no ${type} shop simulator`);
    const secret = `fuzz-${type}-webhook-secret`;
    const c = await must<{ id: string }>(
      'channel',
      api.post('/v1/channels', { type, shopUrl, webhookSecret: secret, ...sandbox.credentials }, { key: funded }),
    );
    webhooks.push({ type, id: c.id, secret, payload: sandbox.paidOrderPayload() });
  }

  const fixture = (name: string): string => readFileSync(path.join(opts.projectRoot, 'test', 'fixtures', name), 'utf8');
  return {
    doc: await must('openapi', api.get('/openapi.json')),
    operatorKey,
    financeKey: finance.key,
    merchantKeys,
    orderIds,
    channelIds: webhooks.map((w) => w.id),
    webhooks,
    importFiles: { amazon: fixture('amazon-order-report-clean.txt'), ebay: fixture('ebay-orders.csv') },
  };
}

/** The env a fuzzed platform runs with: rate limits high enough that the fuzzer reaches the handlers. */
export const fuzzEnv = {
  RATE_LIMIT_PER_KEY: '1000000',
  AUTH_FAILURE_LIMIT: '1000000',
  SIGN_IN_FAILURE_LIMIT: '1000000',
  WEBHOOK_RATE_LIMIT: '1000000',
};

export function summarize(report: {
  requests: number;
  byStatus: Record<string, number>;
  problems: { kind: string }[];
  durationMs: number;
  seed: number;
}): string {
  const count = (kind: string): number => report.problems.filter((p) => p.kind === kind).length;
  const fiveXx = Object.entries(report.byStatus)
    .filter(([s]) => Number(s) >= 500)
    .reduce((n, [, c]) => n + c, 0);
  return [
    `requests ${report.requests}, seed ${report.seed}, ${(report.durationMs / 1000).toFixed(1)} s`,
    `5xx ${fiveXx}, hangs ${count('hang')}, bad error shapes ${count('error shape')}, state changed by a refused request ${count('state changed')}`,
    `statuses ${JSON.stringify(report.byStatus)}`,
  ].join('\n');
}
