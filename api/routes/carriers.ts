import { Router } from 'express';
import { z } from 'zod';
import { supplierCarriers } from '../../domain/carriers.js';
import type { Spec } from '../openapi-spec.js';

export const CarrierList = z
  .object({
    items: z.array(
      z.object({
        code: z.string().meta({ description: 'What `shippingMethod` takes (synchronize, PATCH)', example: 'gls' }),
        label: z.string().meta({ example: 'GLS' }),
      }),
    ),
  })
  .meta({ id: 'CarrierList' });

/** "gls" → "GLS", "correos" → "Correos": acronyms are the short names. */
const label = (code: string): string =>
  code.length <= 3 ? code.toUpperCase() : `${code.charAt(0).toUpperCase()}${code.slice(1)}`;

/** The carriers the supplier ships with: the choices of a cash-on-delivery order's shipping method. */
export function carrierRoutes(): Router {
  const router = Router();
  const body = { items: supplierCarriers.map((code) => ({ code, label: label(code) })) };
  router.get('/v1/carriers', (_req, res) => {
    res.json(body);
  });
  return router;
}

/** The rows of /openapi.json these routes serve. */
export const carrierSpecs: Spec[] = [
  {
    method: 'get',
    path: '/v1/carriers',
    summary: "The supplier's carriers: the shipping methods to choose from when synchronizing a cash-on-delivery order",
    ok: [200, CarrierList, 'Carriers'],
    errors: [401],
  },
];
