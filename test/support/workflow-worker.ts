import { randomBytes } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import { DefaultLogger, NativeConnection, Runtime } from '@temporalio/worker';
import { inject } from 'vitest';
import type { AllActivities } from '../../activities/order-activities.js';
import type { TopUpMethodActivities } from '../../activities/top-up-methods/index.js';
import type { TopUpActivities, TopUpProjectionActivities } from '../../activities/types.js';
import { createOrderWorker } from '../../worker/create-worker.js';

/** The order workflow's activities, and the top-up workflow's where a test runs top-ups. */
export type StubActivities = AllActivities &
  Partial<TopUpActivities & TopUpMethodActivities & TopUpProjectionActivities>;

let quietRuntime: Runtime | undefined;

export interface WorkflowWorker {
  client: Client;
  taskQueue: string;
  stop(): Promise<void>;
}

/**
 * The real workflow code (the project's bundle) on a task queue of its own, with the activities the test gives:
 * stubs answering what the test says, so a workflow's paths run in a second without PostgreSQL or simulators.
 */
export async function startWorkflowWorker(activities: StubActivities): Promise<WorkflowWorker> {
  // The SDK's own lines (worker state changes) only when something is wrong; once per process (test file).
  if (!quietRuntime) quietRuntime = Runtime.install({ logger: new DefaultLogger('WARN') });
  const address = inject('temporalAddress');
  const taskQueue = `workflows-${randomBytes(4).toString('hex')}`;
  const native = await NativeConnection.connect({ address });
  const worker = await createOrderWorker({
    connection: native,
    namespace: 'default',
    taskQueue,
    activities,
    workflowBundlePath: inject('workflowBundlePath'),
  });
  const running = worker.run();
  const connection = await Connection.connect({ address });
  return {
    client: new Client({ connection, namespace: 'default' }),
    taskQueue,
    async stop() {
      worker.shutdown();
      await running;
      await connection.close();
      await native.close();
    },
  };
}
