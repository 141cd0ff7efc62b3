import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker, type NativeConnection, type WorkerOptions } from '@temporalio/worker';
import type { AllActivities } from '../activities/order-activities.js';

/**
 * Where the workflow code comes from: a bundle prebuilt by `npm run build` (production: no webpack at start),
 * or the TypeScript sources bundled on start (development, tests).
 */
export function workflowSource(bundlePath?: string): Pick<WorkerOptions, 'workflowBundle' | 'workflowsPath'> {
  const prebuilt = bundlePath ?? fileURLToPath(new URL('../workflow-bundle.js', import.meta.url));
  if (existsSync(prebuilt)) return { workflowBundle: { codePath: prebuilt } };
  const compiled = fileURLToPath(new URL('../workflows/index.js', import.meta.url));
  return { workflowsPath: existsSync(compiled) ? compiled : fileURLToPath(new URL('../workflows/index.ts', import.meta.url)) };
}

/** Measured on the 2-core development machine: see notes (sticky timeout and workflow task timeout). */
export const STICKY_QUEUE_TIMEOUT = '2s';

export interface OrderWorkerOptions {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  activities: AllActivities;
  workflowBundlePath?: string;
  identity?: string;
  maxCachedWorkflows?: number;
}

export async function createOrderWorker(opts: OrderWorkerOptions): Promise<Worker> {
  return Worker.create({
    connection: opts.connection,
    namespace: opts.namespace,
    taskQueue: opts.taskQueue,
    activities: opts.activities,
    ...workflowSource(opts.workflowBundlePath),
    ...(opts.identity ? { identity: opts.identity } : {}),
    ...(opts.maxCachedWorkflows !== undefined ? { maxCachedWorkflows: opts.maxCachedWorkflows } : {}),
    // Finish in-flight activities on shutdown rather than abandoning them to a timeout.
    shutdownGraceTime: '10s',
    // An order's next task goes first to the worker that has it cached; if that worker died, the server gives the
    // task to any worker after this long (the default is 10 s, which an action waiting for its answer would feel).
    stickyQueueScheduleToStartTimeout: STICKY_QUEUE_TIMEOUT,
  });
}
