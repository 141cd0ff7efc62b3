import { createLogger } from './logger.js';
import { parseEnv, requireSetting } from './config.js';
import { startPlatform } from './platform.js';
import { onShutdown, runMain } from './shutdown.js';

/** Production entry of the worker (docker-compose `worker`): runs order workflows and their activities. */
await runMain(async () => {
  const env = parseEnv();
  const logger = createLogger(env.LOG_LEVEL, 'worker');
  const platform = await startPlatform({
    env,
    logger,
    databaseUrl: requireSetting(env, 'DATABASE_URL', 'activities write the wallet ledger and the order listing'),
    temporalAddress: requireSetting(env, 'TEMPORAL_ADDRESS', 'the worker polls the Temporal server'),
    services: {
      supplier: requireSetting(env, 'SUPPLIER_BASE_URL', "the supplier's order API (BigBuy: https://api.bigbuy.eu)"),
      paypal: requireSetting(env, 'PAYPAL_BASE_URL', "PayPal's REST API (https://api-m.paypal.com)"),
    },
    worker: true,
    api: false,
  });
  logger.info({ taskQueue: env.TEMPORAL_TASK_QUEUE }, 'worker polling');
  onShutdown(logger, () => platform.stop());
});
