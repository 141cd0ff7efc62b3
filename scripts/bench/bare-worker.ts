import { fileURLToPath } from 'node:url';
import { Worker, type NativeConnection } from '@temporalio/worker';
import type { BareActivities } from './bare-workflows.js';

export const bareWorkflowsPath = fileURLToPath(new URL('./bare-workflows.ts', import.meta.url));

const activities: BareActivities = { noop: async () => {} };

/** A worker of the platform's shape (same SDK defaults, same cache size) running only the bare workflow. */
export function createBareWorker(opts: {
  connection: NativeConnection;
  namespace?: string;
  taskQueue: string;
  maxCachedWorkflows?: number;
}): Promise<Worker> {
  return Worker.create({
    connection: opts.connection,
    namespace: opts.namespace ?? 'default',
    taskQueue: opts.taskQueue,
    workflowsPath: bareWorkflowsPath,
    activities,
    ...(opts.maxCachedWorkflows !== undefined ? { maxCachedWorkflows: opts.maxCachedWorkflows } : {}),
  });
}
