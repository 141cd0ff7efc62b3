import type { z } from 'zod';
import { parseJson, rateLimitResetMs, retryAfterMs, snippet } from '../http/answers.js';
import { exchange, HttpUnreachable, type FetchLike, type HttpAnswer } from '../http/exchange.js';
import {
  SupplierAuthError,
  SupplierError,
  SupplierRejection,
  SupplierTransientError,
  SupplierValidationFailed,
  type FieldErrors,
} from './errors.js';
import {
  AlreadyExistsData,
  ErrorBody,
  FormErrorNode,
  InformationPage,
  OrderResponse,
  ProductsPage,
  QuoteResponse,
  StockPage,
  TrackingResponse,
  ValidationFailedBody,
  type ParsedErrorBody,
} from './schemas.js';

export { SupplierAuthError, SupplierError, SupplierRejection, SupplierTransientError, SupplierValidationFailed };
export type { FieldErrors, TransientKind } from './errors.js';

/**
 * HTTP client for BigBuy's REST API (and the simulator that stands in for it). It only classifies outcomes
 * into values and error classes; retrying is left to Temporal, which does it durably.
 */

export interface SupplierOrderInput {
  internalReference: string;
  language: string;
  /** Carrier names; the supplier picks the cheapest that serves the destination. */
  carriers: string[];
  shippingAddress: {
    firstName: string;
    lastName: string;
    country: string;
    postcode: string;
    town: string;
    address: string;
    phone: string;
    email: string;
    comment?: string;
    companyName?: string;
    vatNumber?: string;
  };
  products: { reference: string; quantity: number }[];
  /** Decimal amount the carrier collects from the customer. */
  cashOnDelivery?: number;
  /** Defaults to 'moneybox' (the merchant's BigBuy balance). */
  paymentMethod?: string;
}

/** All amounts in integer cents. */
export interface SupplierQuote {
  products: number;
  shipping: number;
  taxes: number;
  total: number;
  currency: 'EUR';
}

export interface SupplierTracking {
  number: string;
  carrier: string;
  url: string | null;
  status: string;
  /** As the supplier reports it (no time zone is assumed or added). */
  at: string;
}

export interface CatalogItem {
  sku: string;
  name: string;
  /** Wholesale price in cents. */
  price: number;
  currency: 'EUR';
  stock: number;
}

export interface SupplierClientOptions {
  baseUrl: string;
  apiKey: string;
  timeoutMs: number;
  fetchImpl?: FetchLike;
  /** Items per catalogue page (default 100). */
  catalogPageSize?: number;
  /** Language of catalogue names (default 'en'). */
  catalogIsoCode?: string;
  now?: () => number;
}

type RawResponse = HttpAnswer;

/** BigBuy's rate limit says when to come back in X-Ratelimit-Reset (or Retry-After); never sooner than this. */
const minimumRetryAfterMs = 1000;
/** Guards against a server that ignores `page` and keeps returning the same list. */
const maxCatalogPages = 10_000;

export class SupplierClient {
  private readonly baseUrl: string;
  private readonly apiKey: string;
  private readonly timeoutMs: number;
  private readonly fetchImpl: FetchLike | undefined;
  private readonly pageSize: number;
  private readonly isoCode: string;
  private readonly now: () => number;

  constructor(opts: SupplierClientOptions) {
    this.baseUrl = opts.baseUrl.replace(/\/+$/, '');
    this.apiKey = opts.apiKey;
    this.timeoutMs = opts.timeoutMs;
    this.fetchImpl = opts.fetchImpl;
    this.pageSize = opts.catalogPageSize ?? 100;
    this.isoCode = opts.catalogIsoCode ?? 'en';
    this.now = opts.now ?? Date.now;
  }

  async checkOrder(order: SupplierOrderInput): Promise<SupplierQuote> {
    const res = await this.send('POST', 'order/check', { body: wireOrder(order) });
    if (!isSuccess(res)) throw this.failure(res, 'order check');
    const totals = this.parseSuccess(res, QuoteResponse, 'order check');
    return {
      products: totals.totalWithoutTaxesAndWithoutShippingCost,
      shipping: totals.totalWithoutTaxes - totals.totalWithoutTaxesAndWithoutShippingCost,
      taxes: totals.total - totals.totalWithoutTaxes,
      total: totals.total,
      currency: 'EUR',
    };
  }

  /**
   * Creates the order. Safe to call again with the same internalReference: BigBuy answers ER008 with the id
   * of the order it already holds, which is returned with `alreadyExisted: true`.
   */
  async createOrder(order: SupplierOrderInput): Promise<{ supplierOrderId: string; alreadyExisted: boolean }> {
    const res = await this.send('POST', 'order/create', { body: wireOrder(order) });
    if (isSuccess(res)) {
      const location = res.headers.get('location');
      const id = location === null ? undefined : orderIdFromLocation(location, this.baseUrl);
      if (id !== undefined) return { supplierOrderId: id, alreadyExisted: false };
      // Seen from BigBuy: the ER008 refusal delivered with a 2xx status.
      const existing = alreadyExistingId(errorBodyOf(res.text));
      if (existing !== undefined) return { supplierOrderId: existing, alreadyExisted: true };
      throw this.unexpectedSuccess(
        res,
        'order create',
        location === null ? 'no Location header' : `unreadable Location "${location}"`,
      );
    }
    const error = this.failure(res, 'order create');
    if (error instanceof SupplierRejection && error.code === 'ER008') {
      const parsed = AlreadyExistsData.safeParse(error.data);
      if (parsed.success) return { supplierOrderId: parsed.data.orderId, alreadyExisted: true };
    }
    throw error;
  }

  /** Null when BigBuy has no order with this reference: a 404, or its 2xx variants (empty body, or a 404 error body). */
  async findOrderByReference(internalReference: string): Promise<{ supplierOrderId: string; status: string } | null> {
    const res = await this.send('GET', `order/reference/${encodeURIComponent(internalReference)}`);
    if (res.status === 404) return null;
    if (!isSuccess(res)) throw this.failure(res, 'order lookup');
    if (res.text.trim() === '' || errorBodyOf(res.text)?.code === '404') return null;
    const order = this.parseSuccess(res, OrderResponse, 'order lookup');
    return { supplierOrderId: order.id, status: order.status };
  }

  /** Empty until the parcel leaves. BigBuy answers 404 or an empty body for orders without tracking yet. */
  async getTracking(supplierOrderId: string): Promise<SupplierTracking[]> {
    const res = await this.send('GET', `tracking/order/${encodeURIComponent(supplierOrderId)}`);
    if (res.status === 404) return [];
    if (!isSuccess(res)) throw this.failure(res, 'tracking');
    if (res.text.trim() === '' || errorBodyOf(res.text)?.code === '404') return [];
    const entries = this.parseSuccess(res, TrackingResponse, 'tracking');
    const mine = entries.filter((e) => e.id === supplierOrderId);
    return (mine.length > 0 ? mine : entries).flatMap((entry) =>
      (entry.trackings ?? []).map((t) => ({
        number: t.trackingNumber,
        carrier: t.carrier?.name ?? '',
        url: t.trackingUrl ?? null,
        status: t.statusDescription ?? '',
        at: t.statusDate ?? '',
      })),
    );
  }

  /** The whole catalogue: prices, stock and names come from three listings joined by SKU. */
  async listCatalog(): Promise<CatalogItem[]> {
    const products = await this.allPages('catalog/products', ProductsPage, {});
    const stocks = await this.allPages('catalog/productsstock', StockPage, {});
    const information = await this.allPages('catalog/productsinformation', InformationPage, { isoCode: this.isoCode });
    const stockBySku = new Map(
      stocks.map((s) => [s.sku, (s.stocks ?? []).reduce((sum, w) => sum + Math.max(w.quantity, 0), 0)]),
    );
    const nameBySku = new Map(information.map((i) => [i.sku, i.name]));
    return products.map((p) => ({
      sku: p.sku,
      name: nameBySku.get(p.sku) ?? p.sku,
      price: p.wholesalePrice,
      currency: 'EUR',
      stock: stockBySku.get(p.sku) ?? 0,
    }));
  }

  private async allPages<S extends z.ZodType<{ id: string }[]>>(
    path: string,
    schema: S,
    query: Record<string, string>,
  ): Promise<z.output<S>> {
    const items: z.output<S>[number][] = [];
    const seen = new Set<string>();
    for (let page = 1; page <= maxCatalogPages; page++) {
      const res = await this.send('GET', path, {
        query: { ...query, page: String(page), pageSize: String(this.pageSize) },
      });
      if (!isSuccess(res)) throw this.failure(res, path);
      const batch = res.text.trim() === '' ? [] : this.parseSuccess(res, schema, path);
      const fresh = batch.filter((item) => !seen.has(item.id));
      for (const item of fresh) {
        seen.add(item.id);
        items.push(item);
      }
      if (batch.length < this.pageSize || fresh.length === 0) break;
    }
    return items as z.output<S>;
  }

  private async send(
    method: 'GET' | 'POST',
    path: string,
    opts: { body?: unknown; query?: Record<string, string> } = {},
  ): Promise<RawResponse> {
    const url = new URL(`${this.baseUrl}/rest/${path}.json`);
    for (const [key, value] of Object.entries(opts.query ?? {})) url.searchParams.set(key, value);
    const operation = `${method} ${url.pathname}`;
    try {
      return await exchange(
        {
          service: 'the supplier',
          operation,
          method,
          url,
          headers: {
            Authorization: `Bearer ${this.apiKey}`,
            'Content-Type': 'application/json',
            Accept: 'application/json',
          },
          ...(opts.body === undefined ? {} : { body: JSON.stringify(opts.body) }),
          timeoutMs: this.timeoutMs,
        },
        this.fetchImpl,
      );
    } catch (err) {
      if (!(err instanceof HttpUnreachable)) throw err;
      throw new SupplierTransientError(err.kind, err.message, { cause: err.cause });
    }
  }

  /** Parses a 2xx body, telling a disguised error apart from a body we simply do not understand. */
  private parseSuccess<S extends z.ZodType>(res: RawResponse, schema: S, operation: string): z.output<S> {
    const json = parseJson(res.text);
    const parsed = schema.safeParse(json);
    if (parsed.success) return parsed.data;
    throw this.unexpectedSuccess(
      res,
      operation,
      parsed.error.issues.map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`).join('; '),
    );
  }

  private unexpectedSuccess(res: RawResponse, operation: string, problem: string): SupplierTransientError {
    const error = errorBodyOf(res.text);
    if (error) {
      return new SupplierTransientError(
        'error_body_200',
        `${operation}: HTTP ${res.status} carrying error ${error.code}: ${error.info}`,
        {
          httpStatus: res.status,
        },
      );
    }
    if (looksLikeHtml(res.text)) {
      return new SupplierTransientError(
        'error_body_200',
        `${operation}: HTTP ${res.status} with an HTML page: ${snippet(res.text)}`,
        {
          httpStatus: res.status,
        },
      );
    }
    return new SupplierTransientError(
      'bad_response',
      `${operation}: unexpected HTTP ${res.status} answer (${problem}): ${snippet(res.text)}`,
      {
        httpStatus: res.status,
      },
    );
  }

  /** Classifies a non-2xx answer. */
  private failure(res: RawResponse, operation: string): SupplierError {
    const { status } = res;
    if (status === 401 || status === 403)
      return new SupplierAuthError(status, errorBodyOf(res.text)?.info || snippet(res.text));
    if (status === 429) {
      return new SupplierTransientError('rate_limited', `${operation}: rate limited (${snippet(res.text)})`, {
        httpStatus: status,
        retryAfterMs: Math.max(
          minimumRetryAfterMs,
          rateLimitResetMs(res.headers, this.now) ?? retryAfterMs(res.headers, this.now) ?? 0,
        ),
      });
    }
    if (status >= 500)
      return new SupplierTransientError('http_5xx', `${operation}: HTTP ${status}: ${snippet(res.text)}`, {
        httpStatus: status,
      });
    if (status === 408)
      return new SupplierTransientError('timeout', `${operation}: HTTP 408 from the supplier`, { httpStatus: status });
    if (status < 400)
      return new SupplierTransientError(
        'bad_response',
        `${operation}: unexpected HTTP ${status}: ${snippet(res.text)}`,
        { httpStatus: status },
      );

    const json = parseJson(res.text);
    if (status === 400) {
      const form = ValidationFailedBody.safeParse(json);
      if (form.success) return new SupplierValidationFailed(flattenFormErrors(form.data.errors));
    }
    const error = ErrorBody.safeParse(json);
    if (error.success && /^ER\d+$/i.test(error.data.code))
      return new SupplierRejection(error.data.code.toUpperCase(), error.data.info, error.data.data, status);
    const info = error.success ? error.data.info : snippet(res.text);
    // A 400 without a form tree is still a problem with what we sent.
    if (status === 400) return new SupplierValidationFailed([{ path: '', messages: [info || 'Bad request'] }]);
    return new SupplierRejection(
      error.success ? error.data.code : `HTTP_${status}`,
      info,
      error.success ? error.data.data : null,
      status,
    );
  }
}

function wireOrder(order: SupplierOrderInput) {
  const a = order.shippingAddress;
  return {
    order: {
      internalReference: order.internalReference,
      language: order.language,
      paymentMethod: order.paymentMethod ?? 'moneybox',
      carriers: order.carriers.map((name) => ({ name })),
      shippingAddress: {
        firstName: a.firstName,
        lastName: a.lastName,
        country: a.country,
        postcode: a.postcode,
        town: a.town,
        address: a.address,
        phone: a.phone,
        email: a.email,
        ...(a.comment === undefined ? {} : { comment: a.comment }),
        ...(a.companyName === undefined ? {} : { companyName: a.companyName }),
        ...(a.vatNumber === undefined ? {} : { vatNumber: a.vatNumber }),
      },
      products: order.products.map((p) => ({ reference: p.reference, quantity: p.quantity })),
      ...(order.cashOnDelivery === undefined ? {} : { cashOnDelivery: order.cashOnDelivery }),
    },
  };
}

function isSuccess(res: RawResponse): boolean {
  return res.status >= 200 && res.status < 300;
}

/** The numeric id at the end of `/rest/order/{id}`, whether the header is absolute or relative. */
function orderIdFromLocation(location: string, baseUrl: string): string | undefined {
  try {
    const path = new URL(location, `${baseUrl}/`).pathname;
    return /\/order\/(\d+)(?:\.json)?\/?$/.exec(path)?.[1];
  } catch {
    return undefined;
  }
}

function errorBodyOf(text: string): ParsedErrorBody | undefined {
  const parsed = ErrorBody.safeParse(parseJson(text));
  return parsed.success ? parsed.data : undefined;
}

function alreadyExistingId(error: ParsedErrorBody | undefined): string | undefined {
  if (error?.code.toUpperCase() !== 'ER008') return undefined;
  const parsed = AlreadyExistsData.safeParse(error.data);
  return parsed.success ? parsed.data.orderId : undefined;
}

/** Symfony nests errors as children → field → errors; this lists them as dotted paths. */
function flattenFormErrors(node: z.output<typeof FormErrorNode>, path: string[] = []): FieldErrors[] {
  const fields: FieldErrors[] = [];
  if (node.errors && node.errors.length > 0) fields.push({ path: path.join('.'), messages: node.errors });
  const children = Array.isArray(node.children)
    ? node.children.map((c, i) => [String(i), c] as const)
    : Object.entries(node.children ?? {});
  for (const [key, child] of children) {
    // Valid fields come back as {} or [] depending on the serializer; neither carries errors.
    const parsed = FormErrorNode.safeParse(child);
    if (parsed.success) fields.push(...flattenFormErrors(parsed.data, [...path, key]));
  }
  return fields;
}

function looksLikeHtml(text: string): boolean {
  return /^\s*</.test(text);
}
