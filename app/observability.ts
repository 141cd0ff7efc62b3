import { collectDefaultMetrics, type Registry } from 'prom-client';
import type { Logger } from 'pino';
import type { Env } from './config.js';
import { startMetricsServer, type RunningMetricsServer } from './metrics-server.js';

/**
 * `/metrics` for a production entry point: the process's registry with Node's own figures (CPU, memory, event
 * loop lag, GC) added, served on METRICS_PORT from the start, so that a process still waiting for its
 * dependencies is already visible to Prometheus.
 */
export async function serveMetrics(
  env: Env,
  logger: Logger,
  registry: Registry,
  sdkMetricsUrl?: string,
): Promise<RunningMetricsServer> {
  collectDefaultMetrics({ register: registry });
  const server = await startMetricsServer({
    port: env.METRICS_PORT,
    host: env.METRICS_HOST,
    registries: [registry],
    ...(sdkMetricsUrl ? { sdkMetricsUrl } : {}),
  });
  logger.info({ url: server.url }, 'metrics served');
  return server;
}
