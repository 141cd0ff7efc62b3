import { z } from 'zod';

/**
 * Secret fields of answers: a field whose schema carries `.meta({ secret: true })` holds a secret the client sees
 * once (a new API key, a signing secret). Whatever keeps an answer (the Idempotency-Key store, api/idempotency.ts)
 * keeps it masked, and a replay says which fields were masked in `secretsShownOnce`.
 */

/** The field a replayed answer carries when secrets were masked: their paths, e.g. ["apiKey"]. */
export const SHOWN_ONCE_FIELD = 'secretsShownOnce';

/** An answer schema that holds secret fields, with the field its replays add (documented in the OpenAPI answer). */
export function withSecretReplay<T extends z.ZodObject>(schema: T) {
  return schema.extend({
    [SHOWN_ONCE_FIELD]: z
      .array(z.string())
      .optional()
      .meta({
        description:
          'Only in a replay of the first answer (same Idempotency-Key; header Idempotent-Replayed: true): the fields ' +
          'that held a secret. It was shown in full once, in the first answer; the replay shows it masked, as it is stored',
        example: ['apiKey'],
      }),
  });
}

function isSecret(schema: z.ZodType): boolean {
  return (schema.meta() as { secret?: unknown } | undefined)?.secret === true;
}

/** The schema under optional, nullable, default, readonly and pipe wrappers. */
function unwrap(schema: z.ZodType): z.ZodType {
  let s: z.ZodType = schema;
  for (let depth = 0; depth < 10; depth++) {
    if (isSecret(s)) return s;
    if (
      s instanceof z.ZodOptional ||
      s instanceof z.ZodNullable ||
      s instanceof z.ZodDefault ||
      s instanceof z.ZodReadonly
    )
      s = s.unwrap() as z.ZodType;
    else if (s instanceof z.ZodPipe) s = s.out as z.ZodType;
    else return s;
  }
  return s;
}

/** A secret as it may be kept: its prefix up to an underscore and 4 characters, then its last 4 (`mk_Zx3f…Q9aB`). */
export function maskSecret(value: string): string {
  if (value.length < 16) return '••••';
  const body = Math.min(value.indexOf('_') + 1, 8);
  return `${value.slice(0, body + 4)}…${value.slice(-4)}`;
}

/**
 * The answer with every secret field (per `schema`) masked, and their paths; the answer unchanged when it has none.
 * Walks objects and arrays as the schema describes them; a value that does not fit the schema is left alone.
 */
export function maskSecretFields(schema: z.ZodType, value: unknown): { masked: unknown; paths: string[] } {
  const paths: string[] = [];
  const walk = (s: z.ZodType, v: unknown, at: string[]): unknown => {
    const inner = unwrap(s);
    if (isSecret(inner)) {
      if (typeof v !== 'string') return v;
      paths.push(at.join('.'));
      return maskSecret(v);
    }
    if (inner instanceof z.ZodObject && v !== null && typeof v === 'object' && !Array.isArray(v)) {
      const shape = inner.shape as Record<string, z.ZodType>;
      return Object.fromEntries(
        Object.entries(v).map(([k, child]) => [k, shape[k] ? walk(shape[k], child, [...at, k]) : child]),
      );
    }
    if (inner instanceof z.ZodArray && Array.isArray(v)) {
      const element = inner.element as z.ZodType;
      return v.map((child, i) => walk(element, child, [...at, String(i)]));
    }
    return v;
  };
  const masked = walk(schema, value, []);
  return { masked, paths };
}
