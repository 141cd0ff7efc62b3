import { Router } from 'express';
import { z } from 'zod';
import { createApiKey, getApiKey, listApiKeys, revokeApiKey, type ApiKeyView as StoredKey } from '../../db/api-keys.js';
import { recordAudit } from '../../db/audit.js';
import { getMerchant } from '../../db/merchants.js';
import { inTransaction, type Db } from '../../db/pool.js';
import { merchantOf, principalOf, requireOperator, requireRoot, ROOT_OPERATOR } from '../auth.js';
import { HttpError, notFound } from '../errors.js';
import { idempotent } from '../idempotency.js';
import { withSecretReplay } from '../secret-fields.js';
import { parseBody } from '../validation.js';
import type { Spec } from '../openapi-spec.js';

export const ApiKeyView = z
  .object({
    id: z.string(),
    kind: z.enum(['merchant', 'operator']),
    merchantId: z.string().nullable(),
    operatorName: z.string().nullable(),
    label: z.string(),
    display: z.string().meta({ description: 'The key masked: its first and last characters', example: 'mk_Zx3f…Q9aB' }),
    createdAt: z.string(),
    createdBy: z.string(),
    lastUsedAt: z.string().nullable().meta({ description: 'Updated at most once a minute' }),
    revokedAt: z.string().nullable(),
    revokedBy: z.string().nullable(),
  })
  .meta({ id: 'ApiKey' });
export const ApiKeyCreated = withSecretReplay(
  ApiKeyView.extend({
    apiKey: z.string().meta({ secret: true, description: 'Shown once; only its hash is stored (masked in a replay)' }),
  }),
).meta({ id: 'ApiKeyCreated' });
export const ApiKeyList = z.object({ items: z.array(ApiKeyView) }).meta({ id: 'ApiKeyList' });

const label = z.string().trim().min(1).max(100);
export const CreateApiKey = z.object({ label: label.optional() }).strict().meta({ id: 'CreateApiKey' });
export const CreateOperatorKey = z
  .object({
    name: z
      .string()
      .trim()
      .max(63)
      .regex(/^[\p{L}\p{N}][\p{L}\p{N} ._@-]{0,62}$/u, 'a name of 1-63 letters, digits, spaces and . _ @ -')
      .refine((n) => n.toLowerCase() !== ROOT_OPERATOR, '"root" is the configured root key'),
    label: label.optional(),
  })
  .strict()
  .meta({ id: 'CreateOperatorKey' });

/**
 * API keys people can manage. A merchant creates (shown once), lists (masked, with last use) and revokes its own;
 * an operator lists, issues and revokes any merchant's; the root key manages the named operator keys.
 * Operators' key actions are audited.
 */
export function apiKeyRoutes(db: Db): Router {
  const router = Router();

  const creatorOf = (req: Parameters<typeof principalOf>[0]): string => {
    const p = principalOf(req);
    return p.kind === 'merchant' ? `merchant key ${p.keyId}` : `operator ${p.operator}`;
  };

  // A merchant's own keys.
  router.post('/v1/api-keys', idempotent(db, { answer: ApiKeyCreated }), async (req, res) => {
    const merchantId = merchantOf(req);
    const body = parseBody(CreateApiKey, req);
    res.status(201).json(
      await createApiKey(db, {
        kind: 'merchant',
        merchantId,
        label: body.label ?? 'API key',
        createdBy: creatorOf(req),
      }),
    );
  });

  router.get('/v1/api-keys', async (req, res) => {
    res.json({ items: await listApiKeys(db, { merchantId: merchantOf(req) }) });
  });

  router.delete('/v1/api-keys/:id', async (req, res) => {
    const merchantId = merchantOf(req);
    const key = await getApiKey(db, String(req.params.id));
    if (!key || key.merchantId !== merchantId) throw notFound('API key');
    res.json(await revokeApiKey(db, key.id, creatorOf(req)));
  });

  // Any merchant's keys, for operators.
  const requireMerchant = async (id: string): Promise<void> => {
    if (!(await getMerchant(db, id))) throw notFound('Merchant');
  };

  router.get('/v1/merchants/:id/api-keys', async (req, res) => {
    requireOperator(req);
    await requireMerchant(String(req.params.id));
    res.json({ items: await listApiKeys(db, { merchantId: String(req.params.id) }) });
  });

  router.post('/v1/merchants/:id/api-keys', idempotent(db, { answer: ApiKeyCreated }), async (req, res) => {
    const by = requireOperator(req);
    const merchantId = String(req.params.id);
    await requireMerchant(merchantId);
    const body = parseBody(CreateApiKey, req);
    const created = await inTransaction(db, async (client) => {
      const key = await createApiKey(client, {
        kind: 'merchant',
        merchantId,
        label: body.label ?? 'issued by an operator',
        createdBy: `operator ${by.name}`,
      });
      await recordAudit(client, {
        actor: by,
        action: 'api_key.create',
        merchantId,
        target: key.id,
        details: { label: key.label },
        key: `api_key.create:${key.id}`,
      });
      return key;
    });
    res.status(201).json(created);
  });

  router.delete('/v1/merchants/:id/api-keys/:keyId', async (req, res) => {
    const by = requireOperator(req);
    const merchantId = String(req.params.id);
    const key = await getApiKey(db, String(req.params.keyId));
    if (!key || key.merchantId !== merchantId) throw notFound('API key');
    res.json(await revokeAudited(db, key, by));
  });

  // Named operator keys, managed with the root key.
  router.post('/v1/operator-keys', idempotent(db, { answer: ApiKeyCreated }), async (req, res) => {
    const by = requireRoot(req);
    const body = parseBody(CreateOperatorKey, req);
    const created = await inTransaction(db, async (client) => {
      const key = await createApiKey(client, {
        kind: 'operator',
        operatorName: body.name,
        label: body.label ?? body.name,
        createdBy: `operator ${by.name}`,
      });
      await recordAudit(client, {
        actor: by,
        action: 'operator_key.create',
        target: key.id,
        details: { operator: body.name, label: key.label },
        key: `operator_key.create:${key.id}`,
      });
      return key;
    });
    res.status(201).json(created);
  });

  router.get('/v1/operator-keys', async (req, res) => {
    requireRoot(req);
    res.json({ items: await listApiKeys(db, { operators: true }) });
  });

  router.delete('/v1/operator-keys/:id', async (req, res) => {
    const by = requireRoot(req);
    const key = await getApiKey(db, String(req.params.id));
    if (!key || key.kind !== 'operator') throw notFound('Operator key');
    res.json(await revokeAudited(db, key, by));
  });

  return router;
}

async function revokeAudited(db: Db, key: StoredKey, by: { name: string; keyId: string }): Promise<StoredKey> {
  if (key.revokedAt) return key;
  return inTransaction(db, async (client) => {
    const revoked = await revokeApiKey(client, key.id, `operator ${by.name}`);
    if (!revoked) throw new HttpError(404, 'NOT_FOUND', 'API key not found');
    await recordAudit(client, {
      actor: by,
      action: key.kind === 'operator' ? 'operator_key.revoke' : 'api_key.revoke',
      merchantId: key.merchantId,
      target: key.id,
      details: key.operatorName ? { operator: key.operatorName } : { label: key.label },
      key: `${key.kind === 'operator' ? 'operator_key' : 'api_key'}.revoke:${key.id}`,
    });
    return revoked;
  });
}

/** The rows of /openapi.json these routes serve. */
export const apiKeySpecs: Spec[] = [
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
];
