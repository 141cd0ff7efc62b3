import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { Ajv, type ValidateFunction } from 'ajv';
import { parseDocument } from 'yaml';
import { interpolateValues } from './compose-interpolation.js';

/**
 * Loads a compose file the way `docker compose config` does, without Docker: YAML with anchors and merge keys,
 * variable interpolation from the given environment only, validation against the Compose specification's
 * JSON schema, then the cross-references compose checks (dependencies and named volumes exist). The schema is
 * the one the `dclint` package ships (schemas/compose.schema.json, the compose-spec file).
 */
export type ComposeService = Record<string, unknown>;
export interface ComposeModel {
  services: Record<string, ComposeService>;
  volumes?: Record<string, unknown>;
  [key: string]: unknown;
}

export class ComposeError extends Error {}

let validator: ValidateFunction | undefined;

function composeSchemaValidator(): ValidateFunction {
  if (validator) return validator;
  const require = createRequire(import.meta.url);
  const schemaFile = path.join(path.dirname(require.resolve('dclint/package.json')), 'schemas/compose.schema.json');
  // The file names its meta-schema by an https URL ajv does not register; it is draft-07, ajv's default.
  const { $schema: _metaSchema, ...schema } = JSON.parse(readFileSync(schemaFile, 'utf8')) as Record<string, unknown>;
  validator = new Ajv({ allErrors: true, strict: false, allowUnionTypes: true }).compile(schema);
  return validator;
}

export function loadComposeFile(file: string, env: Record<string, string | undefined>): ComposeModel {
  const document = parseDocument(readFileSync(file, 'utf8'), { merge: true });
  if (document.errors.length)
    throw new ComposeError(`invalid YAML: ${document.errors.map((e) => e.message).join('; ')}`);
  const model = interpolateValues(document.toJS(), env) as ComposeModel;

  const validate = composeSchemaValidator();
  if (!validate(model)) {
    const problems = (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? ''}`);
    throw new ComposeError(`does not match the Compose schema:\n${problems.join('\n')}`);
  }

  const problems: string[] = [];
  for (const [name, service] of Object.entries(model.services ?? {})) {
    const dependencies = Array.isArray(service.depends_on)
      ? service.depends_on
      : Object.keys((service.depends_on ?? {}) as object);
    for (const dependency of dependencies as string[]) {
      if (!(dependency in model.services)) problems.push(`service ${name} depends on undefined service ${dependency}`);
    }
    for (const volume of (service.volumes ?? []) as unknown[]) {
      const source =
        typeof volume === 'string' ? volume.split(':')[0]! : String((volume as { source?: string }).source ?? '');
      const isNamed = source !== '' && !source.startsWith('.') && !source.startsWith('/') && !source.startsWith('~');
      if (isNamed && !(source in (model.volumes ?? {})))
        problems.push(`service ${name} refers to undefined volume ${source}`);
    }
  }
  if (problems.length) throw new ComposeError(problems.join('\n'));
  return model;
}
