import { pino } from 'pino';
import { createLogger } from '../../app/logger.js';
import { parseEnv } from '../../app/config.js';
import { startPlatform } from '../../app/platform.js';

/**
 * A worker in its own OS process, so a test can kill it with SIGKILL mid-order (as a crashed machine would)
 * and start another. Configured entirely through its environment by test/support/worker-child.ts.
 */
const env = parseEnv();
const logger = createLogger(env.LOG_LEVEL, 'worker', { destination: pino.destination(2) });
const platform = await startPlatform({
  env,
  logger,
  databaseUrl: process.env.DATABASE_URL ?? '',
  temporalAddress: process.env.TEMPORAL_ADDRESS ?? '',
  worker: true,
  api: false,
  workflowBundlePath: process.env.WORKFLOW_BUNDLE_PATH ?? '',
});
process.stdout.write('worker ready\n');
process.on('SIGTERM', () => {
  void platform.stop().then(() => process.exit(0));
});
