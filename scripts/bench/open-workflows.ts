import type { Client } from '@temporalio/client';
import type { HttpClient } from '../../dev/http-client.js';
import { bareOrder } from './bare-workflows.js';
import { benchOrder } from './order-body.js';
import { pool, sleep } from './stats.js';

/** Orders of an unfunded merchant, created and waited for until they park in PENDING_REVIEW; their ids. */
export async function parkOrders(
  api: HttpClient,
  key: string,
  numbers: number[],
  concurrency: number,
  prefix = 'parked',
): Promise<string[]> {
  const ids: string[] = [];
  await pool(numbers, concurrency, async (i) => {
    const res = await api.post('/v1/orders', benchOrder(`${prefix}-${i}`), { key });
    if (res.status !== 201 && res.status !== 202) throw new Error(`create ${res.status}: ${res.text}`);
    const id = res.body.id as string;
    while ((await api.get(`/v1/orders/${id}`, { key })).body.status !== 'PENDING_REVIEW') await sleep(250);
    ids[i - (numbers[0] ?? 0)] = id;
  });
  return ids;
}

/** Bare workflows started and waited for until their four activities are done (the point an order parks); ids. */
export async function openBareWorkflows(
  client: Client,
  taskQueue: string,
  numbers: number[],
  concurrency: number,
): Promise<string[]> {
  const ids: string[] = [];
  await pool(numbers, concurrency, async (i) => {
    const workflowId = `bare-open-${i}-${taskQueue}`;
    const handle = await client.workflow.start(bareOrder, { taskQueue, workflowId, args: [{ stayOpen: true }] });
    while ((await handle.describe()).historyLength < 4 + 4 * 6) await sleep(250);
    ids[i - (numbers[0] ?? 0)] = workflowId;
  });
  return ids;
}
