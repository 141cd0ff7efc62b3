import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, it, expect } from 'vitest';
import { ComposeError, loadComposeFile } from '../support/compose-file.js';
import { interpolate, InterpolationError } from '../support/compose-interpolation.js';
import { parse as parseYaml } from 'yaml';
import { searchAttributeRegistrations } from '../../domain/search-attributes.js';
import { appEnvironment, productionSettings } from '../../dev/production-topology.js';
import { dynamicConfigFile, TEMPORAL_SERVER_VERSION } from '../../dev/temporal-server.js';
import { schemaSteps } from '../../dev/temporal-schema.js';
import { applicationSettingNames, parseEnv, type Env } from '../../app/config.js';
import { shopSandboxes } from '../../simulators/shops.js';

/**
 * Validates docker-compose.yml without Docker: test/support/compose-file.ts resolves anchors, merge keys and
 * variables (from the given environment only, so a developer's shell or ./.env cannot change what the test
 * sees) and checks the result against the Compose specification's JSON schema. The resolved model is then
 * checked for the topology the deployment relies on.
 */

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const composeFile = path.join(repoRoot, 'docker-compose.yml');

const REQUIRED_ENV = {
  OPERATOR_API_KEY: 'compose-test-operator-key-0123',
  SECRETS_KEY: '00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff',
};

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
    const parts = String(port)
      .replace(/\/(tcp|udp)$/, '')
      .split(':');
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
  return loadComposeFile(composeFile, REQUIRED_ENV).services;
}

describe('docker-compose.yml', () => {
  it('resolves and matches the Compose schema when the required variables are set', () => {
    expect(() => loadComposeFile(composeFile, REQUIRED_ENV)).not.toThrow();
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

    expect(publishedPorts(services.api!)).toContain('3000-3001->3000');
    expect(JSON.stringify(services.api!.healthcheck)).toContain('/healthz');
    expect(publishedPorts(services['temporal-ui']!)).toContain('8233->8080');
    expect(environment(services['temporal-ui']!).TEMPORAL_ADDRESS).toBe('temporal:7233');

    // Simulators: same image, the four partner stand-ins listening on all interfaces.
    const sims = services.simulators!;
    expect(path.resolve(repoRoot, buildContext(sims) ?? '')).toBe(repoRoot);
    expect(commandLine(sims)).toBe('node dist/app/simulators-main.js');
    // The supplier and PayPal on their ports, and every shop simulator (one per sales channel) on its default.
    expect(publishedPorts(sims)).toEqual(
      expect.arrayContaining([
        '4001->4001',
        '4002->4002',
        ...shopSandboxes.map((s) => `${s.port.default}->${s.port.default}`),
      ]),
    );
    expect(environment(sims)).toMatchObject({ HOST: '0.0.0.0', SUPPLIER_SIM_PORT: '4001', PAYPAL_SIM_PORT: '4002' });

    // Every file the compose file bind-mounts from this repository exists.
    for (const [name, service] of Object.entries(services)) {
      for (const volume of (service.volumes ?? []) as unknown[]) {
        const source =
          typeof volume === 'string' ? volume.split(':')[0]! : String((volume as { source?: string }).source ?? '');
        if (source.startsWith('.')) {
          expect(existsSync(path.resolve(repoRoot, source)), `${name} mounts ${source}`).toBe(true);
        }
      }
    }
  });

  it('refuses to resolve without OPERATOR_API_KEY or SECRETS_KEY', () => {
    for (const missing of Object.keys(REQUIRED_ENV) as (keyof typeof REQUIRED_ENV)[]) {
      const env: Record<string, string> = { ...REQUIRED_ENV };
      delete env[missing];
      expect(() => loadComposeFile(composeFile, env), `resolved without ${missing}`).toThrow(missing);
    }
  });
});

describe('compose file loading (the checks `docker compose config` made)', () => {
  it('interpolates like Compose', () => {
    const env = { SET: 'value', EMPTY: '' };
    expect(interpolate('a ${SET} $SET $$SET', env)).toBe('a value value $SET');
    expect(interpolate('${UNSET:-fallback} ${EMPTY:-fallback} ${EMPTY-kept}', env)).toBe('fallback fallback ');
    expect(interpolate('${UNSET:-${SET}-x}', env)).toBe('value-x');
    expect(interpolate('${SET:+on} ${EMPTY:+on} ${EMPTY+set}', env)).toBe('on  set');
    expect(interpolate('${UNSET}', env)).toBe('');
    expect(() => interpolate('${EMPTY:?set EMPTY (please)}', env)).toThrow(/EMPTY.*set EMPTY \(please\)/);
    expect(interpolate('${EMPTY?unused}', env)).toBe('');
    expect(() => interpolate('${UNSET?needed}', env)).toThrow(InterpolationError);
    expect(() => interpolate('cost: $5', env)).toThrow(InterpolationError);
    expect(() => interpolate('${SET', env)).toThrow(InterpolationError);
  });

  it('rejects what the Compose schema or its references forbid', () => {
    const load = (yaml: string) => {
      const file = path.join(mkdtempSync(path.join(tmpdir(), 'compose-')), 'compose.yml');
      writeFileSync(file, yaml);
      return () => loadComposeFile(file, {});
    };
    expect(load('services:\n  a:\n    image: x\n')).not.toThrow();
    expect(load('services:\n  a:\n    image: x\n    restart_policy: always\n')).toThrow(ComposeError);
    expect(load('services:\n  a:\n    image: x\n    ports: "80:80"\n')).toThrow(/ports/);
    expect(load('services:\n  a:\n    image: x\n    depends_on: [b]\n')).toThrow(/undefined service b/);
    expect(load('services:\n  a:\n    image: x\n    volumes: ["data:/d"]\n')).toThrow(/undefined volume data/);
    expect(
      load('x-base: &base\n  image: x\nservices:\n  a:\n    <<: *base\n    command: ["${CMD:-run}"]\n'),
    ).not.toThrow();
  });
});

/** Where a service mounts a directory of this repository, by the directory's path. */
function mountOf(service: Service, repoDir: string): string | undefined {
  for (const volume of (service.volumes ?? []) as unknown[]) {
    const [source, target] =
      typeof volume === 'string'
        ? volume.split(':')
        : [String((volume as { source?: string }).source), String((volume as { target?: string }).target)];
    if (source && path.resolve(repoRoot, source) === repoDir) return target;
  }
  return undefined;
}

describe('docker-compose.yml mirrors npm run start:production (dev/production-topology.ts)', () => {
  const services = resolvedServices();
  const temporal = services.temporal!;

  it('runs the same Temporal server release from the same config file', () => {
    const configDir = path.dirname(productionSettings.serverConfigFile);
    const mounted = mountOf(temporal, configDir);
    expect(mounted, 'temporal mounts deploy/temporal/config').toBeDefined();
    expect(environment(temporal).TEMPORAL_SERVER_CONFIG_FILE_PATH).toBe(
      `${mounted}/${path.basename(productionSettings.serverConfigFile)}`,
    );
    const dynamicMount = mountOf(temporal, path.dirname(dynamicConfigFile));
    expect(environment(temporal).DYNAMIC_CONFIG_FILE_PATH).toBe(`${dynamicMount}/${path.basename(dynamicConfigFile)}`);
    expect(temporal.image).toBe(`temporalio/server:${TEMPORAL_SERVER_VERSION}`);
    const schemaJob = services[completedJobs(services, 'temporal')[0]!]!;
    expect(String(schemaJob.image).startsWith(`temporalio/admin-tools:${TEMPORAL_SERVER_VERSION}`)).toBe(true);
  });

  it('sets up the schema with the same temporal-sql-tool steps', () => {
    const script = readFileSync(path.join(repoRoot, 'deploy/temporal/scripts/setup-schema.sh'), 'utf8');
    const steps = [...script.matchAll(/^\s*temporal-sql-tool --db "\$db" (.+)$/gm)].map((m) =>
      m[1]!.replace('"$versioned_dir"', 'VERSIONED').split(' '),
    );
    expect(steps).toEqual(schemaSteps('VERSIONED'));
  });

  it('registers the same search attributes, namespace and retention', () => {
    const script = readFileSync(path.join(repoRoot, 'deploy/temporal/scripts/register-search-attributes.sh'), 'utf8');
    const pairs = /^SEARCH_ATTRIBUTES="([^"]+)"/m
      .exec(script)![1]!
      .split(' ')
      .map((pair) => pair.split(':'));
    expect(Object.fromEntries(pairs)).toEqual(searchAttributeRegistrations);
    expect(/RETENTION=\$\{TEMPORAL_NAMESPACE_RETENTION:-([^}]+)\}/.exec(script)![1]).toBe(
      productionSettings.namespaceRetention,
    );
    const job = environment(services['temporal-search-attributes']!);
    expect(job.TEMPORAL_NAMESPACE_RETENTION).toBe(productionSettings.namespaceRetention);
    expect(job.TEMPORAL_NAMESPACE).toBe(productionSettings.namespace);
  });

  it('gives api and worker the same environment names, two replicas each', () => {
    const local = appEnvironment({
      databaseUrl: 'postgres://x@y/orders',
      temporalAddress: 'x:1',
      operatorKey: 'k',
      secretsKey: 's',
      publicBaseUrl: 'http://x',
      supplierBaseUrl: 'http://x',
      paypalBaseUrl: 'http://x',
    });
    // Per process (ports, observability) rather than shared: set by each side for its own processes.
    const perProcess = new Set([
      'HOST',
      'PORT',
      'METRICS_PORT',
      'TEMPORAL_METRICS_PORT',
      'OTEL_EXPORTER_OTLP_ENDPOINT',
    ]);
    for (const name of ['api', 'worker']) {
      const composeNames = Object.keys(environment(services[name]!))
        .filter((n) => !perProcess.has(n))
        .sort();
      // What the topology resolves, and every application setting passed through as the operator set it.
      expect(composeNames, name).toEqual([...new Set([...Object.keys(local), ...applicationSettingNames])].sort());
      expect(environment(services[name]!)).toMatchObject({
        TEMPORAL_NAMESPACE: local.TEMPORAL_NAMESPACE,
        TEMPORAL_TASK_QUEUE: local.TEMPORAL_TASK_QUEUE,
        NODE_ENV: 'production',
      });
    }
    expect((services.api!.deploy as { replicas?: number }).replicas).toBe(productionSettings.apiReplicas);
    expect((services.worker!.deploy as { replicas?: number }).replicas).toBe(productionSettings.workerReplicas);
  });

  it('passes every application setting on to api and worker as set, and leaves the default when it is not', () => {
    const marked = Object.fromEntries(applicationSettingNames.map((name) => [name, `set-${name}`]));
    const set = loadComposeFile(composeFile, { ...REQUIRED_ENV, ...marked }).services;
    const unset = resolvedServices();
    for (const name of ['api', 'worker']) {
      expect(environment(set[name]!), name).toMatchObject(marked);
      const defaults = environment(unset[name]!);
      for (const setting of applicationSettingNames) {
        // Empty means unset to app/config.ts; the few with a value here are the same as its defaults.
        const value = defaults[setting] ?? '';
        if (value !== '')
          expect(parseEnv({ [setting]: value })[setting as keyof Env], `${name} ${setting}`).toEqual(
            parseEnv({})[setting as keyof Env],
          );
      }
    }
  });

  it('scrapes every api and worker replica with Prometheus and provisions the Grafana dashboard', () => {
    const prometheus = parseYaml(readFileSync(path.join(repoRoot, 'deploy/prometheus/prometheus.yml'), 'utf8')) as {
      scrape_configs: { job_name: string; dns_sd_configs?: { names: string[]; port: number }[] }[];
    };
    for (const name of ['api', 'worker']) {
      const job = prometheus.scrape_configs.find((j) => j.job_name === name);
      expect(job?.dns_sd_configs?.[0]).toMatchObject({
        names: [name],
        port: Number(environment(services[name]!).METRICS_PORT),
      });
    }
    expect(mountOf(services.prometheus!, path.join(repoRoot, 'deploy/prometheus'))).toBe('/etc/prometheus');
    const grafana = services.grafana!;
    expect(mountOf(grafana, path.join(repoRoot, 'deploy/grafana/provisioning'))).toBe('/etc/grafana/provisioning');
    const dashboardsDir = mountOf(grafana, path.join(repoRoot, 'deploy/grafana/dashboards'));
    const provider = parseYaml(
      readFileSync(path.join(repoRoot, 'deploy/grafana/provisioning/dashboards/dashboards.yml'), 'utf8'),
    ) as { providers: { options: { path: string } }[] };
    expect(provider.providers[0]!.options.path).toBe(dashboardsDir);
    const datasource = parseYaml(
      readFileSync(path.join(repoRoot, 'deploy/grafana/provisioning/datasources/prometheus.yml'), 'utf8'),
    ) as { datasources: { uid: string; url: string }[] };
    expect(datasource.datasources[0]!.url).toBe('http://prometheus:9090');
    const dashboard = JSON.parse(
      readFileSync(path.join(repoRoot, 'deploy/grafana/dashboards/orders.json'), 'utf8'),
    ) as { panels: { title: string; datasource: { uid: string }; targets: { expr: string }[] }[] };
    for (const panel of dashboard.panels)
      expect(panel.datasource.uid, panel.title).toBe(datasource.datasources[0]!.uid);
    const titles = dashboard.panels.map((p) => p.title.toLowerCase()).join(' | ');
    for (const topic of [
      'throughput',
      'orders by status',
      'pending review by reason',
      'supplier error rate',
      'paypal declines',
      'schedule-to-start',
    ])
      expect(titles).toContain(topic);
  });
});
