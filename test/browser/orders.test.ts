// Code run inside the page is passed as strings: the test's own types know no DOM.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { orderInput, waitForStatus } from '../support/fixtures.js';
import { auditPage, launchBrowser, openConsole, signIn } from '../support/browser.js';
import { startStack, type Stack } from '../support/stack.js';
import { merchantWithOwner } from '../support/users.js';

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

const tooLong = 'Via dei Mille 123, Scala B, Interno 45, presso Studio Rossi, Palazzo Verde, Quartiere Nord';

/** A merchant with its owner signed in on a fresh page; its orders created through the API (as a shop would). */
async function ownerOnConsole(topUp = 100_000) {
  const merchant = await merchantWithOwner(stack, { topUp });
  const { page, context } = await openConsole(browser, base);
  await signIn(page, merchant.owner.email, merchant.owner.password);
  await page.getByRole('heading', { name: 'Orders' }).waitFor();
  return { merchant, page, context };
}

async function createOrder(
  key: string,
  input: Record<string, unknown>,
  status: string,
): Promise<{ id: string; externalId: string }> {
  const res = await stack.api.post('/v1/orders', input, { key });
  expect(res.status).toBe(201);
  await waitForStatus(stack, key, res.body.id, status);
  return { id: res.body.id, externalId: res.body.externalId };
}

async function expectStatusHeading(page: Page, status: string): Promise<void> {
  await page.getByRole('heading', { level: 1 }).getByText(status, { exact: true }).waitFor({ timeout: 30_000 });
}

describe('the orders pages in Chromium', () => {
  it('(1) an Amazon order whose address is too long: pending-review tab → open → edit → Resend → Submitted', async () => {
    const { merchant, page, context } = await ownerOnConsole();
    const order = await createOrder(
      merchant.key,
      orderInput({ shippingAddress: { ...orderInput().shippingAddress, line1: tooLong } }),
      'PENDING_REVIEW',
    );

    await page.getByRole('tab', { name: 'Pending review' }).click();
    expect(page.url()).toContain('status=PENDING_REVIEW');
    await page.getByRole('link', { name: order.externalId }).waitFor();
    expect(await auditPage(page, 'orders')).toEqual([]);
    await page.getByRole('link', { name: order.externalId }).click();

    await expectStatusHeading(page, 'Pending review');
    await page.getByText('Address too long').first().waitFor();
    await page.getByRole('button', { name: 'Edit' }).click();
    await page.getByRole('textbox', { name: 'Address', exact: true }).fill('Via dei Mille 123');
    await page.getByRole('textbox', { name: 'Address (line 2)' }).fill('Scala B, Interno 45');
    expect(await auditPage(page, 'order-edit')).toEqual([]);
    await page.getByRole('button', { name: 'Save changes' }).click();
    await page.getByRole('status').getByText('Saved').waitFor();
    await page.getByRole('button', { name: 'Resend order' }).click();
    await expectStatusHeading(page, 'Submitted');
    expect(await auditPage(page, 'order-submitted')).toEqual([]);
    await context.close();
  });

  it("an edit the API refuses shows the API's message beside the field", async () => {
    const { merchant, page, context } = await ownerOnConsole();
    const order = await createOrder(
      merchant.key,
      orderInput({ customer: { name: 'Ada', email: 'not-an-email', phone: '' } }),
      'PENDING_REVIEW',
    );
    await page.goto(`/orders/${order.id}`);
    await page.getByRole('button', { name: 'Edit' }).click();
    await page.getByRole('textbox', { name: 'Country' }).fill('ITALY');
    await page.getByRole('button', { name: 'Save changes' }).click();
    const country = page.getByRole('textbox', { name: 'Country' });
    await page.locator('input[name="shippingAddress.country"][aria-invalid="true"]').waitFor();
    expect(await country.getAttribute('aria-invalid')).toBe('true');
    await context.close();
  });

  it('(3) a bank-transfer order → Payment accepted → Submitted', async () => {
    const { merchant, page, context } = await ownerOnConsole();
    const order = await createOrder(
      merchant.key,
      orderInput({ payment: { method: 'bank_transfer', amountPaid: 5990, currency: 'EUR' } }),
      'AWAITING_PAYMENT',
    );
    await page.goto(`/orders/${order.id}`);
    await expectStatusHeading(page, 'Awaiting payment');
    await page.getByRole('button', { name: 'Payment accepted' }).click();
    await expectStatusHeading(page, 'Submitted');
    await context.close();
  });

  it('(4) cash on delivery → choose a carrier → Synchronize → Submitted', async () => {
    const { merchant, page, context } = await ownerOnConsole();
    const order = await createOrder(
      merchant.key,
      orderInput({ payment: { method: 'cod', amountPaid: 5990, currency: 'EUR' } }),
      'AWAITING_SHIPPING_METHOD',
    );
    await page.goto(`/orders/${order.id}`);
    await expectStatusHeading(page, 'Awaiting shipping method');
    await page.getByRole('button', { name: /Carrier/ }).click();
    await page.getByRole('option', { name: /correos/i }).click();
    expect(await auditPage(page, 'order-cod')).toEqual([]);
    await page.getByRole('button', { name: 'Synchronize' }).click();
    await expectStatusHeading(page, 'Submitted');
    const submitted = await waitForStatus(stack, merchant.key, order.id, 'SUBMITTED');
    expect(submitted.shippingMethod).toBe('correos');
    await context.close();
  });

  it('(5) cancel from pending review, after a confirmation', async () => {
    const { merchant, page, context } = await ownerOnConsole();
    const order = await createOrder(
      merchant.key,
      orderInput({ shippingAddress: { ...orderInput().shippingAddress, line1: tooLong } }),
      'PENDING_REVIEW',
    );
    await page.goto(`/orders/${order.id}`);
    await page.getByRole('button', { name: 'Cancel order' }).click();
    const dialog = page.getByRole('dialog', { name: 'Cancel this order?' });
    await dialog.waitFor();
    expect(await auditPage(page, 'order-cancel-dialog')).toEqual([]);
    await dialog.getByRole('button', { name: 'Yes, cancel' }).click();
    await expectStatusHeading(page, 'Cancelled');
    await context.close();
  });

  it('(6) bulk resend of three orders, one of which cannot go: a result per order', async () => {
    const { merchant, page, context } = await ownerOnConsole();
    const fixable = [];
    for (let i = 0; i < 2; i++) {
      const o = await createOrder(
        merchant.key,
        orderInput({ shippingAddress: { ...orderInput().shippingAddress, line1: tooLong } }),
        'PENDING_REVIEW',
      );
      await stack.api.patch(`/v1/orders/${o.id}`, { shippingAddress: { line1: 'Via Roma 1' } }, { key: merchant.key });
      fixable.push(o);
    }
    const submitted = await createOrder(merchant.key, orderInput(), 'SUBMITTED');

    await page.goto('/orders');
    await page.getByRole('link', { name: submitted.externalId }).waitFor();
    for (const o of [...fixable, submitted]) await page.getByRole('link', { name: o.externalId }).waitFor();
    let count = 0;
    for (const o of [...fixable, submitted]) {
      // The box React Aria draws for the row's checkbox (the input itself is visually hidden).
      await page
        .getByRole('row', { name: new RegExp(o.externalId) })
        .locator('.box')
        .click({ force: true });
      count += 1;
      await page.getByText(`${count} selected`).first().waitFor();
    }
    await page.getByText('3 selected').first().waitFor();
    await page.getByRole('button', { name: 'Resend selected' }).click();
    const results = page.getByRole('region', { name: 'Results' });
    await results.waitFor();
    for (const o of fixable) await results.getByText(`${o.externalId}: done`).waitFor();
    await results.getByText(new RegExp(`${submitted.id}|${submitted.externalId}`)).waitFor();
    expect(await results.getByText(/done/).count()).toBe(2);
    for (const o of fixable) await waitForStatus(stack, merchant.key, o.id, 'SUBMITTED');
    await context.close();
  });

  it('(9) in Italian the pages read Italian and money reads 1.234,56 €', async () => {
    const { page, context } = await ownerOnConsole(123_456);
    await page.getByRole('button', { name: /Language/ }).click();
    await page.getByRole('option', { name: 'Italiano' }).click();
    await page.getByRole('heading', { name: 'Ordini' }).waitFor();
    await page.getByRole('tab', { name: 'In attesa di revisione' }).waitFor();
    await page.getByRole('link', { name: 'Salvadanaio' }).click();
    await page.getByRole('heading', { name: 'Salvadanaio' }).waitFor();
    const balance = page.getByTestId('wallet-balance');
    await page.getByTestId('wallet-balance').filter({ hasText: '1.234,56' }).waitFor();
    expect((await balance.textContent())?.replace(/\s/g, ' ')).toBe('1.234,56 €');
    expect(await page.evaluate('document.documentElement.lang')).toBe('it');
    expect(await auditPage(page, 'wallet-it')).toEqual([]);
    await context.close();
  });

  it('(10) the flow of (1) from the keyboard alone', async () => {
    const { merchant, page, context } = await ownerOnConsole();
    const order = await createOrder(
      merchant.key,
      orderInput({ shippingAddress: { ...orderInput().shippingAddress, line1: tooLong } }),
      'PENDING_REVIEW',
    );
    const press = (key: string) => page.keyboard.press(key);
    const tabTo = async (predicate: () => boolean | Promise<boolean>, limit = 60) => {
      for (let i = 0; i < limit; i++) {
        if (await predicate()) return;
        await press('Tab');
      }
      throw new Error('focus never reached the target');
    };
    const focused = () => page.evaluate<string>(`document.activeElement?.textContent?.trim() ?? ''`);
    const focusedLabel = () => page.evaluate<string>(`document.activeElement?.labels?.[0]?.textContent?.trim() ?? ''`);

    await tabTo(async () => (await focused()).startsWith('All'));
    // Tabs: arrow keys move between them.
    await press('ArrowRight');
    expect(await focused()).toMatch(/^Pending review/);
    await press('Enter');
    await page.waitForURL(/status=PENDING_REVIEW/);
    // The table is one tab stop (arrow keys move inside it); Enter opens the focused row's order.
    await page.getByRole('link', { name: order.externalId }).waitFor();
    await tabTo(() => page.evaluate<boolean>(`!!document.activeElement?.closest('[role="grid"]')`));
    await press('Enter');
    await expectStatusHeading(page, 'Pending review');
    await tabTo(async () => (await focused()) === 'Edit');
    await press('Enter');
    await tabTo(async () => (await focusedLabel()) === 'Address');
    await page.keyboard.press('ControlOrMeta+a');
    await page.keyboard.type('Via dei Mille 123');
    await tabTo(async () => (await focused()) === 'Save changes');
    await press('Enter');
    await page.getByRole('status').getByText('Saved').waitFor();
    await page.evaluate('document.activeElement?.blur()');
    await tabTo(async () => (await focused()) === 'Resend order');
    await press('Enter');
    await expectStatusHeading(page, 'Submitted');
    await context.close();
  });
});
