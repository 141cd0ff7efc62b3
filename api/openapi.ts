import { OpenAPIRegistry, OpenApiGeneratorV31, type ResponseConfig } from '@asteasolutions/zod-to-openapi';
import { z } from 'zod';
import type { SalesChannels } from '../channels/sales-channel.js';
import type { Spec } from './openapi-spec.js';
import { ErrorResponse } from './schemas.js';
import { merchantSpecs, productSpecs } from './routes/account.js';
import { orderSpecs } from './routes/orders.js';
import { carrierSpecs } from './routes/carriers.js';
import { eventSpecs } from './routes/events.js';
import { walletSpecs } from './routes/wallet.js';
import { financeSpecs } from './routes/finance.js';
import { apiKeySpecs } from './routes/api-keys.js';
import { settingsSpecs } from './routes/settings.js';
import { payPalLinkSpecs } from './routes/paypal-link.js';
import { healthSpecs } from './routes/health.js';
import { importSpecs } from './routes/import.js';
import { channelSpecs } from './routes/channels.js';
import { webhookSpecs } from './webhooks/routes.js';
import { sessionSpecs } from './routes/sessions.js';
import { userSpecs } from './routes/users.js';

const errorDescriptions: Record<number, string> = {
  400: 'Malformed JSON (`BAD_JSON`)',
  401: 'No key or an unknown key; no session, or one that ended (`SESSION_ENDED`)',
  403: "The key or the person may not do this (operator vs merchant; staff: `ROLE_FORBIDDEN`); a session's write that is not same-origin JSON (`CROSS_ORIGIN`)",
  404: 'Unknown, or belongs to another merchant',
  406: 'The client does not accept the media type this route answers',
  409: "A conflict with what stands: the order's status does not allow this (`INVALID_STATE`), an e-mail in use (`EMAIL_TAKEN`); nothing changed",
  413: 'Body over the size limit',
  422: 'Schema violation (`VALIDATION_FAILED`, `details[].path` names each field)',
  429: 'Too many requests, or too many failed sign-ins for this account or address (`RATE_LIMITED`, `Retry-After`)',
  503: 'A dependency did not answer in time',
};

/** Every route's rows, as the routers export them, in the order the document lists them. */
export function platformSpecs(channels: SalesChannels): Spec[] {
  return [
    ...sessionSpecs,
    ...userSpecs,
    ...merchantSpecs,
    ...orderSpecs,
    ...carrierSpecs,
    ...eventSpecs,
    ...walletSpecs,
    ...financeSpecs,
    ...apiKeySpecs,
    ...productSpecs,
    ...settingsSpecs,
    ...payPalLinkSpecs,
    ...healthSpecs,
    ...importSpecs,
    ...channelSpecs(channels),
    ...webhookSpecs(channels),
  ];
}

const json = (schema: z.ZodType) => ({ content: { 'application/json': { schema } } });

/** The served OpenAPI document, generated from the rows each router exports (the zod schemas that validate). */
export function buildOpenApi(specs: readonly Spec[]): object {
  const registry = new OpenAPIRegistry();
  const bearer = registry.registerComponent('securitySchemes', 'apiKey', { type: 'http', scheme: 'bearer' });
  const session = registry.registerComponent('securitySchemes', 'session', {
    type: 'apiKey',
    in: 'cookie',
    name: '__Host-session',
    description:
      "A signed-in browser (POST /v1/sessions). Its writes must carry the API's own Origin and a JSON body, else 403 CROSS_ORIGIN",
  });
  const idParam = z.object({ id: z.string().max(64).meta({ example: 'ord_3f1c…' }) });

  for (const s of specs) {
    const ok = s.ok[0] === 204 ? {} : s.media ? { content: { [s.media]: { schema: s.ok[1] } } } : json(s.ok[1]);
    const responses: Record<string, ResponseConfig> = { [s.ok[0]]: { description: s.ok[2], ...ok } };
    for (const code of s.errors ?? [])
      responses[code] = { description: errorDescriptions[code] ?? 'Error', ...json(ErrorResponse) };
    registry.registerPath({
      method: s.method,
      path: s.path,
      summary: s.summary,
      ...(s.auth === false ? {} : { security: [{ [bearer.name]: [] }, { [session.name]: [] }] }),
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
