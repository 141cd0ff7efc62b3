import { createWooCommerceSimulator } from './index.js';

/**
 * Runs the simulated shop on its own: `npx tsx simulators/woocommerce/serve.ts`.
 * WOOCOMMERCE_SIM_PORT (4003), WOOCOMMERCE_CONSUMER_KEY / WOOCOMMERCE_CONSUMER_SECRET (sandbox defaults),
 * WOOCOMMERCE_SIM_WEBHOOK_URL and WOOCOMMERCE_SIM_WEBHOOK_SECRET (also settable via PUT /_admin/config).
 */

const port = Number(process.env['WOOCOMMERCE_SIM_PORT'] ?? 4003);
const webhookUrl = process.env['WOOCOMMERCE_SIM_WEBHOOK_URL'];
const webhookSecret = process.env['WOOCOMMERCE_SIM_WEBHOOK_SECRET'];

const simulator = createWooCommerceSimulator({
  consumerKey: process.env['WOOCOMMERCE_CONSUMER_KEY'] || 'ck_sandbox_woocommerce',
  consumerSecret: process.env['WOOCOMMERCE_CONSUMER_SECRET'] || 'cs_sandbox_woocommerce',
  ...(webhookUrl ? { webhookUrl } : {}),
  ...(webhookSecret ? { webhookSecret } : {}),
});

const running = await simulator.listen(port, process.env['HOST'] ?? '127.0.0.1');
console.log(`woocommerce simulator listening on ${running.url} (admin: ${running.url}/_admin/config)`);

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    void running.close().then(() => process.exit(0));
  });
}
