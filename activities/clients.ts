import { PayPalClient } from './paypal/client.js';
import { SupplierClient } from './supplier/client.js';

/** Where the supplier and PayPal are: the real services or the simulators, by base URL alone. */
export interface ExternalServices {
  supplier: { baseUrl: string; apiKey: string };
  paypal: { baseUrl: string; clientId: string; clientSecret: string };
  /** Limit of one HTTP exchange with either. */
  timeoutMs: number;
}

export function createExternalClients(services: ExternalServices): { supplier: SupplierClient; paypal: PayPalClient } {
  const { timeoutMs } = services;
  return {
    supplier: new SupplierClient({ ...services.supplier, timeoutMs }),
    paypal: new PayPalClient({ ...services.paypal, timeoutMs }),
  };
}
