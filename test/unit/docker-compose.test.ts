import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, it, expect } from 'vitest';
import { parse } from 'yaml';

/**
 * Validates docker-compose.yml without a Docker engine: `docker-compose config` (Debian's
 * docker-compose 1.29, or the `docker compose` plugin) resolves variables, anchors and merge keys
 * and checks the file against the compose schema. The resolved YAML is then checked for the
 * topology the deployment relies on.
 */

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const composeFile = path.join(repoRoot, 'docker-compose.yml');

const REQUIRED_ENV = {
  OPERATOR_API_KEY: 'compose-test-operator-key-0123',
  SECRETS_KEY: '00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff',
};

interface ComposeCli {
  command: string;
  prefix: string[];
}

function available(command: string, args: string[]): boolean {
  const r = spawnSync(command, args, { encoding: 'utf8', timeout: 30_000 });
  return !r.error && r.status === 0;
}

let cli: ComposeCli | null | undefined;
function composeCli(): ComposeCli {
  if (cli === undefined) {
    if (available('docker-compose', ['version'])) cli = { command: 'docker-compose', prefix: [] };
    else if (available('docker', ['compose', 'version'])) cli = { command: 'docker', prefix: ['compose'] };
    else cli = null;
  }
  if (cli === null) {
    throw new Error(
      'Neither `docker-compose` nor `docker compose` is available, so docker-compose.yml cannot be validated. ' +
        'Install docker-compose: `apt-get update && apt-get install -y --no-install-recommends docker-compose`.',
    );
  }
  return cli;
}

// An empty env file, so a developer's ./.env cannot change what the test sees.
const emptyEnvFile = path.join(mkdtempSync(path.join(tmpdir(), 'compose-test-')), 'empty.env');
writeFileSync(emptyEnvFile, '');

/** Runs `compose config` in a minimal environment: only what compose itself needs, plus `extra`. */
function composeConfig(extraArgs: string[], extra: Record<string, string>) {
  const { command, prefix } = composeCli();
  const env: Record<string, string> = { LC_ALL: 'C.UTF-8', LANG: 'C.UTF-8', ...extra };
  for (const key of ['PATH', 'HOME', 'DOCKER_CONFIG']) {
    const value = process.env[key];
    if (value !== undefined) env[key] = value;
  }
  const r = spawnSync(
    command,
    [...prefix, '--env-file', emptyEnvFile, '-f', composeFile, '--project-directory', repoRoot, 'config', ...extraArgs],
    { cwd: repoRoot, env, encoding: 'utf8', timeout: 60_000 },
  );
  if (r.error) throw r.error;
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

// ---- helpers over the resolved (normalised) compose model ----

type Service = Record<string, unknown>;

function environment(service: Service): Record<string, string> {
  const raw = service.environment;
  if (Array.isArray(raw)) {
    return Object.fromEntries(
      raw.map((entry: string) => {
        const i = entry.indexOf('=');
        return i < 0 ? [entry, ''] : [entry.slice(0, i), entry.slice(i + 1)];
      }),
    );
  }
  return Object.fromEntries(Object.entries((raw ?? {}) as Record<string, unknown>).map(([k, v]) => [k, String(v)]));
}

function dependsOn(service: Service): Record<string, string> {
  const raw = service.depends_on;
  if (Array.isArray(raw)) return Object.fromEntries(raw.map((name: string) => [name, 'service_started']));
  return Object.fromEntries(
    Object.entries((raw ?? {}) as Record<string, { condition?: string }>).map(([name, dep]) => [
      name,
      dep?.condition ?? 'service_started',
    ]),
  );
}

/** Published ports as "published->target", from either the short or the long syntax. */
function publishedPorts(service: Service): string[] {
  const raw = (service.ports ?? []) as unknown[];
  return raw.map((port) => {
    if (typeof port === 'object' && port !== null) {
      const p = port as { published?: string | number; target?: string | number };
      return `${p.published}->${p.target}`;
    }
    const parts = String(port).replace(/\/(tcp|udp)$/, '').split(':');
    const target = parts.at(-1);
    const published = parts.at(-2) ?? target;
    return `${published}->${target}`;
  });
}

function commandLine(service: Service): string {
  const raw = service.command;
  return Array.isArray(raw) ? raw.join(' ') : String(raw ?? '');
}

function buildContext(service: Service): string | undefined {
  const build = service.build;
  if (typeof build === 'string') return build;
  if (build && typeof build === 'object') return (build as { context?: string }).context;
  return undefined;
}

/** The one-shot admin-tools job a service waits on with `service_completed_successfully`. */
function completedJobs(services: Record<string, Service>, name: string): string[] {
  return Object.entries(dependsOn(services[name]!))
    .filter(([, condition]) => condition === 'service_completed_successfully')
    .map(([job]) => job);
}

function resolvedServices(): Record<string, Service> {
  const r = composeConfig([], REQUIRED_ENV);
  expect(r.status, `compose config failed:\n${r.stderr}`).toBe(0);
  const model = parse(r.stdout) as { services?: Record<string, Service> };
  expect(model.services, 'compose config printed no services').toBeDefined();
  return model.services!;
}

describe('docker-compose.yml', () => {
  it('is accepted by `compose config -q` when the required variables are set', () => {
    const r = composeConfig(['-q'], REQUIRED_ENV);
    expect(r.status, `compose config -q failed:\n${r.stderr}${r.stdout}`).toBe(0);
  });

  it('describes the production topology', () => {
    const services = resolvedServices();

    for (const name of ['postgresql', 'temporal', 'temporal-ui', 'api', 'worker', 'simulators']) {
      expect(services, `service ${name}`).toHaveProperty(name);
    }

    // PostgreSQL: pinned 17.x, persistent, with a readiness check.
    const pg = services.postgresql!;
    expect(pg.image).toMatch(/^postgres:17\.\d+/);
    expect(JSON.stringify(pg.healthcheck)).toContain('pg_isready');
    expect((pg.volumes as unknown[]).map(String).some((v) => v.includes(':/var/lib/postgresql/data'))).toBe(true);

    // Temporal: the plain server image on postgres12, started only after the schema job succeeded.
    const temporal = services.temporal!;
    expect(temporal.image).toMatch(/^temporalio\/server:1\.\d+\.\d+/);
    expect(environment(temporal)).toMatchObject({ DB: 'postgres12', POSTGRES_SEEDS: 'postgresql' });
    const schemaJobs = completedJobs(services, 'temporal');
    expect(schemaJobs, 'temporal waits for a schema job to complete').toHaveLength(1);
    const schemaJob = services[schemaJobs[0]!]!;
    expect(schemaJob.image).toMatch(/^temporalio\/admin-tools:/);
    expect(dependsOn(schemaJob)).toMatchObject({ postgresql: 'service_healthy' });
    expect(`${JSON.stringify(schemaJob.entrypoint)} ${commandLine(schemaJob)}`).toContain('setup-schema');

    // api and worker: this repo's image, waiting for postgres and the search-attribute job.
    const expectedCommands = { api: 'dist/app/api-main.js', worker: 'dist/app/worker-main.js' };
    for (const [name, script] of Object.entries(expectedCommands)) {
      const service = services[name]!;
      expect(buildContext(service) && path.resolve(repoRoot, buildContext(service)!), `${name} build context`).toBe(
        repoRoot,
      );
      expect(commandLine(service)).toBe(`node ${script}`);
      expect(dependsOn(service)).toMatchObject({ postgresql: 'service_healthy' });

      const jobs = completedJobs(services, name);
      expect(jobs, `${name} waits for the search-attribute job`).toHaveLength(1);
      const job = services[jobs[0]!]!;
      expect(job.image).toMatch(/^temporalio\/admin-tools:/);
      expect(dependsOn(job)).toMatchObject({ temporal: 'service_healthy' });
      expect(commandLine(job)).toContain('search-attributes');

      const env = environment(service);
      expect(env.TEMPORAL_ADDRESS).toBe('temporal:7233');
      expect(env.TEMPORAL_NAMESPACE).toBe('default');
      expect(env.TEMPORAL_TASK_QUEUE).toBe('orders');
      expect(env.SIMULATORS).toBe('off');
      expect(env.OPERATOR_API_KEY).toBe(REQUIRED_ENV.OPERATOR_API_KEY);
      expect(env.SECRETS_KEY).toBe(REQUIRED_ENV.SECRETS_KEY);
      const db = new URL(env.DATABASE_URL!);
      expect(db.protocol).toBe('postgres:');
      expect(db.hostname).toBe('postgresql');
      expect(db.pathname).toBe('/orders');
      expect(env.SUPPLIER_BASE_URL).toBe('http://simulators:4001');
      expect(env.PAYPAL_BASE_URL).toBe('http://simulators:4002');
    }

    expect(publishedPorts(services.api!)).toContain('3000->3000');
    expect(JSON.stringify(services.api!.healthcheck)).toContain('/healthz');
    expect(publishedPorts(services['temporal-ui']!)).toContain('8233->8080');
    expect(environment(services['temporal-ui']!).TEMPORAL_ADDRESS).toBe('temporal:7233');

    // Simulators: same image, the four partner stand-ins listening on all interfaces.
    const sims = services.simulators!;
    expect(path.resolve(repoRoot, buildContext(sims) ?? '')).toBe(repoRoot);
    expect(commandLine(sims)).toBe('node dist/app/simulators-main.js');
    expect(publishedPorts(sims)).toEqual(expect.arrayContaining(['4001->4001', '4002->4002', '4003->4003', '4004->4004']));
    expect(environment(sims)).toMatchObject({
      HOST: '0.0.0.0',
      SUPPLIER_SIM_PORT: '4001',
      PAYPAL_SIM_PORT: '4002',
      SHOPIFY_SIM_PORT: '4003',
      WOOCOMMERCE_SIM_PORT: '4004',
    });

    // Every file the compose file bind-mounts from this repository exists.
    for (const [name, service] of Object.entries(services)) {
      for (const volume of (service.volumes ?? []) as unknown[]) {
        const source =
          typeof volume === 'string' ? volume.split(':')[0]! : String((volume as { source?: string }).source ?? '');
        if (path.isAbsolute(source) && source.startsWith(repoRoot)) {
          expect(existsSync(source), `${name} mounts ${source}`).toBe(true);
        }
      }
    }
  });

  it('refuses to resolve without OPERATOR_API_KEY or SECRETS_KEY', () => {
    for (const missing of Object.keys(REQUIRED_ENV) as (keyof typeof REQUIRED_ENV)[]) {
      const env: Record<string, string> = { ...REQUIRED_ENV };
      delete env[missing];
      const r = composeConfig(['-q'], env);
      expect(r.status, `compose config succeeded without ${missing}`).not.toBe(0);
      expect(`${r.stderr}${r.stdout}`).toContain(missing);
    }
  });
});
