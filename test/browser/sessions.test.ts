// Code run inside the page is passed as strings: the test's own types know no DOM.
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditPage, launchBrowser, openConsole, signIn } from '../support/browser.js';
import { startStack, type Stack } from '../support/stack.js';
import { invitedUser, merchantWithOwner } from '../support/users.js';

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

describe('(8) signing in and out in Chromium', () => {
  it('a visitor without a session lands on the sign-in page', async () => {
    const { page, context } = await openConsole(browser, base);
    await page.goto('/orders?status=PENDING_REVIEW');
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/sign-in');
    expect(await auditPage(page, 'sign-in')).toEqual([]);
    await context.close();
  });

  it('signs in, goes back where it was going, signs out', async () => {
    const merchant = await merchantWithOwner(stack);
    const { page, context } = await openConsole(browser, base);
    await page.goto('/orders?status=CANCELLED');
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    await page.getByLabel('E-mail').fill(merchant.owner.email);
    await page.getByLabel('Password').fill(merchant.owner.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('tab', { name: 'Cancelled', selected: true }).waitFor();
    await page.getByRole('button', { name: 'Sign out', exact: true }).click();
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    await page.goto('/orders');
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    await context.close();
  });

  it('a wrong password is refused without saying which part was wrong, and repeated failures are limited', async () => {
    const merchant = await merchantWithOwner(stack);
    const { page, context } = await openConsole(browser, base);
    await signIn(page, merchant.owner.email, 'not-the-password');
    await page.getByRole('alert').getByText('Wrong e-mail or password.').waitFor();
    let limited = false;
    for (let attempt = 0; attempt < 30 && !limited; attempt++) {
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByRole('alert').waitFor();
      limited = (await page.getByRole('alert').textContent())?.includes('Too many attempts') ?? false;
    }
    expect(limited).toBe(true);
    // Even the right password waits out the limit.
    await page.getByLabel('Password').fill(merchant.owner.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page
      .getByRole('alert')
      .getByText(/Too many attempts/)
      .waitFor();
    await context.close();
  });

  it('staff work orders but see no wallet, and the API refuses them the wallet', async () => {
    const merchant = await merchantWithOwner(stack);
    const staff = await invitedUser(stack, merchant.key, 'staff');
    const { page, context } = await openConsole(browser, base);
    await signIn(page, staff.email, staff.password);
    await page.getByRole('heading', { name: 'Orders' }).waitFor();
    const nav = page.getByRole('navigation', { name: 'Main' });
    expect(await nav.getByRole('link', { name: 'Wallet' }).count()).toBe(0);
    const status = await page.evaluate<number>(`fetch('/v1/wallet').then((r) => r.status)`);
    expect(status).toBe(403);
    await context.close();
  });

  it('a POST from another site with the session cookie is refused', async () => {
    const merchant = await merchantWithOwner(stack);
    const { page, context } = await openConsole(browser, base);
    await signIn(page, merchant.owner.email, merchant.owner.password);
    await page.getByRole('heading', { name: 'Orders' }).waitFor();
    const cookie = (await context.cookies()).map((c) => `${c.name}=${c.value}`).join('; ');
    const forged = await fetch(`${base}/v1/api-keys`, {
      method: 'POST',
      headers: { cookie, origin: 'https://evil.example', 'content-type': 'application/json' },
      body: '{}',
    });
    expect(forged.status).toBe(403);
    expect(((await forged.json()) as { error: { code: string } }).error.code).toBe('CROSS_ORIGIN');
    const form = await fetch(`${base}/v1/api-keys`, {
      method: 'POST',
      headers: { cookie, origin: base, 'content-type': 'application/x-www-form-urlencoded' },
      body: 'label=x',
    });
    expect(form.status).toBe(403);
    await context.close();
  });
});
