import type { Env } from '../infra/config.js';
import { PayPalClient } from './paypal/client.js';
import { SupplierClient } from './supplier/client.js';

/** The supplier and PayPal clients as configured: real services or the simulators, by base URL alone. */
export function createExternalClients(env: Env, urls: { supplier: string; paypal: string }): { supplier: SupplierClient; paypal: PayPalClient } {
  return {
    supplier: new SupplierClient({ baseUrl: urls.supplier, apiKey: env.SUPPLIER_API_KEY, timeoutMs: env.SUPPLIER_TIMEOUT }),
    paypal: new PayPalClient({
      baseUrl: urls.paypal,
      clientId: env.PAYPAL_CLIENT_ID,
      clientSecret: env.PAYPAL_CLIENT_SECRET,
      timeoutMs: env.SUPPLIER_TIMEOUT,
    }),
  };
}
