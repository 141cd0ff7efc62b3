// Code run inside the page is passed as strings: the test's own types know no DOM.
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OPERATOR_KEY, startStack, type Stack } from '../support/stack.js';
import { orderInput, waitForStatus } from '../support/fixtures.js';
import { auditPage, launchBrowser, openConsole, signIn } from '../support/browser.js';
import { invitedUser, merchantWithOwner } from '../support/users.js';
import { channelDirectory } from '../../api/channel-directory.js';
import { salesChannels } from '../../channels/registry.js';

let stack: Stack;
let browser: Browser;
let base: string;

beforeAll(async () => {
  [stack, browser] = await Promise.all([startStack(), launchBrowser()]);
  base = stack.platform.apiUrl ?? '';
});
afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});

const text = (page: Page, testId: string) =>
  page.evaluate<string>(`document.querySelector('[data-testid="${testId}"]')?.textContent ?? ''`);

describe('money in Chromium: wallet, PayPal, the finance desk', () => {
  it('(2) insufficient funds → PayPal linked through the approval page and a PayPal top-up → the open order page turns Submitted by itself', async () => {
    const merchant = await merchantWithOwner(stack);
    const res = await stack.api.post('/v1/orders', orderInput(), { key: merchant.key });
    const orderId = res.body.id as string;
    await waitForStatus(stack, merchant.key, orderId, 'PENDING_REVIEW');

    const { page: orderPage, context } = await openConsole(browser, base);
    await signIn(orderPage, merchant.owner.email, merchant.owner.password);
    await orderPage.getByRole('heading', { name: 'Orders' }).waitFor();
    await orderPage.goto(`/orders/${orderId}`);
    await orderPage.getByText('Not enough money in the wallet').first().waitFor();
    expect(await auditPage(orderPage, 'order-insufficient-funds')).toEqual([]);

    // The same person, another tab: the wallet page.
    const wallet = await context.newPage();
    await wallet.goto('/wallet');
    await wallet.getByRole('button', { name: 'Link PayPal' }).click();
    await wallet.getByRole('button', { name: 'Agree and continue' }).click();
    await wallet.getByRole('link', { name: 'Back to the wallet' }).click();
    await wallet.getByText(/Linked:/).waitFor();
    await wallet.getByRole('textbox', { name: /Amount/ }).fill('200');
    // The radio's label (React Aria keeps the input itself visually hidden).
    await wallet
      .locator('label')
      .filter({ hasText: /^PayPal$/ })
      .click();
    expect(await auditPage(wallet, 'wallet')).toEqual([]);
    await wallet.getByRole('button', { name: 'Top up', exact: true }).click();

    // Nobody touches the order page: the top-up wakes the order, the live feed refreshes the page.
    await orderPage.getByRole('heading', { level: 1 }).getByText('Submitted').waitFor({ timeout: 30_000 });
    await context.close();
  });

  it("(7) the finance desk confirms a pending transfer and the merchant's open wallet page shows the credit by itself", async () => {
    const merchant = await merchantWithOwner(stack);
    const operator = await invitedUser(stack, OPERATOR_KEY, 'operator');

    const owner = await openConsole(browser, base);
    await signIn(owner.page, merchant.owner.email, merchant.owner.password);
    await owner.page.getByRole('heading', { name: 'Orders' }).waitFor();
    await owner.page.goto('/wallet');
    await owner.page.getByRole('textbox', { name: /Amount/ }).fill('150');
    await owner.page.getByRole('button', { name: 'Top up', exact: true }).click();
    const bank = owner.page.getByRole('group', { name: 'Bank transfer' });
    await bank.waitFor();
    const reference = (await bank.locator('code').nth(3).textContent()) ?? '';
    expect(reference).toMatch(/^RF\d{2}/);
    await bank.getByRole('button', { name: 'Copy Reference' }).click();
    expect(await owner.page.evaluate<string>('navigator.clipboard.readText()')).toBe(reference);
    expect(await auditPage(owner.page, 'wallet-bank-transfer')).toEqual([]);

    const desk = await openConsole(browser, base);
    await signIn(desk.page, operator.email, operator.password);
    await desk.page.getByRole('heading', { name: 'Finance desk' }).waitFor();
    const transfer = desk.page.getByRole('region', { name: reference });
    await transfer.waitFor();
    expect(await auditPage(desk.page, 'finance-desk')).toEqual([]);
    await transfer.getByRole('textbox', { name: 'Bank reference' }).fill('STATEMENT-42');
    await transfer.getByRole('button', { name: 'Confirm' }).click();
    await transfer.waitFor({ state: 'detached' });

    await owner.page.getByTestId('wallet-balance').filter({ hasText: '150.00' }).waitFor({ timeout: 15_000 });
    expect(await text(owner.page, 'wallet-balance')).toContain('€150.00');

    await desk.page.getByRole('link', { name: 'Audit log' }).click();
    await desk.page.getByRole('heading', { name: 'Audit log' }).waitFor();
    await desk.page.getByRole('grid', { name: 'Audit log' }).waitFor();
    // The confirm is in the audit log under the operator's e-mail.
    await desk.page
      .getByRole('gridcell', { name: new RegExp(operator.email.replace('.', '\\.')) })
      .first()
      .waitFor();
    expect(await auditPage(desk.page, 'audit-log')).toEqual([]);
    await desk.page.getByRole('link', { name: 'Merchants' }).click();
    await desk.page.getByRole('heading', { name: 'Merchants' }).waitFor();
    expect(await auditPage(desk.page, 'merchants')).toEqual([]);
    await owner.context.close();
    await desk.context.close();
  });

  it('channels (every shop connected through the form), import and settings pages: usable, 0 serious or critical axe findings', async () => {
    const merchant = await merchantWithOwner(stack);
    const { page, context } = await openConsole(browser, base);
    await signIn(page, merchant.owner.email, merchant.owner.password);
    await page.getByRole('heading', { name: 'Orders' }).waitFor();

    await page.getByRole('link', { name: 'Channels' }).click();
    await page.getByRole('heading', { name: 'Channels' }).waitFor();
    // Every shop the API lists is connected through the form, with the credential fields it asks for.
    for (const shop of channelDirectory(salesChannels).filter((c) => c.kind === 'shop')) {
      const shopUrl = `https://${shop.type}.shop.example`;
      await page.getByRole('button', { name: /Shop type/ }).click();
      await page.getByRole('option', { name: shop.label, exact: true }).click();
      await page.getByRole('textbox', { name: 'Shop URL' }).fill(shopUrl);
      await page.getByLabel('Webhook secret', { exact: true }).fill('whsec-browser-test');
      for (const field of shop.credentials)
        await page.getByLabel(field.label, { exact: true }).fill(`${field.name}-12345678`);
      await page.getByRole('button', { name: 'Connect a shop' }).click();
      const card = page.getByRole('region', { name: `${shop.label} ${shopUrl}` });
      await card.getByText(`/webhooks/${shop.type}/`).waitFor();
      await card.getByText(shop.webhook!.topics.join(', ')).waitFor();
    }
    expect(await auditPage(page, 'channels')).toEqual([]);

    await page.getByRole('link', { name: 'Import' }).click();
    await page.getByRole('heading', { name: 'Import orders' }).waitFor();
    await page
      .locator('input[type="file"]')
      .setInputFiles(fileURLToPath(new URL('../fixtures/ebay-orders.csv', import.meta.url)));
    await page
      .getByRole('status')
      .getByText(/created/)
      .waitFor();
    await page
      .getByRole('cell', { name: /created|rejected|already/ })
      .first()
      .waitFor();
    expect(await auditPage(page, 'import')).toEqual([]);

    await page.getByRole('link', { name: 'Settings' }).click();
    await page.getByRole('heading', { name: 'Settings', level: 1 }).waitFor();
    await page.getByRole('textbox', { name: 'Label' }).fill('warehouse script');
    await page.getByRole('button', { name: 'Create key' }).click();
    await page.getByRole('status').getByText('shown only once').waitFor();
    await page.getByRole('row', { name: /warehouse script/ }).waitFor();
    expect(await auditPage(page, 'settings')).toEqual([]);
    await context.close();
  });
});
