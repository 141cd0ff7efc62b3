import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { z } from 'zod';
import { findCarrier, type SimProduct } from './catalog.js';

/**
 * The simulator's memory: products with live stock, orders, and the next order id. Every mutation goes
 * through this class so that, with a state file, a dev restart keeps the orders a running workflow refers to.
 */

const ProductSchema = z.object({
  id: z.number().int(),
  sku: z.string(),
  name: z.string(),
  description: z.string(),
  wholesalePrice: z.number(),
  retailPrice: z.number(),
  stock: z.number().int(),
  minHandlingDays: z.number().int(),
  maxHandlingDays: z.number().int(),
});

const AddressSchema = z.object({
  firstName: z.string(),
  lastName: z.string(),
  country: z.string(),
  postcode: z.string(),
  town: z.string(),
  address: z.string(),
  phone: z.string(),
  email: z.string(),
  comment: z.string().nullable(),
  companyName: z.string().nullable(),
  vatNumber: z.string().nullable(),
});

const TrackingSchema = z.object({
  trackingNumber: z.string(),
  carrierId: z.string(),
  carrierName: z.string(),
  statusDescription: z.string(),
  statusDate: z.string(),
  trackingUrl: z.string().nullable(),
});

const OrderSchema = z.object({
  id: z.string(),
  internalReference: z.string(),
  language: z.string(),
  paymentMethod: z.string(),
  requestedCarriers: z.array(z.string()),
  /** Code of the carrier picked (the cheapest of those requested). */
  carrier: z.string(),
  shippingAddress: AddressSchema,
  products: z.array(
    z.object({ reference: z.string(), name: z.string(), quantity: z.number().int(), unitPriceCents: z.number().int() }),
  ),
  cashOnDelivery: z.number().nullable(),
  productsCents: z.number().int(),
  shippingCents: z.number().int(),
  taxesCents: z.number().int(),
  status: z.enum(['processing', 'shipped']),
  createdAt: z.string(),
  createdAtMs: z.number(),
  trackings: z.array(TrackingSchema),
});

const PersistedSchema = z.object({
  version: z.literal(1),
  nextOrderId: z.number().int(),
  products: z.array(ProductSchema),
  orders: z.array(OrderSchema),
});

export type SimAddress = z.infer<typeof AddressSchema>;
export type SimTracking = z.infer<typeof TrackingSchema>;
export type SimOrder = z.infer<typeof OrderSchema>;
type Persisted = z.infer<typeof PersistedSchema>;

const firstOrderId = 7_000_001;

export class SimState {
  private data: Persisted;

  constructor(
    private readonly seed: SimProduct[],
    private readonly statePath: string | undefined,
  ) {
    this.data = this.load() ?? this.fresh();
    this.save();
  }

  get products(): readonly SimProduct[] {
    return this.data.products;
  }

  get orders(): readonly SimOrder[] {
    return this.data.orders;
  }

  product(sku: string): SimProduct | undefined {
    return this.data.products.find((p) => p.sku === sku);
  }

  orderById(id: string): SimOrder | undefined {
    return this.data.orders.find((o) => o.id === id);
  }

  orderByReference(internalReference: string): SimOrder | undefined {
    return this.data.orders.find((o) => o.internalReference === internalReference);
  }

  updateProduct(
    sku: string,
    change: { stock?: number | undefined; price?: number | undefined },
  ): SimProduct | undefined {
    const found = this.product(sku);
    if (!found) return undefined;
    if (change.stock !== undefined) found.stock = change.stock;
    if (change.price !== undefined) found.wholesalePrice = change.price;
    this.save();
    return found;
  }

  /** Stores the order and takes its units out of stock in one step, as the real warehouse reserves them. */
  addOrder(order: Omit<SimOrder, 'id'>): SimOrder {
    const stored: SimOrder = { id: String(this.data.nextOrderId++), ...order };
    for (const line of stored.products) {
      const p = this.product(line.reference);
      if (p) p.stock -= line.quantity;
    }
    this.data.orders.push(stored);
    this.save();
    return stored;
  }

  addTracking(order: SimOrder, tracking: SimTracking): void {
    order.trackings.push(tracking);
    order.status = 'shipped';
    this.save();
  }

  reset(): void {
    this.data = this.fresh();
    this.save();
  }

  private fresh(): Persisted {
    return { version: 1, nextOrderId: firstOrderId, products: structuredClone(this.seed), orders: [] };
  }

  private load(): Persisted | undefined {
    if (!this.statePath || !existsSync(this.statePath)) return undefined;
    let raw: unknown;
    try {
      raw = JSON.parse(readFileSync(this.statePath, 'utf8'));
    } catch (err) {
      throw new Error(`Supplier simulator state ${this.statePath} is not readable JSON: ${(err as Error).message}`);
    }
    const parsed = PersistedSchema.safeParse(raw);
    // A state file we cannot read would silently lose orders that workflows point at: refuse to start instead.
    if (!parsed.success)
      throw new Error(`Supplier simulator state ${this.statePath} is not valid: ${parsed.error.message}`);
    return parsed.data;
  }

  private save(): void {
    if (!this.statePath) return;
    mkdirSync(dirname(this.statePath), { recursive: true });
    // Write then rename so a crash mid-write never leaves a truncated file behind.
    const temp = `${this.statePath}.tmp`;
    writeFileSync(temp, JSON.stringify(this.data, null, 2));
    renameSync(temp, this.statePath);
  }
}

/** A tracking entry as the warehouse would record it when the parcel leaves. */
export function newTracking(
  order: SimOrder,
  at: Date,
  given: { trackingNumber?: string | undefined; carrier?: string | undefined },
): SimTracking {
  const carrier = findCarrier(given.carrier ?? order.carrier);
  const carrierName = carrier?.displayName ?? given.carrier ?? order.carrier;
  const trackingNumber =
    given.trackingNumber ??
    `${carrierName.replace(/[^A-Za-z]/g, '').toUpperCase()}${order.id}${String(order.trackings.length + 1).padStart(2, '0')}`;
  return {
    trackingNumber,
    carrierId: carrier?.id ?? '0',
    carrierName,
    statusDescription: 'Shipped',
    statusDate: at.toISOString(),
    trackingUrl: carrier ? carrier.trackingUrl(trackingNumber) : null,
  };
}
