import { z } from 'zod';
import { decimalToCents } from './money.js';
import { parseJson } from '../http/answers.js';

/**
 * zod schemas of what BigBuy answers. They are lenient where BigBuy is known to vary (ids as numbers or
 * strings, prices as numbers or numeric strings, extra fields) and strict where we depend on a value.
 */

const id = z.union([z.string().min(1), z.number().int()]).transform(String);

/** A decimal EUR amount as BigBuy prints it, converted to cents. */
export const cents = z
  .union([
    z.number().finite().min(-1e12).max(1e12),
    z
      .string()
      .trim()
      .regex(/^[+-]?\d+(\.\d+)?$/),
  ])
  .transform((v) => decimalToCents(v));

export const QuoteResponse = z.object({
  totalWithoutTaxesAndWithoutShippingCost: cents,
  totalWithoutTaxes: cents,
  total: cents,
});

export const OrderResponse = z.object({
  id,
  status: z.union([z.string(), z.number()]).transform(String),
});

const TrackingEntry = z.object({
  trackingNumber: z.string().trim().min(1),
  statusDescription: z.string().nullish(),
  statusDate: z.string().nullish(),
  carrier: z.object({ id: id.nullish(), name: z.string().nullish() }).nullish(),
  trackingUrl: z.string().nullish(),
});

export const TrackingResponse = z.array(z.object({ id, trackings: z.array(TrackingEntry).nullish() }));

export const ProductsPage = z.array(z.object({ id, sku: z.string().min(1), wholesalePrice: cents }));

export const StockPage = z.array(
  z.object({
    id,
    sku: z.string().min(1),
    stocks: z.array(z.object({ quantity: z.coerce.number().int() })).nullish(),
  }),
);

export const InformationPage = z.array(z.object({ id, sku: z.string().min(1), name: z.string() }));

/** `message` is usually a JSON document of its own (`{"info","data"}`), sometimes a plain sentence. */
const EncodedMessage = z.object({ info: z.string().optional(), data: z.unknown().optional() });

export const ErrorBody = z
  .object({
    code: z.union([z.string().min(1), z.number()]).transform(String),
    message: z.union([z.string(), z.record(z.string(), z.unknown())]).optional(),
  })
  .transform(({ code, message }) => {
    const decoded = EncodedMessage.safeParse(typeof message === 'string' ? parseJson(message) : message);
    if (decoded.success && (decoded.data.info !== undefined || decoded.data.data !== undefined)) {
      return {
        code,
        info: decoded.data.info ?? (typeof message === 'string' ? message : ''),
        data: decoded.data.data ?? null,
      };
    }
    return { code, info: typeof message === 'string' ? message : '', data: null };
  });

export type ParsedErrorBody = z.infer<typeof ErrorBody>;

export const AlreadyExistsData = z.object({ orderId: id });

/** One node of Symfony's form error tree; its children are walked one level at a time. */
export const FormErrorNode = z.object({
  errors: z.array(z.string()).optional(),
  children: z.union([z.record(z.string(), z.unknown()), z.array(z.unknown())]).optional(),
});

export const ValidationFailedBody = z.object({
  message: z.string().optional(),
  // Form-level errors alone are sometimes serialised as a bare list.
  errors: z.union([FormErrorNode, z.array(z.string()).transform((errors) => ({ errors, children: undefined }))]),
});
