import type { ShopSandbox } from '../shared/shop-sandbox.js';
import { WooCommerceSimulatorAdmin } from './admin-client.js';
import { fixturePayload } from './fixtures/index.js';
import { createWooCommerceSimulator } from './index.js';

const credentials = { consumerKey: 'ck_sandbox_consumer_key', consumerSecret: 'cs_sandbox_consumer_secret' };

export const wooCommerceSandbox: ShopSandbox = {
  type: 'woocommerce',
  credentials,
  port: { variable: 'WOOCOMMERCE_SIM_PORT', default: 4004 },
  start: ({ host, port, clockSeed }) =>
    createWooCommerceSimulator({ ...credentials, ...(clockSeed ? { firstOrderId: clockSeed } : {}) }).listen(
      port,
      host,
    ),
  paidOrderPayload: () => fixturePayload('paid'),
  configureWebhooks: async (shopUrl, { url, secret }) => {
    await new WooCommerceSimulatorAdmin(shopUrl).configure({ webhookUrl: url, webhookSecret: secret });
  },
};
