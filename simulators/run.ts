import path from 'node:path';
import type { Env } from '../infra/config.js';
import { createPayPalSimulator } from './paypal/index.js';
import { createSupplierSimulator } from './supplier/index.js';

export interface RunningSimulators {
  supplier: string;
  paypal: string;
  close(): Promise<void>;
}

/**
 * The stand-ins for the services we cannot reach from a laptop, each on its own port so the platform talks to
 * them exactly as to the real hosts. The supplier keeps its orders in DATA_DIR so they survive a restart.
 */
export async function startSimulators(env: Env, opts: { host?: string; persist?: boolean; shipAfterMs?: number | null } = {}): Promise<RunningSimulators> {
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
  return {
    supplier: supplier.url,
    paypal: paypal.url,
    async close() {
      await Promise.all([supplier.close(), paypal.close()]);
    },
  };
}
