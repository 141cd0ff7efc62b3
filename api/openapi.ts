import { OpenAPIRegistry, OpenApiGeneratorV31, type ResponseConfig } from '@asteasolutions/zod-to-openapi';
import { z } from 'zod';
import { NewOrder, OrderPatch, OrderView } from '../domain/order.js';
import {
  BulkResend,
  BulkResendResult,
  CancelBody,
  CancelResult,
  CreateMerchant,
  ErrorResponse,
  MerchantCreated,
  OrderEvent,
  OrderList,
  OrderListQuery,
  PageQuery,
  PayPalSettingsBody,
  ProductList,
  ProductQuery,
  Settings,
  SynchronizeBody,
  TopUp,
  TopUpResult,
  TransactionList,
  Wallet,
} from './schemas.js';
import { salesChannels } from '../channels/registry.js';
import { ChannelView, CreateChannel, DeliveryQuery, RotateSecret } from './routes/channels.js';
import { ImportBody, ImportResult } from './routes/import.js';

type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';
interface Spec {
  method: Method;
  path: string;
  summary: string;
  body?: z.ZodType;
  query?: z.ZodObject;
  ok: [number, z.ZodType, string];
  errors?: number[];
  auth?: boolean;
  idempotent?: boolean;
}

const errorDescriptions: Record<number, string> = {
  400: 'Malformed JSON (`BAD_JSON`)',
  401: 'No key or an unknown key',
  403: 'The key may not do this (operator vs merchant)',
  404: 'Unknown, or belongs to another merchant',
  409: 'The order is in a status that does not allow this (`INVALID_STATE`); nothing changed',
  413: 'Body over the size limit',
  422: 'Schema violation (`VALIDATION_FAILED`, `details[].path` names each field)',
  503: 'A dependency did not answer in time',
};

const json = (schema: z.ZodType) => ({ content: { 'application/json': { schema } } });

/** The served OpenAPI document, generated from the same zod schemas that validate requests. */
export function buildOpenApi(): object {
  const registry = new OpenAPIRegistry();
  const bearer = registry.registerComponent('securitySchemes', 'apiKey', { type: 'http', scheme: 'bearer' });
  const idParam = z.object({ id: z.string().meta({ example: 'ord_3f1c…' }) });

  const specs: Spec[] = [
    { method: 'post', path: '/v1/merchants', summary: 'Create a merchant (operator key); the API key is shown once', body: CreateMerchant, ok: [201, MerchantCreated, 'Created'], errors: [400, 401, 403, 422], idempotent: true },
    { method: 'post', path: '/v1/orders', summary: 'Enter an order (manual entry; the shape every connector maps to). The same (channel, externalId) again answers 200 with the existing order', body: NewOrder, ok: [201, OrderView, 'Created (200 when it already existed)'], errors: [400, 401, 403, 413, 422], idempotent: true },
    { method: 'get', path: '/v1/orders', summary: 'List orders, newest first', query: OrderListQuery, ok: [200, OrderList, 'A page of orders'], errors: [401, 422] },
    { method: 'post', path: '/v1/orders/bulk/resend', summary: 'Resend every order matching a filter', body: BulkResend, ok: [200, BulkResendResult, 'How many were resent, which were refused and why'], errors: [400, 401, 403, 422] },
    { method: 'get', path: '/v1/orders/{id}', summary: 'Get an order', ok: [200, OrderView, 'The order'], errors: [401, 404] },
    { method: 'get', path: '/v1/orders/{id}/events', summary: "The order's timeline, oldest first", ok: [200, z.array(OrderEvent), 'Every state change, charge, refund, submission and message'], errors: [401, 404] },
    { method: 'patch', path: '/v1/orders/{id}', summary: "Fix the order's data; answers with the data re-checked", body: OrderPatch, ok: [200, OrderView, 'The order as it stands'], errors: [400, 401, 404, 409, 422] },
    { method: 'post', path: '/v1/orders/{id}/resend', summary: 'Try a pending-review order again now', ok: [200, OrderView, 'Accepted'], errors: [401, 404, 409] },
    { method: 'post', path: '/v1/orders/{id}/payment-accepted', summary: 'The bank transfer arrived', ok: [200, OrderView, 'Accepted'], errors: [401, 404, 409] },
    { method: 'post', path: '/v1/orders/{id}/synchronize', summary: 'Choose the shipping method of a cash-on-delivery order and send it', body: SynchronizeBody, ok: [200, OrderView, 'Accepted'], errors: [401, 404, 409, 422] },
    { method: 'post', path: '/v1/orders/{id}/mark-sent-manually', summary: 'The merchant places this order at the supplier by hand; any charge is returned', ok: [200, OrderView, 'Accepted'], errors: [401, 404, 409] },
    { method: 'post', path: '/v1/orders/{id}/cancel', summary: 'Cancel; any charge is returned; says whether the sales channel was told', body: CancelBody, ok: [200, CancelResult, 'Cancelled'], errors: [401, 404, 409] },
    { method: 'get', path: '/v1/wallet', summary: 'Wallet balance, reserved and available', ok: [200, Wallet, 'The wallet'], errors: [401, 403] },
    { method: 'post', path: '/v1/wallet/top-ups', summary: 'Credit the wallet once per reference; resumes orders waiting for funds', body: TopUp, ok: [201, TopUpResult, 'Credited (200 when the reference was already credited)'], errors: [400, 401, 403, 422], idempotent: true },
    { method: 'get', path: '/v1/wallet/transactions', summary: 'Ledger entries, newest first', query: PageQuery, ok: [200, TransactionList, 'A page of entries'], errors: [401, 403, 422] },
    { method: 'get', path: '/v1/products', summary: "The supplier's catalogue with wholesale price and stock, as last synced", query: ProductQuery, ok: [200, ProductList, 'A page of products'], errors: [401, 422] },
    { method: 'get', path: '/v1/settings', summary: "The merchant's settings", ok: [200, Settings, 'Settings'], errors: [401, 403] },
    { method: 'put', path: '/v1/settings/paypal', summary: 'PayPal fallback for when the wallet is short', body: PayPalSettingsBody, ok: [200, Settings, 'Saved'], errors: [400, 401, 403, 422] },
    { method: 'get', path: '/healthz', summary: 'The process is up', ok: [200, z.object({ status: z.string() }), 'Up'], auth: false },
    { method: 'get', path: '/readyz', summary: 'Postgres and Temporal are reachable', ok: [200, z.object({ status: z.string(), postgres: z.string(), temporal: z.string() }), 'Ready'], errors: [503], auth: false },
    { method: 'post', path: '/v1/orders/import', summary: 'Import orders from an Amazon order report (TSV) or an eBay orders export (CSV); one outcome per line', body: ImportBody, ok: [200, ImportResult, 'Per line: created, already present, or rejected with the reason'], errors: [400, 401, 403, 413, 422] },
    { method: 'post', path: '/v1/channels', summary: `Connect a ${salesChannels.map((c) => c.label).join(' or ')} shop; answers the webhook URL to paste into the shop`, body: CreateChannel, ok: [201, ChannelView, 'Connected (credentials are stored encrypted and never returned)'], errors: [400, 401, 403, 422, 503], idempotent: true },
    { method: 'get', path: '/v1/channels', summary: "The merchant's shop connections", ok: [200, z.object({ items: z.array(ChannelView) }), 'Connections'], errors: [401, 403] },
    { method: 'get', path: '/v1/channels/{id}', summary: 'One shop connection', ok: [200, ChannelView, 'The connection'], errors: [401, 404] },
    { method: 'delete', path: '/v1/channels/{id}', summary: 'Disconnect a shop (its webhooks are refused from then on)', ok: [204, z.null(), 'Disconnected'], errors: [401, 403, 404] },
    { method: 'put', path: '/v1/channels/{id}/webhook-secret', summary: "Rotate the shop's webhook secret; the previous one stays valid for WEBHOOK_SECRET_GRACE", body: RotateSecret, ok: [200, ChannelView, 'Rotated'], errors: [400, 401, 403, 404, 422] },
    { method: 'get', path: '/v1/channels/{id}/deliveries', summary: 'Webhook deliveries received, incl. those that could not be mapped (outcome=unmapped) with the reason and payload', query: DeliveryQuery, ok: [200, z.object({ items: z.array(z.unknown()) }), 'Deliveries, newest first'], errors: [401, 404, 422] },
    ...salesChannels.map(({ type, label, webhook }): Spec => ({ method: 'post', path: `/webhooks/${type}/{id}`, summary: `${label} order webhooks (${webhook.topics.join(', ')}), signed with ${webhook.signatureHeader}`, ok: [200, z.object({ received: z.boolean() }), 'Accepted (also for a repeated delivery)'], errors: [401, 404], auth: false })),
  ];

  for (const s of specs) {
    const responses: Record<string, ResponseConfig> = { [s.ok[0]]: { description: s.ok[2], ...json(s.ok[1]) } };
    for (const code of s.errors ?? []) responses[code] = { description: errorDescriptions[code] ?? 'Error', ...json(ErrorResponse) };
    registry.registerPath({
      method: s.method,
      path: s.path,
      summary: s.summary,
      ...(s.auth === false ? {} : { security: [{ [bearer.name]: [] }] }),
      request: {
        ...(s.path.includes('{id}') ? { params: idParam } : {}),
        ...(s.query ? { query: s.query } : {}),
        ...(s.idempotent ? { headers: z.object({ 'Idempotency-Key': z.string().optional().meta({ description: 'Repeat the request safely' }) }) } : {}),
        ...(s.body ? { body: { content: { 'application/json': { schema: s.body } } } } : {}),
      },
      responses,
    });
  }

  return new OpenApiGeneratorV31(registry.definitions).generateDocument({
    openapi: '3.1.0',
    info: {
      title: 'Dropshipping order orchestration API',
      version: '1.0.0',
      description: 'Amounts are integers in minor units beside an ISO 4217 currency. Errors: {"error": {"code", "message", "details"}}.',
    },
    servers: [{ url: '/' }],
  });
}
