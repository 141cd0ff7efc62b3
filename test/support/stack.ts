import { randomBytes } from 'node:crypto';
import { pino, type DestinationStream } from 'pino';
import { inject } from 'vitest';
import { defaultTimings, type OrderTimings } from '../../domain/timings.js';
import { parseEnv, type Env } from '../../app/config.js';
import { createLogger } from '../../app/logger.js';
import { startPlatform, type PlatformOptions, type RunningPlatform } from '../../app/platform.js';
import type { Tracing } from '../../app/tracing.js';
import { createDatabaseAt } from '../../dev/postgres.js';
import { createPayPalSimulator } from '../../simulators/paypal/index.js';
import { shopSandboxes } from '../../simulators/shops.js';
import { createSupplierSimulator } from '../../simulators/supplier/index.js';
import { HttpClient } from '../../dev/http-client.js';

export const OPERATOR_KEY = 'operator-test-key-0123456789';
export const SUPPLIER_KEY = 'supplier-test-key';
export const PAYPAL_ID = 'paypal-test-client';
export const PAYPAL_SECRET = 'paypal-test-secret';
export const SECRETS_KEY = '00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff';

/** Durations short enough for tests, in the same shape production configures in hours. */
export const testTimings: OrderTimings = {
  ...defaultTimings,
  fundsRetrySchedule: [60_000],
  stockRecheckInterval: 1_000,
  bankTransferExpiry: 10 * 60_000,
  trackingPollInterval: 500,
  channelCancelWait: 5_000,
  activityTimeout: 5_000,
  retryInitialInterval: 200,
  retryMaxInterval: 1_000,
};

export interface Stack {
  api: HttpClient;
  timings: OrderTimings;
  platform: RunningPlatform;
  env: Env;
  databaseUrl: string;
  taskQueue: string;
  supplier: HttpClient;
  paypal: HttpClient;
  supplierUrl: string;
  paypalUrl: string;
  /** The shop simulator of each sales channel, by type. */
  shops: Record<string, HttpClient>;
  stop(): Promise<void>;
}

export interface StackOptions {
  timings?: Partial<OrderTimings>;
  env?: Record<string, string>;
  /** false: no in-process worker; the test runs workers as child processes it can kill. */
  worker?: boolean;
  /** Where the platform's log lines go (default stderr): a test that reads every line passes its own stream. */
  logDestination?: DestinationStream;
  /** Another Temporal address than the shared dev server (e.g. a proxy the test can cut). */
  temporalAddress?: string;
  /** Another database server than the shared one (a test that stops its database runs its own). */
  postgresUrl?: string;
  /** The process's tracer (app/tracing.ts): spans of the API, the workflows and the activities go to it. */
  tracing?: Tracing;
}

/**
 * Everything one test file needs on top of the shared Temporal server and PostgreSQL: its own database, task
 * queue, supplier and PayPal simulators, worker and REST API — all real, talking over real sockets.
 */
export async function startStack(options: StackOptions = {}): Promise<Stack> {
  const suffix = randomBytes(4).toString('hex');
  const databaseUrl = await createDatabaseAt(options.postgresUrl ?? inject('postgresUrl'), `t_${suffix}`);
  const taskQueue = `orders-${suffix}`;

  const supplierSim = await createSupplierSimulator({ apiKey: SUPPLIER_KEY }).listen(0, '127.0.0.1');
  const paypalSim = await createPayPalSimulator({ clientId: PAYPAL_ID, clientSecret: PAYPAL_SECRET }).listen(
    0,
    '127.0.0.1',
  );
  const shopSims = await Promise.all(
    shopSandboxes.map(async (s) => ({ type: s.type, sim: await s.start({ host: '127.0.0.1', port: 0 }) })),
  );

  const env = parseEnv({
    OPERATOR_API_KEY: OPERATOR_KEY,
    TEMPORAL_TASK_QUEUE: taskQueue,
    SUPPLIER_API_KEY: SUPPLIER_KEY,
    PAYPAL_CLIENT_ID: PAYPAL_ID,
    PAYPAL_CLIENT_SECRET: PAYPAL_SECRET,
    SUPPLIER_TIMEOUT: '1500ms',
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'warn',
    BODY_LIMIT: '100kb',
    SECRETS_KEY,
    CHANNEL_TIMEOUT: '1500ms',
    ...options.env,
  });
  const logger = createLogger(env.LOG_LEVEL, 'test', { destination: options.logDestination ?? pino.destination(2) });
  const platform = await startPlatform({
    env,
    logger,
    databaseUrl,
    temporalAddress: options.temporalAddress ?? inject('temporalAddress'),
    simulated: { supplier: supplierSim.url, paypal: paypalSim.url },
    worker: options.worker ?? true,
    api: true,
    apiPort: 0,
    apiHost: '127.0.0.1',
    workflowBundlePath: inject('workflowBundlePath'),
    timings: { ...testTimings, ...options.timings },
    ...(options.tracing ? { tracing: options.tracing } : {}),
  });

  return {
    api: new HttpClient(platform.apiUrl ?? ''),
    timings: { ...testTimings, ...options.timings },
    platform,
    env,
    databaseUrl,
    taskQueue,
    supplier: new HttpClient(supplierSim.url),
    paypal: new HttpClient(paypalSim.url),
    supplierUrl: supplierSim.url,
    paypalUrl: paypalSim.url,
    shops: Object.fromEntries(shopSims.map(({ type, sim }) => [type, new HttpClient(sim.url)])),
    async stop() {
      await platform.stop();
      await Promise.all([supplierSim.close(), paypalSim.close(), ...shopSims.map(({ sim }) => sim.close())]);
    },
  };
}

/**
 * A second API process on the stack's database (no worker): what a second replica behind a load balancer is.
 * `options` adds platform options (e.g. a short live-feed heartbeat).
 */
export function startApiReplica(stack: Stack, options: Partial<PlatformOptions> = {}): Promise<RunningPlatform> {
  return startPlatform({
    env: stack.env,
    logger: createLogger('warn', 'replica', { destination: pino.destination(2) }),
    databaseUrl: stack.databaseUrl,
    temporalAddress: inject('temporalAddress'),
    simulated: { supplier: stack.supplierUrl, paypal: stack.paypalUrl },
    worker: false,
    api: true,
    apiPort: 0,
    apiHost: '127.0.0.1',
    ...options,
  });
}
