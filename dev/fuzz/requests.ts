import fc from 'fast-check';
import { salesChannels } from '../../channels/registry.js';
import type { SalesChannel } from '../../channels/sales-channel.js';
import { hostileString, mutated, validFor, type JsonSchema } from './arbitraries.js';

/**
 * Requests generated from the served OpenAPI document — every operation, with valid and hostile path ids, query
 * strings, bodies and keys — plus shop webhooks signed with the connection's real secret and import files (Amazon
 * TSV, eBay CSV) with hostile cells.
 */
export interface FuzzRequest {
  /** The operation, e.g. `POST /v1/orders/{id}/cancel`, `webhook <channel type>`, `import amazon`. */
  op: string;
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: string;
}

export interface FuzzTargets {
  doc: JsonSchema;
  operatorKey: string;
  /** A named operator's key: the finance desk's money actions refuse the root key. */
  financeKey: string;
  merchantKeys: string[];
  orderIds: string[];
  channelIds: string[];
  /**
   * A shop connection of each registered sales channel to deliver webhooks to, with a paid order's payload as its
   * shop sends it; `secret` follows rotations made by the fuzzer itself.
   */
  webhooks: { type: string; id: string; secret: string; payload: unknown }[];
  importFiles: { amazon: string; ebay: string };
}

/** Percent-encodes any JS string, lone surrogates included (as the WTF-8 bytes a hostile client would send). */
export function percentEncode(s: string): string {
  let out = '';
  for (const ch of s) {
    const code = ch.codePointAt(0) ?? 0;
    if (code >= 0xd800 && code <= 0xdfff)
      out +=
        `%${(0xe0 | (code >> 12)).toString(16)}%${(0x80 | ((code >> 6) & 0x3f)).toString(16)}%${(0x80 | (code & 0x3f)).toString(16)}`.toUpperCase();
    else out += encodeURIComponent(ch);
  }
  return out;
}

/** Header values must be bytes a client can send: hostile, but printable ASCII (fetch itself refuses the rest). */
const headerSafe = (s: string): string => s.replace(/[^\x20-\x7e]/g, '?').slice(0, 4000);

const hostileId = hostileString.map(percentEncode);

function idFor(path: string, t: FuzzTargets): fc.Arbitrary<string> {
  const known = path.startsWith('/v1/channels') ? t.channelIds : t.orderIds;
  const shaped = path.startsWith('/v1/channels')
    ? fc.stringMatching(/^chc_[A-Za-z0-9_-]{12}$/)
    : fc.stringMatching(/^ord_[0-9a-f]{24}$/);
  return fc.oneof(
    { weight: 6, arbitrary: known.length > 0 ? fc.constantFrom(...known) : shaped },
    { weight: 2, arbitrary: shaped },
    { weight: 3, arbitrary: hostileId },
  );
}

function auth(t: FuzzTargets): fc.Arbitrary<Record<string, string>> {
  return fc.oneof(
    { weight: 8, arbitrary: fc.constantFrom(...t.merchantKeys).map((k) => ({ authorization: `Bearer ${k}` })) },
    { weight: 1, arbitrary: fc.constant({ authorization: `Bearer ${t.operatorKey}` }) },
    { weight: 1, arbitrary: fc.constant({ authorization: `Bearer ${t.financeKey}` }) },
    { weight: 1, arbitrary: fc.constant({}) },
    { weight: 1, arbitrary: hostileString.map((s) => ({ authorization: headerSafe(`Bearer ${s}`) })) },
    { weight: 1, arbitrary: hostileString.map((s) => ({ authorization: headerSafe(s) })) },
  );
}

const idempotencyKey: fc.Arbitrary<Record<string, string>> = fc.oneof(
  { weight: 4, arbitrary: fc.constant({}) },
  {
    weight: 2,
    arbitrary: fc.constantFrom('fuzz-key-1', 'fuzz-key-2', 'fuzz-key-3').map((k) => ({ 'idempotency-key': k })),
  },
  { weight: 1, arbitrary: hostileString.map((s) => ({ 'idempotency-key': headerSafe(s) || 'x' })) },
);

/** A JSON body for a schema: usually a mutation of a valid one, sometimes not JSON at all or far too big. */
function bodyFor(
  schema: JsonSchema | undefined,
  doc: JsonSchema,
): fc.Arbitrary<{ body?: string; headers: Record<string, string> }> {
  const json = (schema ? mutated(validFor(schema, doc)) : fc.oneof(fc.constant({}), fc.jsonValue({ maxDepth: 2 }))).map(
    (v) => ({
      body: JSON.stringify(v),
      headers: { 'content-type': 'application/json' },
    }),
  );
  return fc.oneof(
    { weight: 12, arbitrary: json },
    { weight: 1, arbitrary: fc.constant({ headers: {} }) },
    {
      weight: 1,
      arbitrary: fc
        .constantFrom('{', '{"a":', 'null', '"\\u0000"', '[1,2', '\u0000', '{"a":"\\ud800"}')
        .map((body) => ({ body, headers: { 'content-type': 'application/json' } })),
    },
    {
      weight: 1,
      arbitrary: fc.constant({
        body: JSON.stringify({ pad: 'x'.repeat(300_000) }),
        headers: { 'content-type': 'application/json' },
      }),
    },
    { weight: 1, arbitrary: hostileString.map((body) => ({ body, headers: { 'content-type': 'text/plain' } })) },
  );
}

interface Operation {
  method: string;
  path: string;
  secured: boolean;
  idempotent: boolean;
  query: { name: string; schema: JsonSchema }[];
  body?: JsonSchema;
}

export function operations(doc: JsonSchema): Operation[] {
  const ops: Operation[] = [];
  for (const [path, item] of Object.entries(doc.paths as Record<string, Record<string, JsonSchema>>)) {
    if (path.startsWith('/webhooks/')) continue;
    for (const [method, op] of Object.entries(item)) {
      const params = (op.parameters ?? []) as { in: string; name: string; schema: JsonSchema }[];
      const content = (op.requestBody as { content?: Record<string, { schema: JsonSchema }> } | undefined)?.content;
      ops.push({
        method: method.toUpperCase(),
        path,
        secured: Array.isArray(op.security),
        idempotent: params.some((p) => p.in === 'header' && p.name === 'Idempotency-Key'),
        query: params.filter((p) => p.in === 'query').map((p) => ({ name: p.name, schema: p.schema })),
        ...(content?.['application/json'] ? { body: content['application/json'].schema } : {}),
      });
    }
  }
  return ops;
}

function apiRequest(op: Operation, t: FuzzTargets): fc.Arbitrary<FuzzRequest> {
  const queryValue = (schema: JsonSchema): fc.Arbitrary<string> =>
    fc.oneof(
      { weight: 3, arbitrary: validFor(schema, t.doc).map((v) => (typeof v === 'string' ? v : JSON.stringify(v))) },
      { weight: 1, arbitrary: hostileString },
    );
  const query = fc
    .record(Object.fromEntries(op.query.map((q) => [q.name, queryValue(q.schema)])), { requiredKeys: [] })
    .chain((q) =>
      fc.oneof(
        { weight: 4, arbitrary: fc.constant(q) },
        { weight: 1, arbitrary: hostileString.map((h) => ({ ...q, [h.slice(0, 20) || 'x']: h })) },
      ),
    );
  const id = op.path.includes('{id}') ? idFor(op.path, t) : fc.constant('');
  const withBody = op.method !== 'GET' && op.method !== 'DELETE';
  return fc
    .record({
      id,
      query,
      auth: op.secured ? auth(t) : fc.constant({}),
      key: op.idempotent ? idempotencyKey : fc.constant({}),
      body: withBody
        ? bodyFor(op.body, t.doc)
        : fc.constant<{ body?: string; headers: Record<string, string> }>({ headers: {} }),
    })
    .map(({ id: pathId, query: q, auth: a, key, body }) => {
      const qs = Object.entries(q)
        .map(([k, v]) => `${percentEncode(k)}=${percentEncode(String(v))}`)
        .join('&');
      return {
        op: `${op.method} ${op.path}`,
        method: op.method,
        path: `${op.path.replace('{id}', pathId)}${qs ? `?${qs}` : ''}`,
        headers: { ...a, ...key, ...body.headers },
        ...(body.body !== undefined ? { body: body.body } : {}),
      };
    });
}

/** The channel module a connection is of: it says how the shop signs, names and labels its webhooks. */
function channelOf(type: string): SalesChannel {
  const channel = salesChannels.find((c) => c.type === type);
  if (!channel) throw new Error(`fuzz: no sales channel ${type}`);
  return channel;
}

function webhookRequest(t: FuzzTargets): fc.Arbitrary<FuzzRequest> {
  return fc.constantFrom(...t.webhooks).chain((hook) =>
    fc
      .record({
        payload: mutated(fc.integer({ min: 1, max: 2 ** 40 }).map((id) => ({ ...(hook.payload as object), id }))),
        raw: fc.option(fc.oneof(hostileString, fc.constantFrom('{', 'webhook_id=12')), { freq: 8 }),
        topic: fc.oneof(
          // The topics acted on, one the platform ignores, and hostile ones.
          { weight: 5, arbitrary: fc.constantFrom(...channelOf(hook.type).webhook.topics, 'products/update') },
          { weight: 1, arbitrary: hostileString.map(headerSafe) },
        ),
        delivery: fc.option(
          fc.oneof(fc.string({ minLength: 1, maxLength: 20, unit: 'grapheme-ascii' }), hostileString.map(headerSafe)),
          { freq: 4 },
        ),
        signed: fc.integer({ min: 0, max: 9 }).map((n) => n < 8),
      })
      .map(({ payload, raw, topic, delivery, signed }) => {
        const body = raw ?? JSON.stringify(payload);
        const { webhook } = channelOf(hook.type);
        const headers: Record<string, string> = {
          [webhook.signatureHeader]: webhook.sign(body, signed ? hook.secret : 'not-the-secret'),
          [webhook.topicHeader]: topic,
          ...(delivery !== null ? { [webhook.deliveryHeader]: delivery } : {}),
        };
        return {
          op: `webhook ${hook.type}`,
          method: 'POST',
          path: `/webhooks/${hook.type}/${hook.id}`,
          headers: { 'content-type': 'application/json', ...headers },
          body,
        };
      }),
  );
}

/** An import file with some cells replaced by hostile text (and sometimes lines repeated or cut). */
function importRequest(t: FuzzTargets): fc.Arbitrary<FuzzRequest> {
  return fc
    .record({
      format: fc.constantFrom('amazon' as const, 'ebay' as const),
      edits: fc.array(fc.tuple(fc.nat(), fc.nat(), hostileString), { maxLength: 4 }),
      cut: fc.option(fc.nat(), { freq: 5 }),
      as: fc.constantFrom('file', 'json'),
      auth: auth(t),
    })
    .map(({ format, edits, cut, as, auth: a }) => {
      const sep = format === 'amazon' ? '\t' : ',';
      const lines = t.importFiles[format].split('\n').map((l) => l.split(sep));
      for (const [li, ci, text] of edits) {
        const line = lines[1 + (li % Math.max(1, lines.length - 1))];
        if (line) line[ci % Math.max(1, line.length)] = text.replaceAll(sep, ' ').replaceAll('\n', ' ');
      }
      let content = lines.map((l) => l.join(sep)).join('\n');
      if (cut !== null) content = content.slice(0, cut % (content.length + 1));
      const type = format === 'amazon' ? 'text/tab-separated-values' : 'text/csv';
      return as === 'file'
        ? {
            op: `import ${format}`,
            method: 'POST',
            path: '/v1/orders/import',
            headers: { ...a, 'content-type': type },
            body: content,
          }
        : {
            op: `import ${format}`,
            method: 'POST',
            path: '/v1/orders/import',
            headers: { ...a, 'content-type': 'application/json' },
            body: JSON.stringify({ format, content }),
          };
    });
}

const garbage: fc.Arbitrary<FuzzRequest> = fc
  .record({
    method: fc.constantFrom('GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'),
    path: fc.array(hostileId, { minLength: 1, maxLength: 4 }),
  })
  .map(({ method, path }) => ({ op: 'unknown route', method, path: `/${path.join('/')}`, headers: {} }));

/** One request of any kind, weighted towards the documented operations. */
export function anyRequest(t: FuzzTargets): fc.Arbitrary<FuzzRequest> {
  const ops = operations(t.doc).map((op) => apiRequest(op, t));
  return fc.oneof(
    { weight: 14, arbitrary: fc.oneof(...ops) },
    { weight: 3, arbitrary: webhookRequest(t) },
    { weight: 2, arbitrary: importRequest(t) },
    { weight: 1, arbitrary: garbage },
  );
}
