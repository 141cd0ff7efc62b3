import { createLogger } from './logger.js';
import { parseEnv } from './config.js';
import { onShutdown, runMain } from './shutdown.js';
import { startSimulators } from '../simulators/run.js';

/** Entry of the `simulators` container: the sandbox stand-ins for the supplier, PayPal and the shops. */
await runMain(async () => {
  const env = parseEnv();
  const logger = createLogger(env.LOG_LEVEL, 'simulators');
  const sims = await startSimulators(env, { host: env.HOST, persist: true, shipAfterMs: 5 * 60_000 });
  logger.info({ supplier: sims.supplier, paypal: sims.paypal, ...sims.shops }, 'simulators listening');
  onShutdown(logger, () => sims.close());
});
