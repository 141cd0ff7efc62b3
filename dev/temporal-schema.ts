import { spawn } from 'node:child_process';
import path from 'node:path';
import { z } from 'zod';

/**
 * Creates Temporal's two PostgreSQL databases and brings their schemas to the server release's version with
 * temporal-sql-tool, the same three steps as deploy/temporal/scripts/setup-schema.sh (upstream's admin-tools
 * recipe for postgres12): `create-database`, `setup-schema -v 0.0`, `update-schema -d <versioned dir>`.
 * Each step is idempotent in the tool itself (an existing database is accepted, setup-schema keeps a recorded
 * version, update-schema applies only newer migrations), so running it again is how upgrades happen.
 */
export const TemporalDatabaseSchema = z.object({
  host: z.string().min(1),
  port: z.number().int().positive(),
  user: z.string().min(1),
  password: z.string(),
  temporalDb: z
    .string()
    .regex(/^[a-z_][a-z0-9_]*$/)
    .default('temporal'),
  visibilityDb: z
    .string()
    .regex(/^[a-z_][a-z0-9_]*$/)
    .default('temporal_visibility'),
});
export type TemporalDatabase = z.input<typeof TemporalDatabaseSchema>;

/** host/port/user/password of a `postgres://` URL (its database name is not used: Temporal has two). */
export function databaseFromUrl(
  url: string,
  names: { temporalDb?: string; visibilityDb?: string } = {},
): TemporalDatabase {
  const parsed = new URL(url);
  if (!/^postgres(ql)?:$/.test(parsed.protocol)) throw new Error(`Not a PostgreSQL URL: ${parsed.protocol}`);
  return {
    host: parsed.hostname,
    port: Number(parsed.port || 5432),
    user: decodeURIComponent(parsed.username),
    password: decodeURIComponent(parsed.password),
    ...names,
  };
}

/** The tool's steps per database, as deploy/temporal/scripts/setup-schema.sh runs them (a test holds them equal). */
export function schemaSteps(versionedDir: string): string[][] {
  return [['create-database'], ['setup-schema', '-v', '0.0'], ['update-schema', '-d', versionedDir]];
}

export interface SchemaSetupOptions {
  sqlToolPath: string;
  /** Holds postgresql/v12/{temporal,visibility}/versioned (provisionTemporalServer's schemaDir). */
  schemaDir: string;
  database: TemporalDatabase;
  plugin?: 'postgres12' | 'postgres12_pgx';
  log?: (line: string) => void;
}

export async function setupTemporalSchema(opts: SchemaSetupOptions): Promise<void> {
  const db = TemporalDatabaseSchema.parse(opts.database);
  // The tool reads its connection from the environment, so the password never shows in a process list.
  const env = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    SQL_PLUGIN: opts.plugin ?? 'postgres12',
    SQL_HOST: db.host,
    SQL_PORT: String(db.port),
    SQL_USER: db.user,
    SQL_PASSWORD: db.password,
  };
  const targets = [
    { name: db.temporalDb, versioned: path.join(opts.schemaDir, 'postgresql/v12/temporal/versioned') },
    { name: db.visibilityDb, versioned: path.join(opts.schemaDir, 'postgresql/v12/visibility/versioned') },
  ];
  for (const { name, versioned } of targets) {
    for (const step of schemaSteps(versioned)) {
      opts.log?.(`temporal-sql-tool --db ${name} ${step.join(' ')}`);
      await runTool(opts.sqlToolPath, ['--db', name, ...step], env);
    }
  }
}

async function runTool(tool: string, args: string[], env: Record<string, string>): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const child = spawn(tool, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const collect = (chunk: Buffer): void => {
      output = `${output}${chunk.toString('utf8')}`.slice(-6000);
    };
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    child.on('error', reject);
    child.on('exit', (code) =>
      code === 0
        ? resolve()
        : reject(new Error(`temporal-sql-tool ${args.join(' ')} failed (exit ${code}):\n${output}`)),
    );
  });
}
