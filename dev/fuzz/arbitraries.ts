import fc from 'fast-check';

/**
 * fast-check arbitraries for the request fuzzer: values valid for a JSON Schema (the served OpenAPI document's
 * schemas, generated from the API's zod schemas), hostile values, and mutations of valid values into hostile ones.
 * Written here because no maintained library derives arbitraries from zod 4 or OpenAPI 3.1 with fast-check 4
 * (zod-fast-check: zod 3 and fast-check < 4 only; json-schema-fast-check: fast-check 1).
 */
export type JsonSchema = Record<string, unknown>;
type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** Strings the platform must refuse or survive: NUL, lone surrogates, huge, odd Unicode, path tricks, injections. */
export const hostileString: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(
    '\u0000',
    'a\u0000b',
    '\ud800',
    'x\udc00y',
    '\ud83d',
    '..',
    '../../etc/passwd',
    '%00',
    '%2e%2e%2f',
    "'; DROP TABLE orders; --",
    '${jndi:ldap://x}',
    '<script>alert(1)</script>',
    '\u202e\u0645\u0631\u062d\u0628\u0627',
    '👩‍👩‍👧‍👦'.repeat(40),
    '\t\n\r\u000b\u000c',
    ' ',
    '',
    '0',
    '-1',
    'null',
    'true',
    '[]',
    '{}',
    'ord_000000000000000000000000',
    'chc_AAAAAAAAAAAA',
  ),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.integer({ min: 1_000, max: 120_000 }).map((n) => 'x'.repeat(n)),
  fc
    .tuple(fc.string({ maxLength: 10 }), fc.constantFrom('\u0000', '\ud800', '\udfff'))
    .map(([s, bad]) => `${s}${bad}${s}`),
);

const hostileNumber: fc.Arbitrary<number> = fc.oneof(
  fc.constantFrom(-1, 0, 1.5, -0.5, 2 ** 31, 2 ** 53, -(2 ** 53), 1e308, -1e308, Number.MAX_SAFE_INTEGER + 2, 1e-300),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.integer(),
);

/** Any wrong value: hostile strings and numbers, other types, deep nesting. */
export const hostileValue: fc.Arbitrary<Json> = fc.oneof(
  { weight: 4, arbitrary: hostileString },
  { weight: 2, arbitrary: hostileNumber },
  { weight: 1, arbitrary: fc.constantFrom<Json>(null, true, false, [], {}, [null], { '': '' }) },
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 3 }) as fc.Arbitrary<Json> },
  { weight: 1, arbitrary: fc.integer({ min: 50, max: 400 }).map((depth) => nest(depth)) },
);

function nest(depth: number): Json {
  let v: Json = 'deep';
  for (let i = 0; i < depth; i++) v = { a: v };
  return v;
}

function resolve(schema: JsonSchema, doc: JsonSchema): JsonSchema {
  const ref = schema.$ref;
  if (typeof ref !== 'string') return schema;
  const parts = ref.replace(/^#\//, '').split('/');
  let at: unknown = doc;
  for (const p of parts) at = (at as Record<string, unknown>)[p];
  return resolve(at as JsonSchema, doc);
}

function stringFor(s: JsonSchema): fc.Arbitrary<string> {
  if (typeof s.pattern === 'string') return fc.stringMatching(new RegExp(s.pattern));
  if (s.format === 'uri') return fc.webUrl({ validSchemes: ['https', 'http'] });
  if (s.format === 'email') return fc.emailAddress();
  const minLength = typeof s.minLength === 'number' ? s.minLength : 0;
  const maxLength = Math.min(typeof s.maxLength === 'number' ? s.maxLength : 40, minLength + 60);
  return fc.string({ minLength, maxLength, unit: 'grapheme' });
}

/** Values that the schema accepts (best effort: the API refusing one is fine, a 5xx is not). */
export function validFor(schemaIn: JsonSchema, doc: JsonSchema, depth = 0): fc.Arbitrary<Json> {
  const s = resolve(schemaIn, doc);
  if (depth > 8) return fc.constant(null);
  if ('const' in s) return fc.constant(s.const as Json);
  if (Array.isArray(s.enum)) return fc.constantFrom(...(s.enum as Json[]));
  for (const key of ['oneOf', 'anyOf'] as const) {
    if (Array.isArray(s[key])) return fc.oneof(...(s[key] as JsonSchema[]).map((x) => validFor(x, doc, depth + 1)));
  }
  if (Array.isArray(s.allOf)) return validFor((s.allOf as JsonSchema[])[0] ?? {}, doc, depth + 1);
  const type = Array.isArray(s.type) ? (s.type as string[]).find((t) => t !== 'null') : s.type;
  switch (type) {
    case 'string':
      return stringFor(s);
    case 'integer':
      return fc.integer({
        min: typeof s.minimum === 'number' ? s.minimum : -1_000,
        max: typeof s.maximum === 'number' ? s.maximum : 1_000_000,
      });
    case 'number':
      return fc.double({
        min: typeof s.minimum === 'number' ? s.minimum : -1e6,
        max: typeof s.maximum === 'number' ? s.maximum : 1e6,
        noNaN: true,
      });
    case 'boolean':
      return fc.boolean();
    case 'null':
      return fc.constant(null);
    case 'array': {
      const minLength = typeof s.minItems === 'number' ? s.minItems : 0;
      const maxLength = Math.min(typeof s.maxItems === 'number' ? s.maxItems : 5, minLength + 4);
      return fc.array(validFor((s.items as JsonSchema) ?? {}, doc, depth + 1), { minLength, maxLength });
    }
    case 'object': {
      const properties = (s.properties ?? {}) as Record<string, JsonSchema>;
      const required = new Set((s.required ?? []) as string[]);
      const record: Record<string, fc.Arbitrary<Json>> = {};
      for (const [k, v] of Object.entries(properties)) record[k] = validFor(v, doc, depth + 1);
      const requiredKeys = Object.keys(properties).filter((k) => required.has(k));
      return fc.record(record, { requiredKeys }) as fc.Arbitrary<Json>;
    }
    default:
      return fc.jsonValue({ maxDepth: 2 }) as fc.Arbitrary<Json>;
  }
}

/** Every path to a value inside a JSON value (the root is []). */
function paths(value: Json, at: (string | number)[] = []): (string | number)[][] {
  const found = [at];
  if (Array.isArray(value)) value.forEach((v, i) => found.push(...paths(v, [...at, i])));
  else if (value !== null && typeof value === 'object')
    for (const [k, v] of Object.entries(value)) found.push(...paths(v, [...at, k]));
  return found;
}

function setAt(root: Json, path: (string | number)[], make: (old: Json) => Json | undefined): Json {
  if (path.length === 0) return make(root) ?? null;
  const copy: Json = structuredClone(root);
  let parent = copy as Record<string | number, Json>;
  for (const p of path.slice(0, -1)) parent = parent[p] as Record<string | number, Json>;
  const last = path[path.length - 1] as string | number;
  const next = make(parent[last] as Json);
  if (next === undefined) {
    if (Array.isArray(parent)) parent.splice(Number(last), 1);
    else delete parent[last];
  } else parent[last] = next;
  return copy;
}

/**
 * A valid value turned hostile in one place: a value replaced by a hostile one, removed, given an unknown key, or
 * a string given a NUL, a lone surrogate or a great length — or left as it is.
 */
export function mutated(valid: fc.Arbitrary<Json>): fc.Arbitrary<Json> {
  return valid.chain((value) => {
    const all = paths(value);
    return fc.oneof(
      { weight: 3, arbitrary: fc.constant(value) },
      {
        weight: 5,
        arbitrary: fc
          .tuple(fc.nat({ max: all.length - 1 }), hostileValue, fc.constantFrom('replace', 'remove', 'extra', 'poison'))
          .map(([i, bad, how]) =>
            setAt(value, all[i] ?? [], (old) => {
              if (how === 'remove') return undefined;
              if (how === 'extra' && old !== null && typeof old === 'object' && !Array.isArray(old))
                return { ...old, [`x${String(bad).slice(0, 8)}`]: bad };
              if (how === 'poison' && typeof old === 'string')
                return `${old}${typeof bad === 'string' ? bad : '\u0000'}`;
              return bad;
            }),
          ),
      },
    );
  });
}
