import { createShopifySimulator } from './index.js';

/**
 * Runs the shop on its own: `npx tsx simulators/shopify/serve.ts`. SHOPIFY_SIM_PORT (4003),
 * SHOPIFY_SIM_ACCESS_TOKEN (default shpat_sandbox), SHOPIFY_SIM_WEBHOOK_URL and SHOPIFY_SIM_WEBHOOK_SECRET
 * (both can also be set later with PUT /_admin/config, as a merchant pastes them into the shop).
 */

const port = Number(process.env['SHOPIFY_SIM_PORT'] ?? 4003);
const webhookUrl = process.env['SHOPIFY_SIM_WEBHOOK_URL'];
const webhookSecret = process.env['SHOPIFY_SIM_WEBHOOK_SECRET'];

const simulator = createShopifySimulator({
  accessToken: process.env['SHOPIFY_SIM_ACCESS_TOKEN'] || 'shpat_sandbox',
  ...(webhookUrl ? { webhookUrl } : {}),
  ...(webhookSecret ? { webhookSecret } : {}),
});

const running = await simulator.listen(port, process.env['HOST'] ?? '127.0.0.1');
console.log(`shopify simulator listening on ${running.url} (admin: ${running.url}/_admin/orders)`);

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    void running.close().then(() => process.exit(0));
  });
}
