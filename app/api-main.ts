import { apiRegistry, registerOrderGauges } from '../api/metrics.js';
import { createLogger } from './logger.js';
import { parseEnv, requireSetting, resolveSecrets } from './config.js';
import { serveMetrics } from './observability.js';
import { startPlatform } from './platform.js';
import { onShutdown, runMain } from './shutdown.js';
import { startTracing } from './tracing.js';

/**
 * Production entry of the REST API (docker-compose `api`): needs DATABASE_URL, TEMPORAL_ADDRESS, OPERATOR_API_KEY,
 * SECRETS_KEY and PAYPAL_BASE_URL (linking a merchant's PayPal), each refused at start when missing or empty.
 */
await runMain(async () => {
  const env = parseEnv();
  const tracing = startTracing({ serviceName: 'dropship-api' });
  const logger = createLogger(env.LOG_LEVEL, 'api');
  // The root key and the sealing key, the same way every entry resolves them: required here.
  resolveSecrets(env);
  const metrics = await serveMetrics(env, logger, apiRegistry);
  const platform = await startPlatform({
    env,
    logger,
    databaseUrl: requireSetting(
      env,
      'DATABASE_URL',
      'the API stores merchants, wallets and the order listing in PostgreSQL',
    ),
    temporalAddress: requireSetting(env, 'TEMPORAL_ADDRESS', 'the API starts and signals order workflows'),
    worker: false,
    api: true,
    tracing,
  });
  registerOrderGauges(platform.db);
  logger.info({ url: platform.apiUrl }, 'API listening');
  onShutdown(logger, async () => {
    await platform.stop();
    await metrics.stop();
    await tracing.shutdown();
  });
});
