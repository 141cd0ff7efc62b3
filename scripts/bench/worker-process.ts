import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { applicationSettings } from '../../app/config.js';
import { SupervisedProcess } from '../../dev/supervised-process.js';
import type { EphemeralStack } from '../../dev/ephemeral-stack.js';
import { freePort } from '../../dev/ports.js';
import { appEnvironment, workerProcess } from '../../dev/production-topology.js';

/**
 * The order worker as a process of its own, the way production runs it (dev/production-topology.ts): `node
 * dist/app/worker-main.js` on the prebuilt workflow bundle (NODE_ENV=production), against an ephemeral stack
 * started with `worker: false`, sealing with the stack's SECRETS_KEY. Call ensureBuilt first.
 */
export interface BenchWorker {
  readonly pid: number;
  /** Starts of the process, the first included: more than one means it crashed and was restarted. */
  readonly starts: number;
  /** The worker's `/metrics`: its own registry with the SDK's exporter appended. */
  metricsUrl: string;
  logFile: string;
  scrape(): Promise<string>;
  /** VmRSS and VmHWM (peak RSS) from /proc; `ps` gives the RSS alone elsewhere (peak null). */
  memory(): { rss: number; peak: number | null };
  stop(): Promise<void>;
}

export async function startWorkerProcess(
  stack: EphemeralStack,
  /** Over the application settings of this process's environment (e.g. timings as durations). */
  settings: Record<string, string> = {},
): Promise<BenchWorker> {
  const metricsPort = await freePort();
  const metricsUrl = `http://127.0.0.1:${metricsPort}/metrics`;
  const logFile = path.join(os.tmpdir(), `bench-worker-${process.pid}.log`);
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: process.env.HOME ?? '/tmp',
    ...appEnvironment({
      databaseUrl: stack.databaseUrl,
      temporalAddress: stack.temporalAddress,
      operatorKey: stack.operatorKey,
      // The API in this process seals with it: the worker must unseal with the same key.
      secretsKey: stack.env.SECRETS_KEY ?? '',
      publicBaseUrl: stack.platform.apiUrl ?? 'http://127.0.0.1:3000',
      supplierBaseUrl: stack.sims.supplier,
      paypalBaseUrl: stack.sims.paypal,
      settings: {
        // WORKER_MAX_CACHED_WORKFLOWS, WORKER_MAX_CONCURRENT_WORKFLOW_TASKS… as this process was given them.
        ...applicationSettings(process.env),
        LOG_LEVEL: 'warn',
        TEMPORAL_NAMESPACE: stack.env.TEMPORAL_NAMESPACE,
        TEMPORAL_TASK_QUEUE: stack.env.TEMPORAL_TASK_QUEUE,
        ...settings,
      },
    }),
    METRICS_HOST: '127.0.0.1',
  };
  if (process.env.WORKFLOW_BUNDLE_PATH) env.WORKFLOW_BUNDLE_PATH = process.env.WORKFLOW_BUNDLE_PATH;
  // Supervised as in the topology: a crash is told on stderr, restarted, and counted in `starts`.
  const worker = new SupervisedProcess({
    ...workerProcess({ env, metricsUrl, metricsPort, sdkMetricsPort: await freePort() }),
    name: 'worker',
    logFile,
    say: (line) => void process.stderr.write(`[bench] ${line}\n`),
  });
  await worker.start();
  const scrape = async (): Promise<string> => {
    const res = await fetch(metricsUrl, { signal: AbortSignal.timeout(10_000) });
    if (!res.ok) throw new Error(`${metricsUrl} answered ${res.status}`);
    return res.text();
  };
  const pid = (): number => {
    if (worker.pid === undefined) throw new Error('the worker process is not running');
    return worker.pid;
  };
  return {
    get pid() {
      return pid();
    },
    get starts() {
      return worker.starts;
    },
    metricsUrl,
    logFile,
    scrape,
    memory: () => processMemory(pid()),
    stop: () => worker.stop(15_000),
  };
}

/** A process's resident memory now and at its peak, in bytes. */
export function processMemory(pid: number): { rss: number; peak: number | null } {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kib = (field: string): number | null => {
      const m = new RegExp(`^${field}:\\s*(\\d+)\\s*kB`, 'm').exec(status);
      return m ? Number(m[1]) * 1024 : null;
    };
    const rss = kib('VmRSS');
    if (rss !== null) return { rss, peak: kib('VmHWM') };
  } catch {
    // No /proc (macOS): ps has the RSS, not the peak.
  }
  const rss = Number(execFileSync('ps', ['-o', 'rss=', '-p', String(pid)], { encoding: 'utf8' }).trim()) * 1024;
  return { rss, peak: null };
}
