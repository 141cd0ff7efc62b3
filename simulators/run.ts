import path from 'node:path';
import { createPayPalSimulator } from './paypal/index.js';
import { createShopifySimulator } from './shopify/index.js';
import { createSupplierSimulator } from './supplier/index.js';
import { createWooCommerceSimulator } from './woocommerce/index.js';

/** Credentials the sandbox shops accept: the demo connections of `npm start` use them. */
export const sandboxShops = {
  shopify: { accessToken: 'shpat_sandbox_access_token' },
  woocommerce: { consumerKey: 'ck_sandbox_consumer_key', consumerSecret: 'cs_sandbox_consumer_secret' },
} as const;

/** What the simulators read from the platform's configuration (app/config.ts `Env` satisfies it). */
export interface SimulatorSettings {
  DATA_DIR: string;
  SUPPLIER_API_KEY: string;
  PAYPAL_CLIENT_ID: string;
  PAYPAL_CLIENT_SECRET: string;
  SUPPLIER_SIM_PORT: number;
  PAYPAL_SIM_PORT: number;
  SHOPIFY_SIM_PORT: number;
  WOOCOMMERCE_SIM_PORT: number;
}

export interface RunningSimulators {
  supplier: string;
  paypal: string;
  shopify: string;
  woocommerce: string;
  close(): Promise<void>;
}

/**
 * The stand-ins for the services we cannot reach from a laptop, each on its own port so the platform talks to
 * them exactly as to the real hosts. The supplier keeps its orders in DATA_DIR so they survive a restart.
 */
export async function startSimulators(
  env: SimulatorSettings,
  opts: { host?: string; persist?: boolean; shipAfterMs?: number | null } = {},
): Promise<RunningSimulators> {
  const host = opts.host ?? '127.0.0.1';
  const supplier = await createSupplierSimulator({
    apiKey: env.SUPPLIER_API_KEY,
    ...(opts.persist ? { statePath: path.resolve(env.DATA_DIR, 'simulators', 'supplier.json') } : {}),
    shipAfterMs: opts.shipAfterMs ?? null,
  }).listen(env.SUPPLIER_SIM_PORT, host);
  const paypal = await createPayPalSimulator({ clientId: env.PAYPAL_CLIENT_ID, clientSecret: env.PAYPAL_CLIENT_SECRET }).listen(
    env.PAYPAL_SIM_PORT,
    host,
  );
  // The shops keep no state; ids seeded from the clock never repeat an order the platform already has.
  const seed = opts.persist ? Math.floor(Date.now() / 1000) : undefined;
  const shopify = await createShopifySimulator({
    accessToken: sandboxShops.shopify.accessToken,
    ...(seed ? { firstOrderId: 5_800_000_000_000 + seed * 10 } : {}),
  }).listen(env.SHOPIFY_SIM_PORT, host);
  const woocommerce = await createWooCommerceSimulator({ ...sandboxShops.woocommerce, ...(seed ? { firstOrderId: seed } : {}) }).listen(
    env.WOOCOMMERCE_SIM_PORT,
    host,
  );
  return {
    supplier: supplier.url,
    paypal: paypal.url,
    shopify: shopify.url,
    woocommerce: woocommerce.url,
    async close() {
      await Promise.all([supplier.close(), paypal.close(), shopify.close(), woocommerce.close()]);
    },
  };
}
