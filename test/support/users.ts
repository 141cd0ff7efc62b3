import { randomBytes } from 'node:crypto';
import { adjustWallet } from '../../dev/funding.js';
import { financeKey } from './fixtures.js';
import { OPERATOR_KEY, type Stack } from './stack.js';

export interface Person {
  email: string;
  password: string;
}

/** Completes a one-time set-up link as the person's browser would (same Origin, JSON body). */
async function completeSetup(stack: Stack, setupLink: string, password: string): Promise<void> {
  const base = stack.platform.apiUrl ?? '';
  const token = new URL(setupLink).hash.replace(/^#token=/, '') || (new URL(setupLink).searchParams.get('token') ?? '');
  const res = await fetch(`${base}/v1/setup`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: base },
    body: JSON.stringify({ token, password }),
  });
  if (res.status !== 201) throw new Error(`set-up not completed: ${res.status} ${await res.text()}`);
}

const password = (): string => `pw-${randomBytes(9).toString('base64url')}`;

/** A merchant created by the operator with an owner e-mail, the owner's account set up; optionally funded. */
export async function merchantWithOwner(
  stack: Stack,
  opts: { name?: string; topUp?: number } = {},
): Promise<{ id: string; key: string; owner: Person }> {
  const email = `owner-${randomBytes(4).toString('hex')}@shop.example`;
  const res = await stack.api.post(
    '/v1/merchants',
    { name: opts.name ?? `Shop ${randomBytes(3).toString('hex')}`, ownerEmail: email },
    { key: OPERATOR_KEY },
  );
  if (res.status !== 201) throw new Error(`merchant not created: ${res.status} ${res.text}`);
  const owner = { email, password: password() };
  await completeSetup(stack, res.body.setupLink as string, owner.password);
  const merchant = { id: res.body.id as string, key: res.body.apiKey as string, owner };
  if (opts.topUp)
    await adjustWallet(stack.api, await financeKey(stack), {
      merchantId: merchant.id,
      amount: opts.topUp,
      reason: 'opening balance (test)',
    });
  return merchant;
}

/** A user invited with a key (the merchant's for staff, the root key for an operator user), set up. */
export async function invitedUser(stack: Stack, key: string, role: 'staff' | 'operator'): Promise<Person> {
  const email = `${role}-${randomBytes(4).toString('hex')}@example.com`;
  const res = await stack.api.post('/v1/users', { email, role, name: `Test ${role}` }, { key });
  if (res.status !== 201) throw new Error(`user not invited: ${res.status} ${res.text}`);
  const person = { email, password: password() };
  await completeSetup(stack, res.body.setupLink as string, person.password);
  return person;
}
