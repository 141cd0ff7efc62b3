import { Connection, type ConnectionOptions } from '@temporalio/client';
import { msToNumber, type SearchAttributeType } from '@temporalio/common';
import {
  encodeSearchAttributeIndexedValueType,
  type SearchAttributeKey,
} from '@temporalio/common/lib/search-attributes.js';
import { msToTs } from '@temporalio/common/lib/time.js';
import { searchAttributeKeys } from '../domain/search-attributes.js';
import { retryUntil } from './child-process.js';

/** gRPC status codes the calls below expect. */
const NOT_FOUND = 5;
const ALREADY_EXISTS = 6;

/**
 * What the plain server does not do by itself (the CLI's dev server does): create the namespace and register
 * the custom search attributes. Idempotent like deploy/temporal/scripts/register-search-attributes.sh: an
 * existing namespace keeps its data and only gets its retention updated; registered attributes are skipped;
 * an attribute registered with another type is an error (it cannot be changed in place).
 */
export interface RegisterOptions {
  connection: ConnectionOptions;
  namespace?: string;
  /** Closed workflows are kept this long; e.g. `720h` (30 days). */
  retention?: string;
  searchAttributes?: readonly SearchAttributeKey<SearchAttributeType>[];
  timeoutMs?: number;
}

export async function registerNamespaceAndSearchAttributes(opts: RegisterOptions): Promise<void> {
  const namespace = opts.namespace ?? 'default';
  const retentionSeconds = Math.round(msToNumber((opts.retention ?? '720h') as `${number}h`) / 1000);
  const timeoutMs = opts.timeoutMs ?? 60_000;
  const connection = await Connection.connect(opts.connection);
  try {
    await ensureNamespace(connection, namespace, retentionSeconds);
    // The operator API looks the namespace up in the frontend's namespace cache, refreshed every few seconds.
    await retryUntil(`registering search attributes in ${namespace}`, timeoutMs, () =>
      ensureSearchAttributes(connection, namespace, opts.searchAttributes ?? searchAttributeKeys),
    );
    // Visibility queries resolve attribute names through the same cache: wait until one is accepted.
    const probe = (opts.searchAttributes ?? searchAttributeKeys)[0];
    if (probe) {
      await retryUntil(`search attribute ${probe.name} usable in ${namespace}`, timeoutMs, () =>
        connection.workflowService.countWorkflowExecutions({ namespace, query: `${probe.name} IS NOT NULL` }),
      );
    }
  } finally {
    await connection.close();
  }
}

async function ensureNamespace(connection: Connection, namespace: string, retentionSeconds: number): Promise<void> {
  const retention = msToTs(retentionSeconds * 1000);
  try {
    const current = await connection.workflowService.describeNamespace({ namespace });
    if (Number(current.config?.workflowExecutionRetentionTtl?.seconds ?? 0) !== retentionSeconds) {
      await connection.workflowService.updateNamespace({
        namespace,
        config: { workflowExecutionRetentionTtl: retention },
      });
    }
    return;
  } catch (error) {
    if (grpcCode(error) !== NOT_FOUND) throw error;
  }
  try {
    await connection.workflowService.registerNamespace({ namespace, workflowExecutionRetentionPeriod: retention });
  } catch (error) {
    // Created concurrently by another setup: fine.
    if (grpcCode(error) !== ALREADY_EXISTS) throw error;
  }
}

async function ensureSearchAttributes(
  connection: Connection,
  namespace: string,
  keys: readonly SearchAttributeKey<SearchAttributeType>[],
): Promise<void> {
  const { customAttributes } = await connection.operatorService.listSearchAttributes({ namespace });
  const missing: Record<string, number> = {};
  for (const key of keys) {
    const wanted = encodeSearchAttributeIndexedValueType(key.type);
    if (wanted === undefined) throw new Error(`Unknown search attribute type ${key.type}`);
    const registered = customAttributes?.[key.name];
    if (registered === undefined || registered === null) missing[key.name] = wanted;
    else if (registered !== wanted)
      throw new Error(
        `Search attribute ${key.name} is registered with type ${registered}, expected ${wanted} (${key.type}); remove it first`,
      );
  }
  if (Object.keys(missing).length === 0) return;
  try {
    await connection.operatorService.addSearchAttributes({ namespace, searchAttributes: missing });
  } catch (error) {
    if (grpcCode(error) !== ALREADY_EXISTS) throw error;
  }
  const after = await connection.operatorService.listSearchAttributes({ namespace });
  const still = Object.keys(missing).filter((name) => after.customAttributes?.[name] === undefined);
  if (still.length) throw new Error(`not listed yet: ${still.join(', ')}`);
}

function grpcCode(error: unknown): number | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'number' ? code : undefined;
}
