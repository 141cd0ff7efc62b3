import { randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { pino } from 'pino';
import type { OrderTimings } from '../domain/timings.js';
import { parseEnv, type Env } from '../app/config.js';
import { startPlatform, type RunningPlatform } from '../app/platform.js';
import { startPostgres } from './postgres.js';
import { provisionTemporalCli } from './temporal-cli.js';
import { freePort } from './ports.js';
import { startTemporalDevServer } from './temporal-dev-server.js';
import { startSimulators, type RunningSimulators } from '../simulators/run.js';
import { shopSandboxes } from '../simulators/shops.js';

/** A throwaway platform for scripts (benchmarks, history recording): its own Temporal, Postgres and simulators. */
export interface EphemeralStack {
  platform: RunningPlatform;
  sims: RunningSimulators;
  env: Env;
  temporalAddress: string;
  databaseUrl: string;
  cliPath: string | null;
  operatorKey: string;
  stop(): Promise<void>;
}

export const projectRoot = fileURLToPath(new URL('..', import.meta.url));

export interface EphemeralStackOptions {
  /**
   * Run the order worker in this process (the default). Without it only the API and the simulators run here, and
   * the caller starts a worker of its own against `temporalAddress` and `databaseUrl` (e.g. `node
   * dist/app/worker-main.js`, as production runs it, sealing with `env.SECRETS_KEY`).
   */
  worker?: boolean;
}

export async function startEphemeralStack(
  timings: OrderTimings,
  extraEnv: Record<string, string> = {},
  opts: EphemeralStackOptions = {},
): Promise<EphemeralStack> {
  const scratch = mkdtempSync(path.join(os.tmpdir(), 'orders-script-'));
  chmodSync(scratch, 0o755);
  const cliPath = await provisionTemporalCli({ projectRoot, explicitPath: process.env.TEMPORAL_CLI_PATH });
  const temporal = await startTemporalDevServer({ cliPath, port: await freePort(), uiPort: null, fast: true });
  const postgres = await startPostgres({ dataDir: path.join(scratch, 'pg'), port: await freePort(), ephemeral: true });
  const operatorKey = 'ephemeral-operator-key-0123';
  const env = parseEnv({
    ...process.env,
    OPERATOR_API_KEY: operatorKey,
    // Linked PayPal accounts and shop credentials are stored sealed: a throwaway key for a throwaway stack.
    SECRETS_KEY: randomBytes(32).toString('hex'),
    LOG_LEVEL: 'warn',
    SUPPLIER_SIM_PORT: String(await freePort()),
    PAYPAL_SIM_PORT: String(await freePort()),
    ...extraEnv,
  });
  // Each shop simulator on a free port of its own, whatever the registered sales channels are.
  const shopPorts: Record<string, number> = {};
  for (const sandbox of shopSandboxes) shopPorts[sandbox.port.variable] = await freePort();
  const sims = await startSimulators({ ...env, ...shopPorts });
  const platform = await startPlatform({
    env,
    logger: pino({ level: env.LOG_LEVEL }),
    databaseUrl: postgres.url,
    temporalAddress: temporal.address,
    simulated: { supplier: sims.supplier, paypal: sims.paypal },
    worker: opts.worker ?? true,
    api: true,
    apiPort: 0,
    apiHost: '127.0.0.1',
    timings,
  });
  return {
    platform,
    sims,
    env,
    temporalAddress: temporal.address,
    databaseUrl: postgres.url,
    cliPath,
    operatorKey,
    async stop() {
      await platform.stop();
      await sims.close();
      await postgres.stop();
      await temporal.stop();
      rmSync(scratch, { recursive: true, force: true });
    },
  };
}
