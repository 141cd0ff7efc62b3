import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Client, Connection } from '@temporalio/client';
import { OpenTelemetryWorkflowClientInterceptor } from '@temporalio/interceptors-opentelemetry';
import { NativeConnection, type Worker } from '@temporalio/worker';
import type { Logger } from 'pino';
import { SupplierClient } from '../activities/supplier/client.js';
import { createActivities } from '../activities/order-activities.js';
import { createApp } from '../api/app.js';
import { findConsoleDir } from '../api/console.js';
import { OrderService } from '../api/order-service.js';
import { createPool, type Db } from '../db/pool.js';
import { ensureCatalogSchedule } from '../worker/catalog-schedule.js';
import { ensureIdempotencyPurgeSchedule } from '../worker/maintenance-schedule.js';
import { createMaintenanceActivities } from '../activities/maintenance-activities.js';
import { createOrderWorker } from '../worker/create-worker.js';
import { createChannelGateway } from '../activities/channels/create-gateway.js';
import {
  orderTimings,
  rateLimitSettings,
  resolveServices,
  sessionSettings,
  serviceUrl,
  topUpSettings,
  type Env,
  type ServiceAddresses,
} from './config.js';
import { loadTemporalConnection } from './temporal-connection.js';
import { installTemporalLogger } from '../worker/temporal-logger.js';
import { SecretBox } from '../db/secret-box.js';
import { webhookRoutes } from '../api/webhooks/routes.js';
import { importRoutes } from '../api/routes/import.js';
import { channelRoutes } from '../api/routes/channels.js';
import { channelLabeller } from '../api/channel-directory.js';
import { orderRoutes } from '../api/routes/orders.js';
import { carrierRoutes } from '../api/routes/carriers.js';
import { eventRoutes } from '../api/routes/events.js';
import { LiveFeed } from '../api/live-feed.js';
import { ChangeListener } from '../db/change-listener.js';
import { accountRoutes } from '../api/routes/account.js';
import { healthRoutes } from '../api/routes/health.js';
import { buildOpenApi, platformSpecs } from '../api/openapi.js';
import { retryOnStart } from './startup-retry.js';
import { prepareDatabase } from './database-start.js';
import type { Tracing } from './tracing.js';
import { salesChannels } from '../channels/registry.js';
import { createTopUpActivities } from '../activities/top-up-activities.js';
import { TopUpService } from '../api/top-up-service.js';
import { OrderResumer } from '../api/order-resumer.js';
import { walletRoutes } from '../api/routes/wallet.js';
import { sessionRoutes, signInRoutes } from '../api/routes/sessions.js';
import { userRoutes } from '../api/routes/users.js';
import { signInLimits } from '../api/rate-limit.js';
import { financeRoutes } from '../api/routes/finance.js';
import { apiKeyRoutes } from '../api/routes/api-keys.js';
import { settingsRoutes } from '../api/routes/settings.js';
import { payPalLinkRoutes, payPalReturnRoutes } from '../api/routes/paypal-link.js';
import { PayPalLinkService } from '../api/paypal-link-service.js';
import { PayPalClient } from '../activities/paypal/client.js';
import { answerClientErrorsAsJson } from '../api/client-errors.js';
import { callsInFlight } from './temporal-calls-in-flight.js';

/**
 * Wires the platform's processes from configuration: the worker (activities + workflows) and the REST API.
 * `npm start` runs both in one process; production runs them as separate containers; tests run one per file.
 */
export interface PlatformOptions {
  env: Env;
  logger: Logger;
  databaseUrl: string;
  temporalAddress: string;
  /**
   * The simulators this process started, standing in for the partner services without a configured address
   * (`npm start`, tests). Addresses are resolved from the configuration by resolveServices (app/config.ts).
   */
  simulated?: ServiceAddresses;
  worker: boolean;
  api: boolean;
  apiPort?: number;
  apiHost?: string;
  workflowBundlePath?: string;
  /** Production: a worker without the prebuilt workflow bundle refuses to start instead of bundling for seconds. */
  requirePrebuiltBundle?: boolean;
  /** Spans of the Temporal client, the workflows and the activities go to this process-wide tracer (app/tracing.ts). */
  tracing?: Tracing;
  /** The worker stopped polling for good (e.g. a fatal error in the SDK): a production process exits to be restarted. */
  onWorkerFailure?: (error: unknown) => void;
  catalogSyncEveryMs?: number;
  /** Override the timings the env gives (tests use seconds where production uses hours). */
  timings?: ReturnType<typeof orderTimings>;
  /** How often the live feed (GET /v1/events) writes a comment to keep idle streams open; 15 s by default. */
  eventsHeartbeatMs?: number;
}

export interface RunningPlatform {
  apiUrl: string | null;
  db: Db;
  temporal: Client;
  worker: Worker | null;
  stop(): Promise<void>;
}

export async function startPlatform(opts: PlatformOptions): Promise<RunningPlatform> {
  const { env, logger } = opts;
  // Every service this process's parts call has an address, or it refuses to start (ConfigError).
  const services = resolveServices(env, opts, opts.simulated);
  logger.info({ services: withoutCredentials(services), worker: opts.worker, api: opts.api }, 'partner services');
  // Started before its dependencies (a reboot, compose in any order): wait for them, logging each attempt.
  const waitFor = <T>(what: string, attempt: () => Promise<T>): Promise<T> => retryOnStart(what, attempt, { logger });
  const db = createPool(opts.databaseUrl, 20);
  await prepareDatabase(opts.databaseUrl, db, { logger });
  // TLS, API key and gRPC headers from the environment (TEMPORAL_TLS_*, TEMPORAL_API_KEY…): see temporal-connection.ts.
  const { connectionOptions } = loadTemporalConnection({ address: opts.temporalAddress });
  const calls = callsInFlight();
  const connection = await waitFor('Temporal', () =>
    Connection.connect({ ...connectionOptions, interceptors: calls.interceptors }),
  );
  // Carries the request's trace into the workflow it starts, signals or updates (headers the worker reads).
  const temporal = new Client({
    connection,
    namespace: env.TEMPORAL_NAMESPACE,
    interceptors: { workflow: [new OpenTelemetryWorkflowClientInterceptor()] },
  });
  const timings = opts.timings ?? orderTimings(env);
  const stops: (() => Promise<void>)[] = [];
  // Shop credentials and webhook secrets are sealed with it; without it shop connections are unavailable.
  const box = env.SECRETS_KEY ? new SecretBox(env.SECRETS_KEY) : null;
  // One PayPal client for the process (one cached access token): the worker's charges and the API's vault calls.
  let payPalClient: PayPalClient | undefined;
  const paypal = (): PayPalClient =>
    (payPalClient ??= new PayPalClient({
      baseUrl: serviceUrl(services, 'paypal'),
      clientId: env.PAYPAL_CLIENT_ID,
      clientSecret: env.PAYPAL_CLIENT_SECRET,
      timeoutMs: env.SUPPLIER_TIMEOUT,
    }));

  let worker: Worker | null = null;
  if (opts.worker) {
    installTemporalLogger(logger);
    const native = await waitFor('Temporal (worker connection)', () => NativeConnection.connect(connectionOptions));
    const clients = {
      supplier: new SupplierClient({
        baseUrl: serviceUrl(services, 'supplier'),
        apiKey: env.SUPPLIER_API_KEY,
        timeoutMs: env.SUPPLIER_TIMEOUT,
      }),
      paypal: paypal(),
    };
    const activityLogger = logger.child({ component: 'activities' });
    const activities = {
      ...createActivities({
        db,
        ...clients,
        box,
        channels: createChannelGateway({ db, box, connectors: salesChannels, timeoutMs: env.CHANNEL_TIMEOUT, logger }),
        logger: activityLogger,
      }),
      ...createTopUpActivities({ db, paypal: clients.paypal, box, logger: activityLogger }),
      ...createMaintenanceActivities({ db, logger: activityLogger, idempotencyTtlMs: env.IDEMPOTENCY_TTL }),
    };
    worker = await createOrderWorker({
      connection: native,
      namespace: env.TEMPORAL_NAMESPACE,
      taskQueue: env.TEMPORAL_TASK_QUEUE,
      activities,
      maxCachedWorkflows: env.WORKER_MAX_CACHED_WORKFLOWS,
      maxConcurrentWorkflowTasks: env.WORKER_MAX_CONCURRENT_WORKFLOW_TASKS,
      ...(opts.workflowBundlePath ? { workflowBundlePath: opts.workflowBundlePath } : {}),
      ...(opts.requirePrebuiltBundle ? { requirePrebuiltBundle: true } : {}),
      ...(opts.tracing ? { tracing: opts.tracing } : {}),
      onLoaded: ({ source, ms }) => logger.info({ workflowCode: source, loadMs: ms }, 'workflow code loaded'),
    });
    const running = worker.run();
    running.catch((error: unknown) => {
      logger.error({ err: error }, 'worker stopped with an error');
      opts.onWorkerFailure?.(error);
    });
    await waitFor('Temporal (catalogue schedule)', () =>
      ensureCatalogSchedule(temporal, env.TEMPORAL_TASK_QUEUE, opts.catalogSyncEveryMs ?? 15 * 60_000),
    );
    await waitFor('Temporal (Idempotency-Key purge schedule)', () =>
      ensureIdempotencyPurgeSchedule(temporal, env.TEMPORAL_TASK_QUEUE, 60 * 60_000),
    );
    const w = worker;
    stops.push(async () => {
      if (w.getState() === 'RUNNING') w.shutdown();
      await running.catch(() => undefined);
      await native.close();
    });
  }

  let apiUrl: string | null = null;
  if (opts.api) {
    const orders = new OrderService({
      db,
      temporal,
      taskQueue: env.TEMPORAL_TASK_QUEUE,
      timings,
      logger,
      actionTimeoutMs: env.ACTION_TIMEOUT,
      channelLabel: channelLabeller(salesChannels),
    });
    const apiLogger = logger.child({ component: 'api' });
    // The live feed: this process's own listening connection, heard before the API answers its first request.
    const feed = new LiveFeed();
    const listener = new ChangeListener({
      databaseUrl: opts.databaseUrl,
      logger: apiLogger,
      onChange: (change) => feed.publish(change),
      onGap: () => feed.gap(),
    });
    await listener.start();
    const topUps = new TopUpService({
      db,
      temporal,
      taskQueue: env.TEMPORAL_TASK_QUEUE,
      logger: apiLogger,
      settings: topUpSettings(env, timings),
      actionTimeoutMs: env.ACTION_TIMEOUT,
    });
    const links = new PayPalLinkService({
      db,
      box,
      vault: paypal(),
      logger: apiLogger,
    });
    const sessions = sessionSettings(env);
    // Set-up links point at PUBLIC_BASE_URL (else the origin the request came to) and work for SETUP_LINK_TTL.
    const invitations = { publicBaseUrl: env.PUBLIC_BASE_URL, setupLinkTtlMs: sessions.setupLinkTtlMs };
    // Every route the API serves, built here from what it needs; each router's module documents its own routes.
    const app = createApp({
      db,
      logger: apiLogger,
      openapi: buildOpenApi(platformSpecs(salesChannels)),
      operatorKey: env.OPERATOR_API_KEY,
      bodyLimit: env.BODY_LIMIT,
      rateLimits: rateLimitSettings(env),
      corsOrigins: env.CORS_ORIGINS,
      idempotencyTtlMs: env.IDEMPOTENCY_TTL,
      sessions,
      publicBaseUrl: env.PUBLIC_BASE_URL,
      consoleDir: findConsoleDir(),
      publicRoutes: [
        healthRoutes(db, temporal, env.TEMPORAL_NAMESPACE),
        payPalReturnRoutes(links),
        signInRoutes(db, {
          lifetime: sessions,
          limits: signInLimits(db, rateLimitSettings(env)),
          publicBaseUrl: env.PUBLIC_BASE_URL,
        }),
      ],
      rawRoutes: [
        webhookRoutes({ db, box, channels: salesChannels, orders, logger: apiLogger, bodyLimit: env.BODY_LIMIT }),
        importRoutes(db, orders, { operatorKey: env.OPERATOR_API_KEY, limit: env.IMPORT_LIMIT }),
      ],
      routes: [
        orderRoutes(db, orders),
        carrierRoutes(),
        eventRoutes(feed, { heartbeatMs: opts.eventsHeartbeatMs ?? 15_000 }),
        accountRoutes(db, invitations),
        sessionRoutes(db),
        userRoutes(db, invitations),
        channelRoutes(db, box, salesChannels, {
          publicBaseUrl: env.PUBLIC_BASE_URL,
          secretGraceMs: env.WEBHOOK_SECRET_GRACE,
        }),
        walletRoutes(db, topUps),
        financeRoutes(
          db,
          topUps,
          new OrderResumer({ db, temporal, taskQueue: env.TEMPORAL_TASK_QUEUE, logger: apiLogger }),
        ),
        apiKeyRoutes(db),
        settingsRoutes(db),
        payPalLinkRoutes(db, links, { publicBaseUrl: env.PUBLIC_BASE_URL }),
      ],
    });
    const server: Server = await new Promise((resolve, reject) => {
      const s = app.listen(opts.apiPort ?? env.PORT, opts.apiHost ?? env.HOST, () => resolve(s));
      s.once('error', reject);
    });
    answerClientErrorsAsJson(server);
    const address = server.address() as AddressInfo;
    apiUrl = `http://${address.address === '0.0.0.0' || address.address === '::' ? '127.0.0.1' : address.address}:${address.port}`;
    stops.push(
      () =>
        new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeAllConnections();
        }),
    );
    // Runs before the server closes (stops run last first): open streams end cleanly, then the listener.
    stops.push(async () => {
      feed.close();
      await listener.stop();
    });
  }

  return {
    apiUrl,
    db,
    temporal,
    worker,
    async stop() {
      for (const stop of stops.reverse()) await stop();
      await calls.settled();
      await connection.close();
      await db.end();
    },
  };
}

/** The addresses as they may be logged: a user name or password written into a URL is left out. */
function withoutCredentials(services: ServiceAddresses): ServiceAddresses {
  return Object.fromEntries(
    Object.entries(services).map(([name, url]) => {
      try {
        const u = new URL(url ?? '');
        u.username = '';
        u.password = '';
        return [name, u.toString().replace(/\/$/, '')];
      } catch {
        return [name, url];
      }
    }),
  );
}
