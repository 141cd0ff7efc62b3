import { OpenAPIRegistry, OpenApiGeneratorV31, type ResponseConfig } from '@asteasolutions/zod-to-openapi';
import { z } from 'zod';
import { actionNames, orderActions } from '../domain/order-actions.js';
import { NewOrder, OrderView } from '../domain/order.js';
import {
  BulkResend,
  BulkResendResult,
  CreateMerchant,
  ErrorResponse,
  MerchantCreated,
  OrderEvent,
  OrderList,
  OrderListQuery,
  PageQuery,
  ProductList,
  ProductQuery,
} from './schemas.js';
import { salesChannels } from '../channels/registry.js';
import { ChannelView, CreateChannel, DeliveryQuery, RotateSecret } from './routes/channels.js';
import { ImportBody, ImportResult } from './routes/import.js';
import { ApiKeyCreated, ApiKeyList, ApiKeyView, CreateApiKey, CreateOperatorKey } from './routes/api-keys.js';
import {
  Adjustment,
  AdjustmentResult,
  AuditList,
  AuditQuery,
  ConfirmTopUp,
  FinanceTopUpQuery,
  RejectTopUp,
} from './routes/finance.js';
import { PayPalSwitch, Settings } from './routes/settings.js';
import { CompletePayPalLink, PayPalLinkStarted, StartPayPalLink } from './routes/paypal-link.js';
import { StartTopUp, TopUpList, TopUpQuery, TransactionList, Wallet } from './routes/wallet.js';
import { TopUpView } from '../domain/top-up.js';

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
  /** Path parameters other than a lone {id}. */
  params?: z.ZodObject;
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

/** The merchant actions' rows, from their registry entries. */
function actionSpecs(): Spec[] {
  return actionNames.flatMap((name) => {
    const { rest, body } = orderActions[name];
    if (!rest) return [];
    const takesArguments = !(body instanceof z.ZodObject) || Object.keys(body.shape).length > 0;
    return [
      {
        method: rest.method,
        path: rest.path,
        summary: rest.summary,
        ...(takesArguments ? { body } : {}),
        ok: [200, rest.answer?.schema ?? OrderView, 'The order as it stands once the action was accepted'],
        errors: [400, 401, 403, 404, 409, 422, 503],
        idempotent: true,
      },
    ];
  });
}

const json = (schema: z.ZodType) => ({ content: { 'application/json': { schema } } });

/** The served OpenAPI document, generated from the same zod schemas that validate requests. */
export function buildOpenApi(): object {
  const registry = new OpenAPIRegistry();
  const bearer = registry.registerComponent('securitySchemes', 'apiKey', { type: 'http', scheme: 'bearer' });
  const idParam = z.object({ id: z.string().max(64).meta({ example: 'ord_3f1c…' }) });

  const specs: Spec[] = [
    {
      method: 'post',
      path: '/v1/merchants',
      summary: 'Create a merchant (operator key); the API key is shown once',
      body: CreateMerchant,
      ok: [201, MerchantCreated, 'Created'],
      errors: [400, 401, 403, 422],
      idempotent: true,
    },
    {
      method: 'post',
      path: '/v1/orders',
      summary:
        'Enter an order (manual entry; the shape every connector maps to). The same (channel, externalId) again answers 200 with the existing order',
      body: NewOrder,
      ok: [201, OrderView, 'Created (200 when it already existed)'],
      errors: [400, 401, 403, 413, 422],
      idempotent: true,
    },
    {
      method: 'get',
      path: '/v1/orders',
      summary: 'List orders, newest first',
      query: OrderListQuery,
      ok: [200, OrderList, 'A page of orders'],
      errors: [401, 422],
    },
    {
      method: 'post',
      path: '/v1/orders/bulk/resend',
      summary: 'Resend every order matching a filter',
      body: BulkResend,
      ok: [200, BulkResendResult, 'How many were resent, which were refused and why'],
      errors: [400, 401, 403, 422],
    },
    {
      method: 'get',
      path: '/v1/orders/{id}',
      summary: 'Get an order',
      ok: [200, OrderView, 'The order'],
      errors: [401, 404],
    },
    {
      method: 'get',
      path: '/v1/orders/{id}/events',
      summary: "The order's timeline, oldest first",
      ok: [200, z.array(OrderEvent), 'Every state change, charge, refund, submission and message'],
      errors: [401, 404],
    },
    ...actionSpecs(),
    {
      method: 'get',
      path: '/v1/wallet',
      summary: 'Wallet balance, reserved and available',
      ok: [200, Wallet, 'The wallet'],
      errors: [401, 403],
    },
    {
      method: 'get',
      path: '/v1/wallet/transactions',
      summary:
        'Ledger entries, newest first: each credit with its kind (top_up, adjustment, refund…) and topUpId; legacy top-ups (credited by the withdrawn merchant call) are marked `legacy`',
      query: PageQuery,
      ok: [200, TransactionList, 'A page of entries'],
      errors: [401, 403, 422],
    },
    {
      method: 'post',
      path: '/v1/wallet/top-ups',
      summary:
        'Start a top-up: paypal charges the linked PayPal (credited when the capture completes); bank_transfer answers the bank details and a payment reference (credited once the finance desk confirms). Replaces the withdrawn {amount, currency, reference} call, which now answers 422',
      body: StartTopUp,
      ok: [201, TopUpView, 'Started (200 when the Idempotency-Key already started it)'],
      errors: [400, 401, 403, 409, 422],
      idempotent: true,
    },
    {
      method: 'get',
      path: '/v1/wallet/top-ups',
      summary: "The merchant's top-ups, newest first",
      query: TopUpQuery,
      ok: [200, TopUpList, 'A page of top-ups'],
      errors: [401, 403, 422],
    },
    {
      method: 'get',
      path: '/v1/wallet/top-ups/{id}',
      summary: 'One top-up: PENDING → COMPLETED | FAILED | REJECTED | EXPIRED',
      ok: [200, TopUpView, 'The top-up'],
      errors: [401, 403, 404],
    },
    {
      method: 'get',
      path: '/v1/finance/top-ups',
      summary:
        'Finance desk (operator key): top-ups across merchants, by default the pending bank transfers, oldest first; filter by payment reference',
      query: FinanceTopUpQuery,
      ok: [200, TopUpList, 'A page of top-ups'],
      errors: [401, 403, 422],
    },
    {
      method: 'get',
      path: '/v1/finance/top-ups/{id}',
      summary: 'Finance desk: one top-up, with the names of the operators who acted on it',
      ok: [200, TopUpView, 'The top-up'],
      errors: [401, 403, 404],
    },
    {
      method: 'post',
      path: '/v1/finance/top-ups/{id}/confirm',
      summary:
        'Finance desk (named operator key): the transfer arrived; credits the amount received, once however often it is called; audited',
      body: ConfirmTopUp,
      ok: [200, TopUpView, 'Credited (COMPLETED)'],
      errors: [400, 401, 403, 404, 409, 422, 503],
      idempotent: true,
    },
    {
      method: 'post',
      path: '/v1/finance/top-ups/{id}/reject',
      summary: 'Finance desk (named operator key): refuse a transfer top-up; nothing is credited; audited',
      body: RejectTopUp,
      ok: [200, TopUpView, 'REJECTED'],
      errors: [400, 401, 403, 404, 409, 422, 503],
      idempotent: true,
    },
    {
      method: 'post',
      path: '/v1/finance/adjustments',
      summary:
        "Finance desk (named operator key): a signed correction of a merchant's wallet, reason required, never below what is available; audited",
      body: Adjustment,
      ok: [201, AdjustmentResult, 'Adjusted (200 when this Idempotency-Key already did)'],
      errors: [400, 401, 403, 404, 409, 422],
      idempotent: true,
    },
    {
      method: 'get',
      path: '/v1/audit',
      summary: 'Audit log (operator key): who did what to whose money and keys, when and why; newest first',
      query: AuditQuery,
      ok: [200, AuditList, 'A page of entries'],
      errors: [401, 403, 422],
    },
    {
      method: 'post',
      path: '/v1/api-keys',
      summary: 'Create another API key for this merchant (shown once)',
      body: CreateApiKey,
      ok: [201, ApiKeyCreated, 'Created'],
      errors: [400, 401, 403, 422],
      idempotent: true,
    },
    {
      method: 'get',
      path: '/v1/api-keys',
      summary: "This merchant's API keys, masked, with when each was last used",
      ok: [200, ApiKeyList, 'Keys'],
      errors: [401, 403],
    },
    {
      method: 'delete',
      path: '/v1/api-keys/{id}',
      summary: "Revoke one of this merchant's keys: refused (401) from the next request on",
      ok: [200, ApiKeyView, 'Revoked'],
      errors: [401, 403, 404],
    },
    {
      method: 'get',
      path: '/v1/merchants/{id}/api-keys',
      summary: "Operator: a merchant's API keys, masked",
      ok: [200, ApiKeyList, 'Keys'],
      errors: [401, 403, 404],
    },
    {
      method: 'post',
      path: '/v1/merchants/{id}/api-keys',
      summary: 'Operator: issue a new key to a merchant (shown once); audited',
      body: CreateApiKey,
      ok: [201, ApiKeyCreated, 'Created'],
      errors: [400, 401, 403, 404, 422],
      idempotent: true,
    },
    {
      method: 'delete',
      path: '/v1/merchants/{id}/api-keys/{keyId}',
      summary: "Operator: revoke any merchant's key; audited",
      params: z.object({ id: z.string().max(64), keyId: z.string().max(64) }),
      ok: [200, ApiKeyView, 'Revoked'],
      errors: [401, 403, 404],
    },
    {
      method: 'post',
      path: '/v1/operator-keys',
      summary:
        'Root key: create a named operator key (shown once); money actions need one, so that the audit log names the operator',
      body: CreateOperatorKey,
      ok: [201, ApiKeyCreated, 'Created'],
      errors: [400, 401, 403, 422],
      idempotent: true,
    },
    {
      method: 'get',
      path: '/v1/operator-keys',
      summary: 'Root key: the named operator keys, masked',
      ok: [200, ApiKeyList, 'Keys'],
      errors: [401, 403],
    },
    {
      method: 'delete',
      path: '/v1/operator-keys/{id}',
      summary: 'Root key: revoke an operator key; audited',
      ok: [200, ApiKeyView, 'Revoked'],
      errors: [401, 403, 404],
    },
    {
      method: 'get',
      path: '/v1/products',
      summary: "The supplier's catalogue with wholesale price and stock, as last synced",
      query: ProductQuery,
      ok: [200, ProductList, 'A page of products'],
      errors: [401, 422],
    },
    {
      method: 'get',
      path: '/v1/settings',
      summary: "The merchant's settings; the linked PayPal shown masked",
      ok: [200, Settings, 'Settings'],
      errors: [401, 403],
    },
    {
      method: 'put',
      path: '/v1/settings/paypal',
      summary:
        'Switch the PayPal fallback for when the wallet is short (PayPal must be linked; a vaultId is refused with 422)',
      body: PayPalSwitch,
      ok: [200, Settings, 'Saved'],
      errors: [400, 401, 403, 409, 422],
    },
    {
      method: 'post',
      path: '/v1/settings/paypal/link',
      summary:
        "Link PayPal through PayPal's vault: answers PayPal's approval URL for the merchant's browser; PayPal sends it back to /v1/settings/paypal/link/return. A vaultId in the body is refused (422)",
      body: StartPayPalLink,
      ok: [201, PayPalLinkStarted, 'Started'],
      errors: [400, 401, 403, 422, 503],
      idempotent: true,
    },
    {
      method: 'get',
      path: '/v1/settings/paypal/link/return',
      summary:
        "Where PayPal sends the merchant's browser back (no API key: the setup token id PayPal appends names the link); answers a small page, or JSON when asked, saying linked or cancelled",
      query: z.object({ approval_token_id: z.string().max(64), cancelled: z.literal('true').optional() }),
      ok: [200, z.object({ outcome: z.string(), message: z.string() }), 'Linked or cancelled'],
      errors: [404, 409, 503],
      auth: false,
    },
    {
      method: 'post',
      path: '/v1/settings/paypal/link/complete',
      summary: 'For scripts: finish the latest link (or the one named) once the merchant approved at PayPal',
      body: CompletePayPalLink,
      ok: [200, Settings, 'Linked'],
      errors: [400, 401, 403, 404, 409, 422, 503],
    },
    {
      method: 'delete',
      path: '/v1/settings/paypal/link',
      summary: 'Unlink PayPal: the saved account is deleted at PayPal; orders needing PayPal then wait for funds',
      ok: [200, Settings, 'Unlinked'],
      errors: [401, 403, 503],
    },
    {
      method: 'get',
      path: '/healthz',
      summary: 'The process is up',
      ok: [200, z.object({ status: z.string() }), 'Up'],
      auth: false,
    },
    {
      method: 'get',
      path: '/readyz',
      summary: 'Postgres and Temporal are reachable and the catalogue was synced at least once',
      ok: [
        200,
        z.object({ status: z.string(), postgres: z.string(), temporal: z.string(), catalog: z.string() }),
        'Ready',
      ],
      errors: [503],
      auth: false,
    },
    {
      method: 'post',
      path: '/v1/orders/import',
      summary: 'Import orders from an Amazon order report (TSV) or an eBay orders export (CSV); one outcome per line',
      body: ImportBody,
      ok: [200, ImportResult, 'Per line: created, already present, or rejected with the reason'],
      errors: [400, 401, 403, 413, 422],
    },
    {
      method: 'post',
      path: '/v1/channels',
      summary: `Connect a ${salesChannels.map((c) => c.label).join(' or ')} shop; answers the webhook URL to paste into the shop`,
      body: CreateChannel,
      ok: [201, ChannelView, 'Connected (credentials are stored encrypted and never returned)'],
      errors: [400, 401, 403, 422, 503],
      idempotent: true,
    },
    {
      method: 'get',
      path: '/v1/channels',
      summary: "The merchant's shop connections",
      ok: [200, z.object({ items: z.array(ChannelView) }), 'Connections'],
      errors: [401, 403],
    },
    {
      method: 'get',
      path: '/v1/channels/{id}',
      summary: 'One shop connection',
      ok: [200, ChannelView, 'The connection'],
      errors: [401, 404],
    },
    {
      method: 'delete',
      path: '/v1/channels/{id}',
      summary: 'Disconnect a shop (its webhooks are refused from then on)',
      ok: [204, z.null(), 'Disconnected'],
      errors: [401, 403, 404],
    },
    {
      method: 'put',
      path: '/v1/channels/{id}/webhook-secret',
      summary: "Rotate the shop's webhook secret; the previous one stays valid for WEBHOOK_SECRET_GRACE",
      body: RotateSecret,
      ok: [200, ChannelView, 'Rotated'],
      errors: [400, 401, 403, 404, 422],
    },
    {
      method: 'get',
      path: '/v1/channels/{id}/deliveries',
      summary:
        'Webhook deliveries received, incl. those that could not be mapped (outcome=unmapped) with the reason and payload',
      query: DeliveryQuery,
      ok: [200, z.object({ items: z.array(z.unknown()) }), 'Deliveries, newest first'],
      errors: [401, 404, 422],
    },
    ...salesChannels.map(({ type, label, webhook }): Spec => ({
      method: 'post',
      path: `/webhooks/${type}/{id}`,
      summary: `${label} order webhooks (${webhook.topics.join(', ')}), signed with ${webhook.signatureHeader}`,
      ok: [200, z.object({ received: z.boolean() }), 'Accepted (also for a repeated delivery)'],
      errors: [401, 404],
      auth: false,
    })),
  ];

  for (const s of specs) {
    const responses: Record<string, ResponseConfig> = { [s.ok[0]]: { description: s.ok[2], ...json(s.ok[1]) } };
    for (const code of s.errors ?? [])
      responses[code] = { description: errorDescriptions[code] ?? 'Error', ...json(ErrorResponse) };
    registry.registerPath({
      method: s.method,
      path: s.path,
      summary: s.summary,
      ...(s.auth === false ? {} : { security: [{ [bearer.name]: [] }] }),
      request: {
        ...(s.params ? { params: s.params } : s.path.includes('{id}') ? { params: idParam } : {}),
        ...(s.query ? { query: s.query } : {}),
        ...(s.idempotent
          ? {
              headers: z.object({
                'Idempotency-Key': z.string().max(255).optional().meta({
                  description:
                    'Repeat the request safely: the same key answers the first outcome again (header Idempotent-Replayed: true) for IDEMPOTENCY_TTL (24 h). A secret in the first answer (a new API key) is shown only there: the replay has it masked and lists it in `secretsShownOnce`',
                }),
              }),
            }
          : {}),
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
      description:
        'Amounts are integers in minor units beside an ISO 4217 currency. Errors: {"error": {"code", "message", "details"}}.',
    },
    servers: [{ url: '/' }],
  });
}
