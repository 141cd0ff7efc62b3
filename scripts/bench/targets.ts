import { randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { defaultTimings } from '../../domain/timings.js';
import { startEphemeralStack } from '../../dev/ephemeral-stack.js';
import { freeTopologyPorts, startProductionTopology } from '../../dev/production-topology.js';

/** Where a benchmark runs: an API to call, the Temporal server behind it, the supplier simulator to stock. */
export interface BenchTarget {
  description: string;
  apiUrl: string;
  temporalAddress: string;
  supplierUrl: string;
  operatorKey: string;
  stop(): Promise<void>;
}

/** Rate limits off (twenty clients on one key would measure the limiter), no tracking polls during the run. */
const settings = { RATE_LIMIT_PER_KEY: '0' };

/** The development stack in this process: dev server (SQLite), embedded PostgreSQL, the API and one worker. */
export async function devTarget(): Promise<BenchTarget> {
  const stack = await startEphemeralStack({ ...defaultTimings, trackingPollInterval: 3_600_000 }, settings);
  return {
    description: 'development stack: Temporal dev server, the API and one worker in this process',
    apiUrl: stack.platform.apiUrl ?? '',
    temporalAddress: stack.temporalAddress,
    supplierUrl: stack.sims.supplier,
    operatorKey: stack.operatorKey,
    stop: () => stack.stop(),
  };
}

/** The production topology (dev/production-topology.ts): Temporal server on PostgreSQL, two APIs, two workers. */
export async function productionTarget(say: (line: string) => void): Promise<BenchTarget> {
  const scratch = mkdtempSync(path.join(os.tmpdir(), 'bench-production-'));
  chmodSync(scratch, 0o755); // the embedded PostgreSQL runs as its own user
  const operatorKey = `op_${randomBytes(16).toString('hex')}`;
  const topology = await startProductionTopology({
    dataDir: scratch,
    ports: await freeTopologyPorts(),
    operatorKey,
    secretsKey: randomBytes(32).toString('base64'),
    logLevel: 'warn',
    appEnv: { ...settings, TRACKING_POLL_INTERVAL: '1h' },
    say,
  });
  return {
    description: `production topology: Temporal server on PostgreSQL, ${topology.apis.length} API and ${topology.workers.length} worker processes (the bench calls the first API)`,
    apiUrl: topology.apis[0]?.url ?? '',
    temporalAddress: topology.temporal.address,
    supplierUrl: topology.simulators.supplier,
    operatorKey,
    async stop() {
      await topology.stop();
      rmSync(scratch, { recursive: true, force: true });
    },
  };
}
