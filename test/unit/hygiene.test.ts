import { describe, expect, it } from 'vitest';
import { findUnsafeString, storableCopy, stringProblem } from '../../api/hygiene.js';
import { buildOpenApi, platformSpecs } from '../../api/openapi.js';
import { salesChannels } from '../../channels/registry.js';

describe('strings the platform refuses', () => {
  it('finds a NUL, a lone surrogate (high or low) and an over-long string, naming the path', () => {
    expect(findUnsafeString({ customer: { name: 'a\u0000b' } })).toEqual({
      path: 'customer.name',
      problem: expect.stringContaining('NUL'),
    });
    expect(findUnsafeString({ items: [{ sku: 'ok' }, { sku: 'x\ud800' }] })?.path).toBe('items.1.sku');
    expect(findUnsafeString({ a: '\udc00y' })?.problem).toMatch(/surrogate/);
    expect(findUnsafeString({ a: '\udc00\ud800' })?.problem).toMatch(/surrogate/);
    expect(findUnsafeString({ a: 'x'.repeat(100_001) })?.problem).toMatch(/at most 100000/);
    expect(findUnsafeString({ ['k\u0000']: 1 })?.path).toBe('(key)');
  });

  it('lets real Unicode through: emoji (surrogate pairs), accents, right-to-left, long but bounded text', () => {
    expect(findUnsafeString({ name: 'Zoë 👩‍👩‍👧‍👦 مرحبا', line1: 'x'.repeat(100_000) })).toBeNull();
    expect(stringProblem('😀')).toBeNull();
  });

  it('escapes what PostgreSQL cannot store, keeping it readable', () => {
    expect(storableCopy({ a: 'x\u0000y', b: ['\ud800'], ['k\u0000']: 1 })).toEqual({
      a: 'x\\u0000y',
      b: ['\\ud800'],
      'k\\u0000': 1,
    });
    expect(findUnsafeString(storableCopy({ a: 'x\u0000\udfff' }))).toBeNull();
  });
});

describe('request schemas (as served in /openapi.json)', () => {
  it('give every string a maximum length, in bodies, query strings, path parameters and headers', () => {
    const doc = buildOpenApi(platformSpecs(salesChannels)) as {
      paths: Record<string, Record<string, any>>;
      components: { schemas: Record<string, any> };
    };
    const unbounded: string[] = [];
    const visit = (schema: any, where: string, seen: Set<unknown>): void => {
      if (!schema || typeof schema !== 'object' || seen.has(schema)) return;
      seen.add(schema);
      if (typeof schema.$ref === 'string')
        return visit(doc.components.schemas[schema.$ref.split('/').pop()], where, seen);
      if (schema.type === 'string' && schema.maxLength === undefined && !schema.enum && schema.const === undefined)
        unbounded.push(where);
      for (const [k, v] of Object.entries(schema.properties ?? {})) visit(v, `${where}.${k}`, seen);
      for (const key of ['items', 'additionalProperties'])
        if (typeof schema[key] === 'object') visit(schema[key], `${where}[]`, seen);
      for (const key of ['oneOf', 'anyOf', 'allOf']) for (const s of schema[key] ?? []) visit(s, where, seen);
    };
    for (const [path, item] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(item)) {
        for (const p of op.parameters ?? [])
          visit(p.schema, `${method.toUpperCase()} ${path} ${p.in}.${p.name}`, new Set());
        visit(op.requestBody?.content?.['application/json']?.schema, `${method.toUpperCase()} ${path} body`, new Set());
      }
    }
    expect(unbounded).toEqual([]);
  });
});
