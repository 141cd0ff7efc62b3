import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { PayPalClient, PayPalDeclined } from '../../activities/paypal/client.js';
import { PayPalSimulatorAdmin } from '../../simulators/paypal/admin-client.js';
import { createPayPalSimulator } from '../../simulators/paypal/index.js';

/**
 * The PayPal sandbox keeps the account in its state folder, as PayPal does: a merchant who linked PayPal before a
 * restart of `npm start` (which restarts the simulators) is still linked after it and can be charged. Through the
 * production PayPal client, over HTTP.
 */
const scratch = mkdtempSync(path.join(os.tmpdir(), 'paypal-state-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));
const credentials = { clientId: 'state-client', clientSecret: 'state-secret' };

async function linkAndCharge(url: string): Promise<{ vaultId: string; captureId: string }> {
  const client = new PayPalClient({ baseUrl: url, ...credentials, timeoutMs: 5_000 });
  const setup = await client.createSetupToken({
    requestKey: 'link:1',
    returnUrl: 'https://platform.example/return',
    cancelUrl: 'https://platform.example/cancel',
    brandName: 'Drop & Ship',
    description: 'Pays when the wallet is short',
  });
  await new PayPalSimulatorAdmin(url).approveSetupToken(setup.id, { payerEmail: 'kept@example.com' });
  const token = await client.createPaymentToken({ requestKey: 'link:1', setupTokenId: setup.id });
  const charge = await client.charge({
    requestKey: 'order:1',
    invoiceId: 'order-1',
    vaultId: token.id,
    amount: 2500,
    currency: 'EUR',
  });
  return { vaultId: token.id, captureId: charge.captureId };
}

describe('the PayPal sandbox across a restart', () => {
  it('with a state folder keeps the vault, the payers and the captures', async () => {
    const statePath = path.join(scratch, 'paypal.json');
    const first = await createPayPalSimulator({ ...credentials, statePath }).listen(0);
    const { vaultId, captureId } = await linkAndCharge(first.url);
    await first.close();

    const second = await createPayPalSimulator({ ...credentials, statePath }).listen(0);
    try {
      const client = new PayPalClient({ baseUrl: second.url, ...credentials, timeoutMs: 5_000 });
      const tokens = await new PayPalSimulatorAdmin(second.url).paymentTokens();
      expect(tokens).toEqual([
        expect.objectContaining({ id: vaultId, status: 'ACTIVE', payerEmail: 'kept@example.com' }),
      ]);
      // The same charge retried after the restart is the first one (its PayPal-Request-Ids were kept too)…
      const again = await client.charge({
        requestKey: 'order:1',
        invoiceId: 'order-1',
        vaultId,
        amount: 2500,
        currency: 'EUR',
      });
      expect(again.captureId).toBe(captureId);
      // …and a new one is charged to the account linked before the restart.
      const next = await client.charge({
        requestKey: 'order:2',
        invoiceId: 'order-2',
        vaultId,
        amount: 1500,
        currency: 'EUR',
      });
      expect(next.status).toBe('COMPLETED');
      expect((await new PayPalSimulatorAdmin(second.url).captures()).length).toBe(2);
    } finally {
      await second.close();
    }
  });

  it('without one, forgets the account: a charge on it is declined as unknown', async () => {
    const first = await createPayPalSimulator(credentials).listen(0);
    const { vaultId } = await linkAndCharge(first.url);
    await first.close();
    const second = await createPayPalSimulator(credentials).listen(0);
    try {
      const client = new PayPalClient({ baseUrl: second.url, ...credentials, timeoutMs: 5_000 });
      const charged = client.charge({
        requestKey: 'order:3',
        invoiceId: 'order-3',
        vaultId,
        amount: 1500,
        currency: 'EUR',
      });
      await expect(charged).rejects.toBeInstanceOf(PayPalDeclined);
    } finally {
      await second.close();
    }
  });
});
