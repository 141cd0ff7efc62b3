import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { channelDirectory } from '../api/channel-directory.js';
import { salesChannels } from '../channels/registry.js';
import { projectOrder, type StoredOrder } from '../db/orders.js';
import { defaultTimings } from '../domain/timings.js';
import { orderStatuses } from '../domain/order.js';
import { ensureConsoleBuilt } from '../dev/console-build.js';
import { startEphemeralStack, projectRoot } from '../dev/ephemeral-stack.js';
import { HttpClient } from '../dev/http-client.js';
import { chromiumArgs, provisionChromium } from '../dev/chromium.js';

/**
 * `npm run bench:console`: the console against 10,000 orders of one merchant (BENCH_CONSOLE_ORDERS), in a real
 * Chromium. Prints how long the orders page takes to be interactive (navigation → the first page of rows drawn)
 * and each search and tab switch end to end (input → rows redrawn). Prints, does not assert.
 */
const ORDERS = Number(process.env.BENCH_CONSOLE_ORDERS ?? 10_000);
const ROUNDS = Number(process.env.BENCH_CONSOLE_ROUNDS ?? 10);
const channelTypes = channelDirectory(salesChannels).map((c) => c.type);

const pct = (xs: number[], p: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? NaN;
};
const line = (label: string, xs: number[]): void =>
  void process.stdout.write(
    `${label.padEnd(34)} p50 ${pct(xs, 50).toFixed(0)} ms · p95 ${pct(xs, 95).toFixed(0)} ms · max ${Math.max(...xs).toFixed(0)} ms (n=${xs.length})\n`,
  );

await ensureConsoleBuilt((l) => void process.stdout.write(`${l}\n`));
const stack = await startEphemeralStack(
  { ...defaultTimings, trackingPollInterval: 3_600_000 },
  { RATE_LIMIT_PER_KEY: '0' },
);
const browser = await chromium.launch({
  executablePath: await provisionChromium(path.join(projectRoot, '.cache')),
  args: await chromiumArgs(),
});
try {
  const base = stack.platform.apiUrl ?? '';
  const api = new HttpClient(base);
  const email = `bench-${randomBytes(3).toString('hex')}@shop.example`;
  const password = `pw-${randomBytes(9).toString('base64url')}`;
  const m = await api.post('/v1/merchants', { name: 'Bench shop', ownerEmail: email }, { key: stack.operatorKey });
  const token = new URL(m.body.setupLink as string).hash.replace(/^#token=/, '');
  await fetch(`${base}/v1/setup`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: base },
    body: JSON.stringify({ token, password }),
  });

  // The orders are written straight into the listing projection, as their workflows would have left them.
  const seeded = performance.now();
  const names = ['Maria Rossi', 'Hans Müller', 'Lucía García', 'Jean Dupont', 'Anna Bianchi'];
  for (let i = 0; i < ORDERS; i++) {
    const status = orderStatuses[i % orderStatuses.length] ?? 'SUBMITTED';
    const at = new Date(Date.now() - i * 60_000).toISOString();
    const view: StoredOrder = {
      id: `ord_bench_${i}`,
      workflowId: `order-ord_bench_${i}`,
      merchantId: m.body.id as string,
      channel: channelTypes[i % channelTypes.length] ?? 'manual',
      externalId: `402-${String(1_000_000 + i)}`,
      status,
      reviewReasons:
        status === 'PENDING_REVIEW'
          ? [{ code: 'ADDRESS_TOO_LONG', field: 'shippingAddress.line1', message: 'too long' }]
          : [],
      payment: { method: 'prepaid', amountPaid: 5990, currency: 'EUR' },
      customer: {
        name: `${names[i % names.length]} ${i}`,
        email: `customer${i}@example.com`,
        phone: '+39 333 1234567',
      },
      shippingAddress: {
        line1: 'Via Roma 1',
        line2: '',
        city: 'Milano',
        postcode: '20121',
        region: 'MI',
        country: 'IT',
      },
      items: [{ sku: `BB-${1001 + (i % 4)}`, quantity: 1 }],
      shippingMethod: null,
      cost: null,
      charge: null,
      supplierOrderId: null,
      tracking: null,
      waitingFor: null,
      createdAt: at,
      updatedAt: at,
      version: 1,
    };
    await projectOrder(stack.platform.db, view, []);
  }
  process.stdout.write(`seeded ${ORDERS} orders in ${((performance.now() - seeded) / 1000).toFixed(1)} s\n`);

  const context = await browser.newContext({ baseURL: base });
  const page = await context.newPage();
  await page.goto('/sign-in');
  await page.getByLabel('E-mail').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: 'Orders' }).waitFor();

  const rowsDrawn = (externalId: string) => page.getByRole('link', { name: externalId, exact: true }).waitFor();
  // Times are taken in the page (performance.now(), a MutationObserver seeing the row's link appear), so that they
  // are the browser's own, not the polling interval of the harness waiting for them.
  const linkPresent = (name: string): string =>
    `[...document.querySelectorAll('a')].some((a) => a.textContent.trim() === ${JSON.stringify(name)})`;
  const drawnAt = (name: string): Promise<number> =>
    page.evaluate<number>(`new Promise((resolve) => {
      const present = () => ${linkPresent(name)};
      if (present()) return resolve(performance.now());
      const observer = new MutationObserver(() => {
        if (present()) { observer.disconnect(); resolve(performance.now()); }
      });
      observer.observe(document.documentElement, { childList: true, subtree: true, characterData: true });
    })`);
  const pageNow = (): Promise<number> => page.evaluate<number>('performance.now()');
  /** Input → the row's link drawn, in the page's clock. */
  const timed = async (target: string, act: () => Promise<void>): Promise<number> => {
    const drawn = drawnAt(target);
    const started = await pageNow();
    await act();
    return (await drawn) - started;
  };

  // Navigation start → the first row drawn: a watcher installed before the page's own scripts run.
  const first = '402-1000000';
  await context.addInitScript(`(() => {
    const check = () => { if (!window.__drawn && ${linkPresent(first)}) window.__drawn = performance.now(); };
    new MutationObserver(check).observe(document, { childList: true, subtree: true, characterData: true });
  })()`);
  const interactive: number[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    await page.goto('/orders');
    await rowsDrawn(first);
    interactive.push(await page.evaluate<number>('window.__drawn'));
  }
  const searches: number[] = [];
  const box = page.getByRole('searchbox', { name: 'Search orders' });
  for (let r = 0; r < ROUNDS; r++) {
    const wanted = `402-${1_000_000 + 1 + r * 97}`;
    await box.fill(wanted);
    searches.push(await timed(wanted, () => box.press('Enter')));
  }
  await page.goto('/orders');
  await rowsDrawn(first);
  const tabs: number[] = [];
  // Each tab's first row is the newest order of its status: the seed gives order i the status i mod 9.
  const order: [string, number][] = [
    ['Pending review', orderStatuses.indexOf('PENDING_REVIEW')],
    ['Submitted', orderStatuses.indexOf('SUBMITTED')],
    ['All', 0],
  ];
  for (let r = 0; r < ROUNDS; r++) {
    const [name, index] = order[r % order.length] ?? ['All', 0];
    // Tab names carry their count ("All 10000"): match from the start.
    const tab = page.getByRole('tab', { name: new RegExp(`^${name}`) });
    tabs.push(await timed(`402-${1_000_000 + index}`, () => tab.click()));
  }
  process.stdout.write(`\nconsole with ${ORDERS} orders of one merchant (Chromium, same machine):\n`);
  line('orders page interactive', interactive);
  line('search round trip', searches);
  line('tab switch round trip', tabs);
  await context.close();
} finally {
  await browser.close();
  await stack.stop();
}
