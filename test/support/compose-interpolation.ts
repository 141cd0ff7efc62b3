/**
 * Variable interpolation as the Compose specification defines it (what `docker compose config` does before
 * validating): `$VAR`, `${VAR}`, `${VAR:-default}` / `${VAR-default}` (default when unset or empty / unset),
 * `${VAR:?message}` / `${VAR?message}` (error), `${VAR:+other}` / `${VAR+other}` (replacement when set), `$$`
 * for a literal `$`, and nested expressions inside defaults. No maintained npm package implements the `?` and
 * `+` forms, so it is done here.
 */
export class InterpolationError extends Error {}

type Env = Record<string, string | undefined>;

const NAME = /^[A-Za-z_][A-Za-z0-9_]*/;

export function interpolate(text: string, env: Env): string {
  let out = '';
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (c !== '$') {
      out += c;
      i += 1;
      continue;
    }
    const next = text[i + 1];
    if (next === '$') {
      out += '$';
      i += 2;
    } else if (next === '{') {
      const end = closingBrace(text, i + 2);
      out += expand(text.slice(i + 2, end), env);
      i = end + 1;
    } else {
      const name = NAME.exec(text.slice(i + 1))?.[0];
      if (!name)
        throw new InterpolationError(
          `invalid interpolation format in "${text}": a lone "$" (write "$$" for a literal dollar)`,
        );
      out += env[name] ?? '';
      i += 1 + name.length;
    }
  }
  return out;
}

/** Index of the `}` closing the expression that starts at `from`, allowing nested `${...}` inside it. */
function closingBrace(text: string, from: number): number {
  let depth = 1;
  for (let j = from; j < text.length; j += 1) {
    if (text[j] === '{') depth += 1;
    else if (text[j] === '}') {
      depth -= 1;
      if (depth === 0) return j;
    }
  }
  throw new InterpolationError(`invalid interpolation format in "${text}": unterminated "\${"`);
}

function expand(body: string, env: Env): string {
  const match = /^([A-Za-z_][A-Za-z0-9_]*)(?:(:-|-|:\?|\?|:\+|\+)([\s\S]*))?$/.exec(body);
  if (!match) throw new InterpolationError(`invalid interpolation format for "\${${body}}"`);
  const name = match[1]!;
  const op = match[2];
  const arg = match[3] ?? '';
  const value = env[name];
  const isSet = value !== undefined;
  const isNonEmpty = isSet && value !== '';
  switch (op) {
    case undefined:
      return value ?? '';
    case ':-':
      return isNonEmpty ? value : interpolate(arg, env);
    case '-':
      return isSet ? value : interpolate(arg, env);
    case ':?':
    case '?':
      if (op === ':?' ? !isNonEmpty : !isSet) {
        throw new InterpolationError(`required variable ${name} is missing a value: ${interpolate(arg, env)}`);
      }
      return value!;
    case ':+':
      return isNonEmpty ? interpolate(arg, env) : '';
    default:
      return isSet ? interpolate(arg, env) : '';
  }
}

/** Interpolates every string value of a parsed compose file (keys are left alone, as Compose does). */
export function interpolateValues(value: unknown, env: Env): unknown {
  if (typeof value === 'string') return interpolate(value, env);
  if (Array.isArray(value)) return value.map((item) => interpolateValues(item, env));
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, interpolateValues(v, env)]));
  }
  return value;
}
