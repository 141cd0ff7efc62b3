import { randomBytes } from 'node:crypto';
import type { Stack } from './stack.js';
import { OPERATOR_KEY } from './stack.js';
import { waitFor } from '../../dev/http-client.js';
import { adjustWallet, createOperatorKey, linkPayPalThroughApproval, topUpByBankTransfer } from '../../dev/funding.js';

const financeKeys = new WeakMap<Stack, Promise<string>>();

/** The stack's finance-desk operator ("Test Finance"), a named key created once per stack with the root key. */
export function financeKey(stack: Stack): Promise<string> {
  let key = financeKeys.get(stack);
  if (!key) {
    key = createOperatorKey(stack.api, OPERATOR_KEY, 'Test Finance').then((k) => k.key);
    financeKeys.set(stack, key);
  }
  return key;
}

/**
 * A merchant set up as an operator would, its wallet funded the way money really enters one: `topUp` is credited
 * by the finance desk's audited adjustment ("opening balance"). Use topUpByTransfer() where the top-up itself
 * matters (it wakes orders waiting for funds).
 */
export async function createMerchant(
  stack: Stack,
  opts: { name?: string; topUp?: number } = {},
): Promise<{ id: string; key: string }> {
  const res = await stack.api.post(
    '/v1/merchants',
    { name: opts.name ?? `Shop ${randomBytes(3).toString('hex')}` },
    { key: OPERATOR_KEY },
  );
  if (res.status !== 201) throw new Error(`merchant not created: ${res.status} ${res.text}`);
  const merchant = { id: res.body.id as string, key: res.body.apiKey as string };
  if (opts.topUp)
    await adjustWallet(stack.api, await financeKey(stack), {
      merchantId: merchant.id,
      amount: opts.topUp,
      reason: 'opening balance (test)',
    });
  return merchant;
}

/** A bank-transfer top-up the merchant starts and the finance desk confirms: answers the COMPLETED top-up. */
export async function topUpByTransfer(stack: Stack, merchant: { key: string }, amount: number): Promise<any> {
  return topUpByBankTransfer(stack.api, { merchant: merchant.key, operator: await financeKey(stack) }, amount);
}

let counter = 0;

/** A valid Italian prepaid order for one seeded product; override any part. */
export function orderInput(overrides: Record<string, unknown> = {}): Record<string, any> {
  counter += 1;
  return {
    channel: 'amazon',
    externalId: `402-${Date.now()}-${counter}-${randomBytes(2).toString('hex')}`,
    payment: { method: 'prepaid', amountPaid: 5990, currency: 'EUR' },
    customer: { name: 'Maria Rossi', email: 'maria@example.com', phone: '+39 333 1234567' },
    shippingAddress: { line1: 'Via Roma 1', line2: '', city: 'Milano', postcode: '20121', region: 'MI', country: 'IT' },
    items: [{ sku: 'BB-1001', quantity: 2 }],
    ...overrides,
  };
}

export async function getOrder(stack: Stack, key: string, id: string): Promise<any> {
  const res = await stack.api.get(`/v1/orders/${id}`, { key });
  if (res.status !== 200) throw new Error(`GET order ${id}: ${res.status} ${res.text}`);
  return res.body;
}

export async function waitForStatus(
  stack: Stack,
  key: string,
  id: string,
  status: string,
  timeoutMs = 30_000,
): Promise<any> {
  return waitFor(
    `order ${id} to reach ${status}`,
    async () => {
      const order = await getOrder(stack, key, id);
      return order.status === status ? order : false;
    },
    { timeoutMs },
  );
}

export async function wallet(
  stack: Stack,
  key: string,
): Promise<{ balance: number; reserved: number; available: number }> {
  const res = await stack.api.get('/v1/wallet', { key });
  return res.body;
}

export async function supplierOrders(stack: Stack, internalReference: string): Promise<any[]> {
  const res = await stack.supplier.get(`/_admin/orders?internalReference=${encodeURIComponent(internalReference)}`);
  return res.body.orders;
}

export async function events(stack: Stack, key: string, id: string): Promise<any[]> {
  const res = await stack.api.get(`/v1/orders/${id}/events`, { key });
  return res.body;
}

/** Links the merchant's PayPal through the platform's link flow and the simulator's approval; answers the settings. */
export async function linkPayPal(
  stack: Stack,
  merchant: { key: string },
  opts: { decline?: boolean | string; payerEmail?: string } = {},
): Promise<any> {
  await linkPayPalThroughApproval(stack.api, stack.paypalUrl, merchant.key, {
    ...(opts.payerEmail ? { payerEmail: opts.payerEmail } : {}),
    ...(opts.decline ? { declineWith: typeof opts.decline === 'string' ? opts.decline : 'INSTRUMENT_DECLINED' } : {}),
  });
  return (await stack.api.get('/v1/settings', { key: merchant.key })).body;
}
