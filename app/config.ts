import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { msToNumber } from '@temporalio/common';
import { z } from 'zod';
import type { RateLimits } from '../api/rate-limit.js';
import { defaultTimings, type OrderTimings } from '../domain/timings.js';
import type { TopUpTimings } from '../domain/top-up.js';

/**
 * Every setting comes from the environment and is parsed here, once. Each variable is documented in
 * docs/configuration.md.
 * Durations accept "500ms", "15m", "1h", "7d" or plain milliseconds.
 */

const duration = z
  .string()
  .trim()
  .transform((v, ctx) => {
    try {
      const n = /^\d+$/.test(v) ? Number(v) : msToNumber(v as `${number}m`);
      if (!Number.isFinite(n) || n <= 0) throw new Error('not positive');
      return n;
    } catch {
      ctx.addIssue({ code: 'custom', message: `"${v}" is not a duration (e.g. 500ms, 15m, 1h, 7d)` });
      return z.NEVER;
    }
  });

const durationList = z
  .string()
  .trim()
  .transform((v) =>
    v
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
  )
  .pipe(z.array(duration).min(1));

const port = z.coerce.number().int().min(0).max(65535);
const optionalUrl = z.url().optional();

const EnvSchema = z
  .object({
    NODE_ENV: z.string().default('development'),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    /** Where `npm start` keeps its state (Postgres data, Temporal database, demo keys). */
    DATA_DIR: z.string().default('.data'),

    PORT: port.default(3000),
    HOST: z.string().default('0.0.0.0'),
    /** Base URL merchants and shops reach the API at: used for the webhook URLs handed out. */
    PUBLIC_BASE_URL: optionalUrl,
    OPERATOR_API_KEY: z.string().min(16, 'OPERATOR_API_KEY must be at least 16 characters').optional(),
    /** 32-byte key (base64 or hex) encrypting shop credentials at rest. */
    SECRETS_KEY: z.string().min(32).optional(),
    BODY_LIMIT: z.string().default('1mb'),
    /** How long an order action waits for the order's workflow to accept it before answering 503. */
    ACTION_TIMEOUT: duration.default(20_000),

    DATABASE_URL: z.string().optional(),
    EMBEDDED_POSTGRES_PORT: port.default(5433),

    TEMPORAL_ADDRESS: z.string().optional(),
    TEMPORAL_NAMESPACE: z.string().default('default'),
    TEMPORAL_TASK_QUEUE: z.string().default('orders'),
    TEMPORAL_PORT: port.default(7233),
    TEMPORAL_UI_PORT: port.default(8233),
    TEMPORAL_CLI_PATH: z.string().optional(),
    /**
     * Order workflows kept in the worker's memory between tasks. A worker holding 10,000 open orders settled at 895 MiB
     * of RSS with 1,000 cached, 1,020 MiB with 1,200, 1,426 MiB with 2,500 (scripts/bench-open-orders.ts,
     * docs/capacity.md): 1,000 keep it under 1 GiB. An evicted order replays its (short) history on its next task.
     */
    WORKER_MAX_CACHED_WORKFLOWS: z.coerce.number().int().min(0).default(1000),
    /**
     * Workflow tasks a worker takes at once. Its workflows run on one thread, and a task's timeout
     * (WORKFLOW_TASK_TIMEOUT, 4 s) runs from the moment the worker takes it: more tasks taken than the thread gets
     * through in that time time out and come back, a retry storm of the worker's own making. Fewer taken, the rest
     * wait on the server, where it shows as schedule-to-start latency (temporal_workflow_task_schedule_to_start_latency).
     */
    WORKER_MAX_CONCURRENT_WORKFLOW_TASKS: z.coerce.number().int().min(2).default(8),
    /** The prebuilt workflow bundle (default: dist/workflow-bundle.js beside the compiled code). */
    WORKFLOW_BUNDLE_PATH: z.string().optional(),

    /** Prometheus `/metrics` of the api-main and worker-main processes (app/metrics-server.ts). */
    METRICS_PORT: port.default(9464),
    METRICS_HOST: z.string().default('0.0.0.0'),
    /** Loopback port of the Temporal SDK's own Prometheus exporter in a worker, merged into METRICS_PORT's answer. */
    TEMPORAL_METRICS_PORT: port.default(9465),

    SUPPLIER_BASE_URL: optionalUrl,
    SUPPLIER_API_KEY: z.string().default('sandbox-supplier-key'),
    SUPPLIER_TIMEOUT: duration.default(10_000),
    PAYPAL_BASE_URL: optionalUrl,
    PAYPAL_CLIENT_ID: z.string().default('sandbox-client-id'),
    PAYPAL_CLIENT_SECRET: z.string().default('sandbox-client-secret'),
    CHANNEL_TIMEOUT: duration.default(10_000),
    /** After a webhook secret rotation, deliveries signed with the old secret are accepted this long. */
    WEBHOOK_SECRET_GRACE: duration.default(24 * 60 * 60_000),
    /** How long a stored Idempotency-Key answer is replayed; older records are ignored and purged on a schedule. */
    IDEMPOTENCY_TTL: duration.default(24 * 60 * 60_000),
    /** Largest bulk-import file accepted. */
    IMPORT_LIMIT: z.string().default('5mb'),

    /** Requests per API key per RATE_LIMIT_WINDOW, counted in PostgreSQL across replicas (0: no limit). */
    RATE_LIMIT_PER_KEY: z.coerce.number().int().min(0).default(6000),
    RATE_LIMIT_WINDOW: duration.default(60_000),
    /**
     * Wrong credentials (an unknown API key, a wrong password, an unknown set-up token) per client IP per
     * AUTH_FAILURE_WINDOW before that IP is refused (0: no limit). A request with no credential costs nothing.
     */
    AUTH_FAILURE_LIMIT: z.coerce.number().int().min(0).default(30),
    AUTH_FAILURE_WINDOW: duration.default(15 * 60_000),
    /** Wrong passwords per e-mail address per AUTH_FAILURE_WINDOW before signing in to it is refused (0: no limit). */
    SIGN_IN_FAILURE_LIMIT: z.coerce.number().int().min(0).default(10),
    /** A console session unused this long ends (each request moves it forward)… */
    SESSION_IDLE_TIMEOUT: duration.default(60 * 60_000),
    /** …and any session ends this long after sign-in, used or not. */
    SESSION_MAX_AGE: duration.default(12 * 60 * 60_000),
    /** How long a set-up link (a new owner, an invited user) works; it works once. */
    SETUP_LINK_TTL: duration.default(7 * 24 * 60 * 60_000),
    /** Webhook deliveries per shop connection per RATE_LIMIT_WINDOW (0: no limit); shops burst, so it is generous. */
    WEBHOOK_RATE_LIMIT: z.coerce.number().int().min(0).default(1000),
    /** Origins allowed to call the API from a browser (comma-separated); none by default. */
    CORS_ORIGINS: z
      .string()
      .transform((v) =>
        v
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean),
      )
      .pipe(z.array(z.url()))
      .default([]),

    SIMULATORS: z.enum(['on', 'off']).default('on'),
    SUPPLIER_SIM_PORT: port.default(4001),
    PAYPAL_SIM_PORT: port.default(4002),
    // Each shop simulator reads its own <TYPE>_SIM_PORT (simulators/shops.ts): no list of shops is kept here.

    FUNDS_RETRY_SCHEDULE: durationList.optional(),
    STOCK_RECHECK_INTERVAL: duration.optional(),
    BANK_TRANSFER_EXPIRY: duration.optional(),
    TRACKING_POLL_INTERVAL: duration.optional(),
    CHANNEL_CANCEL_WAIT: duration.optional(),
    ACTIVITY_TIMEOUT: duration.optional(),
    RETRY_INITIAL_INTERVAL: duration.optional(),
    RETRY_MAX_INTERVAL: duration.optional(),

    /** Smallest and largest top-up a merchant may start, in minor units of the wallet's currency. */
    TOP_UP_MIN: z.coerce.number().int().positive().default(1_000),
    TOP_UP_MAX: z.coerce.number().int().positive().default(1_000_000),
    /** A bank-transfer top-up not confirmed by the finance desk by then ends EXPIRED. */
    TOP_UP_TRANSFER_EXPIRY: duration.default(14 * 24 * 60 * 60_000),
    /** How often a PayPal capture PayPal holds as PENDING is looked at again. */
    TOP_UP_CAPTURE_RECHECK: duration.default(60 * 60_000),
    /** The platform's bank account, answered with every bank-transfer top-up (demo values by default). */
    BANK_IBAN: z
      .string()
      .transform((v) => v.replace(/\s+/g, '').toUpperCase())
      .pipe(z.string().regex(/^[A-Z]{2}\d{2}[A-Z0-9]{10,30}$/, 'BANK_IBAN must be an IBAN'))
      .default('DE89370400440532013000'),
    BANK_BIC: z
      .string()
      .regex(/^[A-Z]{6}[A-Z0-9]{2}([A-Z0-9]{3})?$/, 'BANK_BIC must be a BIC (8 or 11 characters)')
      .default('COBADEFFXXX'),
    BANK_BENEFICIARY: z.string().min(1).max(70).default('Dropship Platform Demo GmbH'),
  })
  .refine((e) => e.TOP_UP_MIN <= e.TOP_UP_MAX, {
    message: 'TOP_UP_MIN must not exceed TOP_UP_MAX',
    path: ['TOP_UP_MIN'],
  });

export type Env = z.infer<typeof EnvSchema>;

/** Every setting of the schema, by name (docs/configuration.md documents each). */
export const settingNames: readonly string[] = Object.keys(EnvSchema.shape);

export class ConfigError extends Error {}

export function parseEnv(source: NodeJS.ProcessEnv = process.env): Env {
  // An empty variable means "not set": compose files and shells often export blanks.
  const cleaned = Object.fromEntries(Object.entries(source).filter(([, v]) => v !== undefined && v !== ''));
  const result = EnvSchema.safeParse(cleaned);
  if (!result.success) {
    const lines = result.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  return result.data;
}

export function orderTimings(env: Env): OrderTimings {
  return {
    fundsRetrySchedule: env.FUNDS_RETRY_SCHEDULE ?? defaultTimings.fundsRetrySchedule,
    stockRecheckInterval: env.STOCK_RECHECK_INTERVAL ?? defaultTimings.stockRecheckInterval,
    bankTransferExpiry: env.BANK_TRANSFER_EXPIRY ?? defaultTimings.bankTransferExpiry,
    trackingPollInterval: env.TRACKING_POLL_INTERVAL ?? defaultTimings.trackingPollInterval,
    channelCancelWait: env.CHANNEL_CANCEL_WAIT ?? defaultTimings.channelCancelWait,
    activityTimeout: env.ACTIVITY_TIMEOUT ?? defaultTimings.activityTimeout,
    retryInitialInterval: env.RETRY_INITIAL_INTERVAL ?? defaultTimings.retryInitialInterval,
    retryMaxInterval: env.RETRY_MAX_INTERVAL ?? defaultTimings.retryMaxInterval,
  };
}

/** Top-up limits, the bank account and the top-up workflow's timings (activity retries shared with orders). */
export function topUpSettings(
  env: Env,
  timings: OrderTimings = orderTimings(env),
): {
  minAmount: number;
  maxAmount: number;
  transferExpiryMs: number;
  bank: { iban: string; bic: string; beneficiary: string };
  timings: TopUpTimings;
} {
  return {
    minAmount: env.TOP_UP_MIN,
    maxAmount: env.TOP_UP_MAX,
    transferExpiryMs: env.TOP_UP_TRANSFER_EXPIRY,
    bank: { iban: env.BANK_IBAN, bic: env.BANK_BIC, beneficiary: env.BANK_BENEFICIARY },
    timings: {
      activityTimeout: timings.activityTimeout,
      retryInitialInterval: timings.retryInitialInterval,
      retryMaxInterval: timings.retryMaxInterval,
      captureRecheckInterval: env.TOP_UP_CAPTURE_RECHECK,
    },
  };
}

/** Settings a process needs to require before it starts: a clear message instead of a late crash. */
export function rateLimitSettings(env: Env): RateLimits {
  return {
    perKey: { points: env.RATE_LIMIT_PER_KEY, windowMs: env.RATE_LIMIT_WINDOW },
    authFailuresPerIp: { points: env.AUTH_FAILURE_LIMIT, windowMs: env.AUTH_FAILURE_WINDOW },
    signInFailuresPerAccount: { points: env.SIGN_IN_FAILURE_LIMIT, windowMs: env.AUTH_FAILURE_WINDOW },
    webhooksPerConnection: { points: env.WEBHOOK_RATE_LIMIT, windowMs: env.RATE_LIMIT_WINDOW },
  };
}

/** Console sign-in: how long sessions and set-up links live. */
export function sessionSettings(env: Env): { idleMs: number; maxAgeMs: number; setupLinkTtlMs: number } {
  return { idleMs: env.SESSION_IDLE_TIMEOUT, maxAgeMs: env.SESSION_MAX_AGE, setupLinkTtlMs: env.SETUP_LINK_TTL };
}

export function requireSetting<K extends keyof Env>(env: Env, key: K, why: string): NonNullable<Env[K]> {
  const value = env[key];
  if (value === undefined || value === null || value === '')
    throw new ConfigError(`${String(key)} is required: ${why}`);
  return value as NonNullable<Env[K]>;
}

// ---- Partner services and secrets: every process entry resolves them here ----

export type ServiceName = 'supplier' | 'paypal';
export type ServiceAddresses = Partial<Record<ServiceName, string>>;

/** The setting that names each partner service, and what it is for. */
const serviceSettings = {
  supplier: { variable: 'SUPPLIER_BASE_URL', what: "the supplier's order API (BigBuy: https://api.bigbuy.eu)" },
  paypal: { variable: 'PAYPAL_BASE_URL', what: "PayPal's REST API (https://api-m.paypal.com)" },
} as const satisfies Record<ServiceName, { variable: keyof Env; what: string }>;

/**
 * The partner services each part of the platform calls: the worker's activities call both; the API calls PayPal
 * to link a merchant's account (setup and payment tokens) and to unlink it.
 */
export const servicesCalledBy = {
  worker: ['supplier', 'paypal'],
  api: ['paypal'],
} as const satisfies Record<'worker' | 'api', readonly ServiceName[]>;

/**
 * Where the partner services are, for every process (api-main, worker-main, `npm start`, the children of
 * `start:production`, compose's containers, the tests): SUPPLIER_BASE_URL / PAYPAL_BASE_URL, else the simulators
 * this run started. Every service the process's parts call must have a non-empty address, or the process refuses
 * to start with a ConfigError naming the setting: never a process that fails on its first call.
 */
export function resolveServices(
  env: Env,
  parts: { worker: boolean; api: boolean },
  simulated: ServiceAddresses = {},
): ServiceAddresses {
  const needed = new Set<ServiceName>([
    ...(parts.worker ? servicesCalledBy.worker : []),
    ...(parts.api ? servicesCalledBy.api : []),
  ]);
  const resolved: ServiceAddresses = {};
  for (const name of needed) {
    const { variable, what } = serviceSettings[name];
    const url = env[variable] ?? simulated[name];
    if (!url) throw new ConfigError(`${variable} is required: ${what}`);
    resolved[name] = url;
  }
  return resolved;
}

/** A service resolved by resolveServices for this process. */
export function serviceUrl(services: ServiceAddresses, name: ServiceName): string {
  const url = services[name];
  if (!url) throw new ConfigError(`${serviceSettings[name].variable} is required: ${serviceSettings[name].what}`);
  return url;
}

export interface Secrets {
  /** The root key (OPERATOR_API_KEY). */
  operatorKey: string;
  /** The key sealing shop credentials, webhook secrets and linked PayPal accounts (SECRETS_KEY). */
  secretsKey: string;
}

/** The two secrets' settings, and how a development runner generates one it keeps. */
const secretSettings = {
  operatorKey: {
    variable: 'OPERATOR_API_KEY',
    file: 'operator-key',
    generate: () => `op_${randomBytes(24).toString('base64url')}`,
    why: 'the root key: without it nobody can create merchants',
  },
  secretsKey: {
    variable: 'SECRETS_KEY',
    file: 'secrets-key',
    generate: () => randomBytes(32).toString('base64'),
    why: 'shop credentials, webhook secrets and linked PayPal accounts are sealed with it',
  },
} as const satisfies Record<keyof Secrets, { variable: keyof Env; file: string; generate: () => string; why: string }>;

/**
 * The platform's secrets, the same way for every entry: the environment wins. A production process (api-main,
 * worker-main, compose) must be given them; a development runner (`npm start`, `start:production`) passes
 * `keepIn`, a directory where a missing one is generated once and kept, so that restarts print the same keys.
 */
export function resolveSecrets(env: Env, opts: { keepIn?: string } = {}): Secrets {
  return { operatorKey: resolveSecret(env, 'operatorKey', opts), secretsKey: resolveSecret(env, 'secretsKey', opts) };
}

/** One of the secrets, resolved as resolveSecrets does (a worker needs only the sealing key). */
export function resolveSecret(env: Env, name: keyof Secrets, opts: { keepIn?: string } = {}): string {
  const { variable, file, generate, why } = secretSettings[name];
  const given = env[variable];
  if (given) return given;
  if (!opts.keepIn) throw new ConfigError(`${variable} is required: ${why}`);
  const path = join(opts.keepIn, file);
  if (existsSync(path)) return readFileSync(path, 'utf8').trim();
  const value = generate();
  writeFileSync(path, `${value}\n`, { mode: 0o600 });
  return value;
}

// ---- The same settings under every way to run ----

/**
 * Settings of the development runners themselves (where `npm start` and `start:production` keep their state and
 * put their own servers), and the ones a runner sets for each process it starts or resolves for all of them.
 * Every other setting of the schema is an application setting: it reaches every API and worker unchanged under
 * `npm start` (one process reads it), `start:production` (passed to each child) and compose (x-app-env).
 */
const runnerSettings = new Set<string>([
  'NODE_ENV',
  'DATA_DIR',
  'EMBEDDED_POSTGRES_PORT',
  'TEMPORAL_PORT',
  'TEMPORAL_UI_PORT',
  'TEMPORAL_CLI_PATH',
  'SIMULATORS',
  'SUPPLIER_SIM_PORT',
  'PAYPAL_SIM_PORT',
]);
/** Set per process by the runner (each API and worker its own ports), or resolved once by it for all. */
export const perProcessSettings: readonly string[] = [
  'PORT',
  'HOST',
  'METRICS_PORT',
  'METRICS_HOST',
  'TEMPORAL_METRICS_PORT',
];
export const resolvedSettings: readonly string[] = [
  'DATABASE_URL',
  'TEMPORAL_ADDRESS',
  'OPERATOR_API_KEY',
  'SECRETS_KEY',
  'SUPPLIER_BASE_URL',
  'PAYPAL_BASE_URL',
  'PUBLIC_BASE_URL',
];

/** The application settings: what a runner passes through to its APIs and workers as it found it. */
export const applicationSettingNames: readonly string[] = settingNames.filter(
  (name) => !runnerSettings.has(name) && !perProcessSettings.includes(name) && !resolvedSettings.includes(name),
);

/**
 * Variables read outside this schema by the libraries the processes use: OpenTelemetry's `OTEL_*`, and Temporal's
 * connection settings (`@temporalio/envconfig`) — those only when the platform uses a Temporal server it did not
 * start (TEMPORAL_ADDRESS), since a runner's own server speaks plaintext without an API key.
 */
export function libraryVariables(
  source: NodeJS.ProcessEnv,
  opts: { externalTemporal: boolean },
): Record<string, string> {
  return Object.fromEntries(
    Object.entries(source).filter(
      (entry): entry is [string, string] =>
        entry[1] !== undefined &&
        entry[1] !== '' &&
        (entry[0].startsWith('OTEL_') ||
          (opts.externalTemporal && /^TEMPORAL_(TLS|API_KEY|GRPC_META_|CONFIG_FILE$|PROFILE$|CODEC_)/.test(entry[0]))),
    ),
  );
}

/** The application settings set in `source` (non-empty), to pass on to an API or a worker unchanged. */
export function applicationSettings(source: NodeJS.ProcessEnv): Record<string, string> {
  return Object.fromEntries(
    applicationSettingNames.flatMap((name) => {
      const value = source[name];
      return value === undefined || value === '' ? [] : [[name, value]];
    }),
  );
}
