import path from 'node:path';
import { createPayPalSimulator } from './paypal/index.js';
import type { Listening } from './shared/listen.js';
import { shopSandboxes, type ShopSandbox } from './shops.js';
import { createSupplierSimulator } from './supplier/index.js';

/**
 * What the simulators read from the platform's configuration (app/config.ts `Env` satisfies it); each shop's
 * port is read from its own variable (SHOPIFY_SIM_PORT…), which may be absent.
 */
export type SimulatorSettings = {
  DATA_DIR: string;
  SUPPLIER_API_KEY: string;
  PAYPAL_CLIENT_ID: string;
  PAYPAL_CLIENT_SECRET: string;
  SUPPLIER_SIM_PORT: number;
  PAYPAL_SIM_PORT: number;
} & Readonly<Record<string, unknown>>;

export interface RunningSimulators {
  supplier: string;
  paypal: string;
  /** Each shop simulator's URL by sales channel type. */
  shops: Record<string, string>;
  close(): Promise<void>;
}

/**
 * The stand-ins for the services we cannot reach from a laptop, each on its own port so the platform talks to
 * them exactly as to the real hosts. The supplier (its orders) and PayPal (its vault, orders and captures) keep their
 * state in DATA_DIR/simulators so it survives a restart.
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
  const paypal = await createPayPalSimulator({
    clientId: env.PAYPAL_CLIENT_ID,
    clientSecret: env.PAYPAL_CLIENT_SECRET,
    // The vault too: a merchant's linked PayPal stays linked across restarts, as on PayPal.
    ...(opts.persist ? { statePath: path.resolve(env.DATA_DIR, 'simulators', 'paypal.json') } : {}),
  }).listen(env.PAYPAL_SIM_PORT, host);
  // The shops keep no state; ids seeded from the clock never repeat an order the platform already has.
  const clockSeed = opts.persist ? Math.floor(Date.now() / 1000) : undefined;
  const shops: { type: string; shop: Listening }[] = [];
  for (const sandbox of shopSandboxes) {
    shops.push({
      type: sandbox.type,
      shop: await sandbox.start({ host, port: portOf(env, sandbox), ...(clockSeed ? { clockSeed } : {}) }),
    });
  }
  return {
    supplier: supplier.url,
    paypal: paypal.url,
    shops: Object.fromEntries(shops.map(({ type, shop }) => [type, shop.url])),
    async close() {
      await Promise.all([supplier.close(), paypal.close(), ...shops.map(({ shop }) => shop.close())]);
    },
  };
}

/**
 * The shop's port: its variable as the caller gives it (a parsed configuration, or ports a test drew), else as set in
 * the environment, else the sandbox's default. A value that is not a port is refused, naming the variable.
 */
function portOf(env: SimulatorSettings, sandbox: ShopSandbox): number {
  const given = env[sandbox.port.variable] ?? process.env[sandbox.port.variable];
  if (given === undefined || given === '') return sandbox.port.default;
  const port = Number(given);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new Error(`${sandbox.port.variable}: "${String(given)}" is not a port (0-65535)`);
  return port;
}
