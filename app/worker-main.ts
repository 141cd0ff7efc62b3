import { workerRegistry } from '../worker/activity-metrics.js';
import { installTemporalLogger } from '../worker/temporal-logger.js';
import { createLogger } from './logger.js';
import { parseEnv, requireSetting, resolveSecret } from './config.js';
import { serveMetrics } from './observability.js';
import { startPlatform } from './platform.js';
import { onShutdown, runMain } from './shutdown.js';
import { startTracing } from './tracing.js';

/**
 * Production entry of the worker (docker-compose `worker`): runs order workflows and their activities. Needs
 * DATABASE_URL, TEMPORAL_ADDRESS, SECRETS_KEY, SUPPLIER_BASE_URL and PAYPAL_BASE_URL.
 */
await runMain(async () => {
  const env = parseEnv();
  const tracing = startTracing({ serviceName: 'dropship-worker' });
  const logger = createLogger(env.LOG_LEVEL, 'worker');
  // Linked PayPal accounts and shop credentials are unsealed by activities: SECRETS_KEY is required here.
  resolveSecret(env, 'secretsKey');
  // The SDK's exporter listens on loopback only: /metrics on METRICS_PORT serves it with the business counters.
  const sdkMetrics = `127.0.0.1:${env.TEMPORAL_METRICS_PORT}`;
  installTemporalLogger(logger, { prometheusBindAddress: sdkMetrics });
  const metrics = await serveMetrics(env, logger, workerRegistry, `http://${sdkMetrics}/metrics`);
  const platform = await startPlatform({
    env,
    logger,
    databaseUrl: requireSetting(env, 'DATABASE_URL', 'activities write the wallet ledger and the order listing'),
    temporalAddress: requireSetting(env, 'TEMPORAL_ADDRESS', 'the worker polls the Temporal server'),
    worker: true,
    api: false,
    tracing,
    ...(env.WORKFLOW_BUNDLE_PATH ? { workflowBundlePath: env.WORKFLOW_BUNDLE_PATH } : {}),
    requirePrebuiltBundle: env.NODE_ENV === 'production',
    // A worker that stopped polling must not linger as a healthy-looking process: exit, the supervisor restarts it.
    onWorkerFailure: () => process.exit(1),
  });
  logger.info({ taskQueue: env.TEMPORAL_TASK_QUEUE }, 'worker polling');
  onShutdown(logger, async () => {
    await platform.stop();
    await metrics.stop();
    await tracing.shutdown();
  });
});
