import { z } from 'zod';
import { parseJson, retryAfterMs, snippet } from '../../activities/http/answers.js';
import { exchange, HttpUnreachable, type FetchLike, type HttpAnswer } from '../../activities/http/exchange.js';
import { ChannelRejected, ChannelTransientError } from '../../activities/channels/errors.js';

/**
 * Client for the parts of Shopify's Admin REST API the platform writes to: fulfilments (tracking back to the
 * shop) and order cancellation. Each method is safe to call again after any failure, because Temporal retries
 * activities and an answer can be lost after Shopify acted. It classifies outcomes and never retries itself.
 */

export interface ShopifyTracking {
  number: string;
  company: string;
  url: string | null;
}

export type ShopifyCancelReason = 'customer' | 'declined' | 'fraud' | 'inventory' | 'other' | 'staff';

export interface ShopifyClientOptions {
  /** https://acme.myshopify.com */
  shopUrl: string;
  accessToken: string;
  /** Admin API version in the path; default '2024-10'. */
  apiVersion?: string;
  timeoutMs: number;
  fetchImpl?: FetchLike;
}

const FulfillmentSchema = z.looseObject({
  id: z.number(),
  status: z.string().nullish(),
  tracking_number: z.string().nullish(),
  tracking_numbers: z.array(z.string()).nullish(),
  created_at: z.string().nullish(),
});
type Fulfillment = z.infer<typeof FulfillmentSchema>;

const FulfillmentsResponse = z.looseObject({ fulfillments: z.array(FulfillmentSchema) });
const FulfillmentCreated = z.looseObject({ fulfillment: FulfillmentSchema });
const FulfillmentOrdersResponse = z.looseObject({
  fulfillment_orders: z.array(z.looseObject({ id: z.number(), status: z.string() })),
});
const OrderResponse = z.looseObject({ order: z.looseObject({ id: z.number() }) });

/** Fulfilment order statuses Shopify accepts a new fulfilment for. */
const fulfillableStatuses = new Set(['open', 'in_progress']);
/** Fulfilment order statuses with nothing left to do. */
const finishedStatuses = new Set(['closed', 'cancelled', 'incomplete']);
/** Fulfilments that no longer stand: a tracking number on one of them does not count as delivered to the shop. */
const voidFulfillmentStatuses = new Set(['cancelled', 'error', 'failure']);

type RawResponse = HttpAnswer;

export class ShopifyClient {
  private readonly baseUrl: string;
  private readonly accessToken: string;
  private readonly timeoutMs: number;
  private readonly fetchImpl: FetchLike | undefined;

  constructor(opts: ShopifyClientOptions) {
    // Merchants paste "acme.myshopify.com" as often as the full URL.
    const shop = new URL(/^https?:\/\//i.test(opts.shopUrl) ? opts.shopUrl : `https://${opts.shopUrl}`);
    this.baseUrl = `${shop.origin}/admin/api/${opts.apiVersion ?? '2024-10'}`;
    this.accessToken = opts.accessToken;
    this.timeoutMs = opts.timeoutMs;
    this.fetchImpl = opts.fetchImpl;
  }

  /**
   * Creates a fulfilment with tracking_info for all open fulfilment orders. Idempotent: if a fulfilment with this
   * tracking number already exists, returns it. When nothing is left to fulfil because the order was fulfilled
   * some other way (by the merchant, another app), that fulfilment is returned with alreadyFulfilled true too:
   * Shopify would refuse a second one, and the shop already shows the order as shipped.
   */
  async fulfill(
    orderId: string,
    tracking: ShopifyTracking,
  ): Promise<{ fulfillmentId: string; alreadyFulfilled: boolean }> {
    const id = shopifyId(orderId);
    const existing = await this.fulfillments(id);
    const previous = withTracking(existing, tracking.number);
    if (previous) return { fulfillmentId: String(previous.id), alreadyFulfilled: true };

    const fulfillmentOrders = await this.get(
      `/orders/${id}/fulfillment_orders.json`,
      FulfillmentOrdersResponse,
      'fulfillment orders',
    );
    const open = fulfillmentOrders.fulfillment_orders.filter((fo) => fulfillableStatuses.has(fo.status));
    if (open.length === 0) {
      // On hold or scheduled is work the merchant still has to release, not an order someone else fulfilled.
      const pending = fulfillmentOrders.fulfillment_orders.filter((fo) => !finishedStatuses.has(fo.status));
      const latest = standing(existing).at(-1);
      if (pending.length === 0 && latest) return { fulfillmentId: String(latest.id), alreadyFulfilled: true };
      const statuses = fulfillmentOrders.fulfillment_orders.map((fo) => fo.status).join(', ') || 'none';
      throw new ChannelRejected(
        `Shopify order ${id} has nothing to fulfil now (fulfillment order statuses: ${statuses})`,
        null,
      );
    }

    const res = await this.send('POST', '/fulfillments.json', {
      fulfillment: {
        line_items_by_fulfillment_order: open.map((fo) => ({ fulfillment_order_id: fo.id })),
        tracking_info: {
          number: tracking.number,
          company: tracking.company,
          ...(tracking.url === null ? {} : { url: tracking.url }),
        },
        notify_customer: true,
      },
    });
    if (isSuccess(res))
      return {
        fulfillmentId: String(this.parse(res, FulfillmentCreated, 'fulfillment create').fulfillment.id),
        alreadyFulfilled: false,
      };
    if (res.status === 422) {
      // Lost race: an earlier attempt whose answer we never got, or a concurrent one, fulfilled it meanwhile.
      const now = withTracking(await this.fulfillments(id), tracking.number);
      if (now) return { fulfillmentId: String(now.id), alreadyFulfilled: true };
    }
    throw this.failure(res, 'fulfillment create');
  }

  /** Cancels the shop order; "already cancelled" (422) counts as done. */
  async cancel(orderId: string, reason: ShopifyCancelReason): Promise<{ alreadyCancelled: boolean }> {
    const id = shopifyId(orderId);
    // email: false: no cancellation e-mail from Shopify; what the customer is told stays the merchant's decision.
    const res = await this.send('POST', `/orders/${id}/cancel.json`, { reason, email: false });
    if (isSuccess(res)) {
      this.parse(res, OrderResponse, 'order cancel');
      return { alreadyCancelled: false };
    }
    if (res.status === 422 && /already been cancel/i.test(errorMessage(res.text))) return { alreadyCancelled: true };
    throw this.failure(res, 'order cancel');
  }

  private async fulfillments(id: string): Promise<Fulfillment[]> {
    // 250 is the page maximum; an order never carries more fulfilments than that.
    return (await this.get(`/orders/${id}/fulfillments.json?limit=250`, FulfillmentsResponse, 'fulfillments'))
      .fulfillments;
  }

  private async get<S extends z.ZodType>(path: string, schema: S, operation: string): Promise<z.output<S>> {
    const res = await this.send('GET', path);
    if (!isSuccess(res)) throw this.failure(res, operation);
    return this.parse(res, schema, operation);
  }

  private async send(method: 'GET' | 'POST', path: string, body?: unknown): Promise<RawResponse> {
    const operation = `${method} ${path.split('?')[0]}`;
    try {
      return await exchange(
        {
          service: 'Shopify',
          operation,
          method,
          url: `${this.baseUrl}${path}`,
          headers: {
            'X-Shopify-Access-Token': this.accessToken,
            Accept: 'application/json',
            ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
          },
          ...(body === undefined ? {} : { body: JSON.stringify(body) }),
          timeoutMs: this.timeoutMs,
        },
        this.fetchImpl,
      );
    } catch (err) {
      throw err instanceof HttpUnreachable ? new ChannelTransientError(err.message, null) : err;
    }
  }

  /**
   * A 2xx we cannot read is treated as transient: both operations are idempotent, so the retry finds out what
   * actually happened (the fulfilment by its tracking number, the cancellation by Shopify's 422).
   */
  private parse<S extends z.ZodType>(res: RawResponse, schema: S, operation: string): z.output<S> {
    const parsed = schema.safeParse(parseJson(res.text));
    if (parsed.success) return parsed.data;
    throw new ChannelTransientError(
      `Shopify answered ${res.status} to ${operation} with an unexpected body: ${snippet(res.text)}`,
      res.status,
    );
  }

  private failure(res: RawResponse, operation: string): ChannelTransientError | ChannelRejected {
    const message = `Shopify answered ${res.status} to ${operation}: ${errorMessage(res.text) || snippet(res.text)}`;
    if (res.status === 429) return new ChannelTransientError(message, res.status, retryAfterMs(res.headers));
    if (res.status >= 500 || res.status === 408) return new ChannelTransientError(message, res.status);
    if (res.status >= 400) return new ChannelRejected(message, res.status);
    return new ChannelTransientError(message, res.status);
  }
}

/** Accepts the numeric id or its GraphQL form (gid://shopify/Order/123); anything else is a caller's bug. */
function shopifyId(orderId: string): string {
  const id = /^(?:gid:\/\/shopify\/Order\/)?(\d+)$/.exec(orderId.trim())?.[1];
  if (!id) throw new ChannelRejected(`"${orderId}" is not a Shopify order id`, null);
  return id;
}

function standing(fulfillments: Fulfillment[]): Fulfillment[] {
  return fulfillments.filter((f) => !voidFulfillmentStatuses.has(f.status ?? ''));
}

function withTracking(fulfillments: Fulfillment[], number: string): Fulfillment | undefined {
  const wanted = number.trim().toUpperCase();
  return standing(fulfillments).find((f) =>
    [f.tracking_number, ...(f.tracking_numbers ?? [])].some((n) => n?.trim().toUpperCase() === wanted),
  );
}

/** Shopify words errors as {"errors": "…"}, {"errors": ["…"]}, {"errors": {"field": ["…"]}} or {"error": "…"}. */
function errorMessage(text: string): string {
  const body = parseJson(text);
  if (typeof body !== 'object' || body === null) return '';
  const { errors, error } = body as { errors?: unknown; error?: unknown };
  return flatten(errors ?? error);
}

function flatten(value: unknown, field?: string): string {
  if (typeof value === 'string') return field && field !== 'base' ? `${field} ${value}` : value;
  if (Array.isArray(value))
    return value
      .map((v) => flatten(v, field))
      .filter(Boolean)
      .join('; ');
  if (typeof value === 'object' && value !== null) {
    return Object.entries(value)
      .map(([key, v]) => flatten(v, key))
      .filter(Boolean)
      .join('; ');
  }
  return '';
}

function isSuccess(res: RawResponse): boolean {
  return res.status >= 200 && res.status < 300;
}
