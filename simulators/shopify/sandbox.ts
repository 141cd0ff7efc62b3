import type { ShopSandbox } from '../shared/shop-sandbox.js';
import { ShopifySimulatorAdmin } from './admin-client.js';
import { shopifyOrderFixture } from './fixtures/index.js';
import { createShopifySimulator } from './index.js';

const accessToken = 'shpat_sandbox_access_token';

export const shopifySandbox: ShopSandbox = {
  type: 'shopify',
  credentials: { accessToken },
  port: { variable: 'SHOPIFY_SIM_PORT', default: 4003 },
  start: ({ host, port, clockSeed }) =>
    createShopifySimulator({
      accessToken,
      ...(clockSeed ? { firstOrderId: 5_800_000_000_000 + clockSeed * 10 } : {}),
    }).listen(port, host),
  paidOrderPayload: () => shopifyOrderFixture('paid'),
  configureWebhooks: (shopUrl, { url, secret }) =>
    new ShopifySimulatorAdmin(shopUrl).configure({ webhookUrl: url, webhookSecret: secret }),
};
