import { z } from 'zod';
import { once } from './lazy.js';

/**
 * The fields a merchant may correct, as schema factories shared by the API's schemas (domain/order.ts) and the
 * workflow's action messages (domain/order-actions.ts). Nothing is built when this module loads: a workflow builds
 * them only when it validates a fix (domain/lazy.ts).
 */
export const shippingMethod = () => z.string().trim().min(1).max(40).meta({ example: 'gls' });

export const customerFields = () => ({
  name: z.string().max(200),
  email: z.string().max(320),
  phone: z.string().max(60),
});

export const addressFields = () => ({
  line1: z.string().max(500),
  line2: z.string().max(500),
  city: z.string().max(200),
  postcode: z.string().max(40),
  region: z.string().max(100),
  country: z
    .string()
    .max(2)
    .regex(/^[A-Za-z]{2}$/, 'ISO 3166-1 alpha-2 country code, e.g. IT')
    .transform((c) => c.toUpperCase()),
});

/** A fix: a new schema each call, without an OpenAPI id (workflows use it; ids are the API's). */
export function orderPatch() {
  return z
    .object({
      // No defaults here: a field left out of a fix must keep its value, not become ''.
      customer: z.object(customerFields()).partial().strict().optional(),
      shippingAddress: z.object(addressFields()).partial().strict().optional(),
      shippingMethod: shippingMethod().optional(),
    })
    .strict()
    .refine((p) => p.customer !== undefined || p.shippingAddress !== undefined || p.shippingMethod !== undefined, {
      message: 'nothing to change: give customer, shippingAddress or shippingMethod',
    });
}

/** The REST body of a fix: one instance per process, the OpenAPI component `OrderPatch`. */
export const orderPatchBody = once(() => orderPatch().meta({ id: 'OrderPatch' }));
