import { z } from 'zod';
import { retryAfterMs, snippet } from '../../activities/http/answers.js';
import { exchange, HttpUnreachable, type FetchLike, type HttpAnswer } from '../../activities/http/exchange.js';
import { ChannelRejected, ChannelTransientError } from '../../activities/channels/errors.js';

/**
 * WooCommerce REST API v3 client for what the platform tells a shop: shipped (completed, with tracking) and
 * cancelled. Each call is made safe to repeat by reading the order first, because Temporal retries activities
 * and WooCommerce has no idempotency keys. Outcomes are classified into the channel errors; retrying is
 * Temporal's job.
 */

export interface WooTracking {
  number: string;
  company: string;
  url: string | null;
}

export interface WooCommerceClientOptions {
  /** The shop's home URL, e.g. https://shop.example.com (WordPress in a folder: https://example.com/shop). */
  shopUrl: string;
  consumerKey: string;
  consumerSecret: string;
  timeoutMs: number;
  fetchImpl?: FetchLike;
  now?: () => number;
}

/** Meta keys of the classic Shipment Tracking plugin, which themes and e-mail templates read. */
const trackingKeys = { number: '_tracking_number', provider: '_tracking_provider', url: '_tracking_url' } as const;

/** Closed on the shop: nothing to complete, nothing left to cancel. */
const closedStatuses = new Set(['cancelled', 'refunded', 'failed']);

const MetaEntry = z.looseObject({ id: z.number().optional(), key: z.string(), value: z.unknown() });

const WooOrder = z.looseObject({
  id: z.number(),
  status: z.string(),
  meta_data: z
    .array(MetaEntry)
    .nullish()
    .transform((m) => m ?? []),
});
type WooOrder = z.infer<typeof WooOrder>;

const WooNote = z.looseObject({ id: z.number(), note: z.string(), customer_note: z.boolean() });
const WooNotes = z.array(WooNote);

const WooErrorBody = z.looseObject({
  code: z.string(),
  message: z.string(),
  data: z.looseObject({ status: z.number().optional() }).nullish(),
});

type Method = 'GET' | 'PUT' | 'POST';

export class WooCommerceClient {
  private readonly apiBase: string;
  private readonly authorization: string;
  private readonly timeoutMs: number;
  private readonly fetchImpl: FetchLike | undefined;
  private readonly now: () => number;

  constructor(opts: WooCommerceClientOptions) {
    this.apiBase = `${opts.shopUrl.replace(/\/+$/, '')}/wp-json/wc/v3`;
    this.authorization = `Basic ${Buffer.from(`${opts.consumerKey}:${opts.consumerSecret}`, 'utf8').toString('base64')}`;
    this.timeoutMs = opts.timeoutMs;
    this.fetchImpl = opts.fetchImpl;
    this.now = opts.now ?? Date.now;
  }

  /**
   * Marks the order completed with the tracking in meta_data and adds ONE customer note naming the carrier,
   * number and URL; idempotent: a retry neither adds a second note nor fails if already completed.
   */
  async complete(orderId: string, tracking: WooTracking): Promise<{ alreadyCompleted: boolean }> {
    const order = await this.getOrder(orderId);
    if (closedStatuses.has(order.status)) {
      throw new ChannelRejected(
        `WooCommerce order ${orderId} is ${order.status} on the shop: not marking it completed`,
        null,
      );
    }
    const alreadyCompleted = order.status === 'completed';
    const meta = [
      { key: trackingKeys.number, value: tracking.number },
      { key: trackingKeys.provider, value: tracking.company },
      { key: trackingKeys.url, value: tracking.url ?? '' },
    ];
    if (!alreadyCompleted || !meta.every((m) => metaValue(order, m.key) === m.value)) {
      const updated = await this.send('PUT', `/orders/${encodeURIComponent(orderId)}`, WooOrder, {
        status: 'completed',
        meta_data: meta,
      });
      this.expectStatus(updated, 'completed', orderId);
    }

    // The note goes last: if it fails, the retry finds the order completed and only adds the note. It is found
    // again by the tracking number alone, as WordPress may rewrite the rest (entities in the URL, links).
    const notes = await this.send('GET', `/orders/${encodeURIComponent(orderId)}/notes?type=customer`, WooNotes);
    if (!notes.some((n) => n.customer_note && n.note.includes(tracking.number))) {
      await this.send('POST', `/orders/${encodeURIComponent(orderId)}/notes`, WooNote, {
        note: shippedNote(tracking),
        customer_note: true,
      });
    }
    return { alreadyCompleted };
  }

  /** Sets status cancelled; an order already cancelled counts as done. */
  async cancel(orderId: string): Promise<{ alreadyCancelled: boolean }> {
    const order = await this.getOrder(orderId);
    // Refunded or failed orders are closed too: writing "cancelled" over them would erase what happened.
    if (closedStatuses.has(order.status)) return { alreadyCancelled: true };
    if (order.status === 'completed') {
      throw new ChannelRejected(
        `WooCommerce order ${orderId} is already completed on the shop: not cancelling it`,
        null,
      );
    }
    const updated = await this.send('PUT', `/orders/${encodeURIComponent(orderId)}`, WooOrder, { status: 'cancelled' });
    this.expectStatus(updated, 'cancelled', orderId);
    return { alreadyCancelled: false };
  }

  private async getOrder(orderId: string): Promise<WooOrder> {
    if (!/^\d+$/.test(orderId)) throw new ChannelRejected(`"${orderId}" is not a WooCommerce order id`, null);
    return this.send('GET', `/orders/${encodeURIComponent(orderId)}`, WooOrder);
  }

  /** A plugin may veto a status change and still answer 200: the shop would then silently disagree with us. */
  private expectStatus(order: WooOrder, wanted: string, orderId: string): void {
    if (order.status !== wanted) {
      throw new ChannelRejected(
        `WooCommerce kept order ${orderId} ${order.status} when asked to set it ${wanted}`,
        null,
      );
    }
  }

  private async send<T>(method: Method, path: string, schema: z.ZodType<T>, body?: unknown): Promise<T> {
    const operation = `${method} ${path.split('?')[0]}`;
    let response: HttpAnswer;
    try {
      response = await exchange(
        {
          service: 'WooCommerce',
          operation,
          method,
          url: `${this.apiBase}${path}`,
          headers: {
            Authorization: this.authorization,
            Accept: 'application/json',
            ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
          },
          ...(body === undefined ? {} : { body: JSON.stringify(body) }),
          // A redirect (http → https, www) would drop the Authorization header on the way: report it instead.
          redirect: 'manual',
          timeoutMs: this.timeoutMs,
        },
        this.fetchImpl,
      );
    } catch (err) {
      throw err instanceof HttpUnreachable ? new ChannelTransientError(err.message, null) : err;
    }
    const { text } = response;
    const status = response.status;
    if (status >= 200 && status < 300) {
      const parsed = schema.safeParse(parseWordPressJson(text));
      if (parsed.success) return parsed.data;
      // Maintenance and security-plugin pages come back as 200 HTML: the shop is not really answering.
      throw new ChannelTransientError(
        `WooCommerce answered ${operation} with HTTP ${status} but an unexpected body: ${snippet(text)}`,
        status,
      );
    }
    if (status >= 300 && status < 400) {
      const location = response.headers.get('location') ?? '(no Location)';
      throw new ChannelRejected(
        `WooCommerce redirected ${operation} to ${location}: correct the shop URL of the connection`,
        status,
      );
    }
    const error = WooErrorBody.safeParse(parseWordPressJson(text));
    const detail = error.success ? `${error.data.code}: ${stripTags(error.data.message)}` : snippet(text);
    const summary = `WooCommerce answered ${operation} with HTTP ${status} (${detail})`;
    if (status === 429 || status === 408 || status >= 500)
      throw new ChannelTransientError(summary, status, retryAfterMs(response.headers, this.now));
    throw new ChannelRejected(summary, status);
  }
}

function shippedNote(tracking: WooTracking): string {
  const where = tracking.url ? ` Track it here: ${tracking.url}` : '';
  return `Your order has shipped with ${tracking.company}. Tracking number: ${tracking.number}.${where}`;
}

function metaValue(order: WooOrder, key: string): string | undefined {
  const value = order.meta_data.find((m) => m.key === key)?.value;
  return value === undefined || value === null ? undefined : String(value);
}

/**
 * WordPress output is sometimes polluted by a plugin: a BOM, or PHP notices printed before the JSON. The JSON
 * is then read from its first bracket rather than losing a good answer.
 */
function parseWordPressJson(text: string): unknown {
  const clean = text.replace(/^\uFEFF/, '').trim();
  for (const start of [0, clean.search(/[[{]/)]) {
    if (start < 0) continue;
    try {
      return JSON.parse(clean.slice(start)) as unknown;
    } catch {
      // Try the next candidate.
    }
  }
  return undefined;
}

function stripTags(text: string): string {
  return text.replace(/<[^>]*>/g, '').trim();
}
