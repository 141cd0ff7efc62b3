import { Router } from 'express';
import { z } from 'zod';
import type { Client } from '@temporalio/client';
import { lastCatalogSync } from '../../db/catalog.js';
import type { Db } from '../../db/pool.js';
import { OUTAGE_RETRY_AFTER_SECONDS } from '../outage.js';
import type { Spec } from '../openapi-spec.js';

const CHECK_TIMEOUT_MS = 3_000;

async function check(fn: () => Promise<string>): Promise<string> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      fn(),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error('timeout')), CHECK_TIMEOUT_MS);
      }),
    ]);
  } catch (error) {
    return `unavailable: ${(error as Error).message}`;
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Liveness says the process answers; readiness says its answers are right: PostgreSQL and Temporal reachable, and
 * the supplier's catalogue copied at least once (before that, GET /v1/products would list nothing).
 */
export function healthRoutes(db: Db, temporal: Client, namespace: string): Router {
  const router = Router();
  router.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  router.get('/readyz', async (_req, res) => {
    const [postgres, temporalStatus, catalog] = await Promise.all([
      check(async () => {
        await db.query('SELECT 1');
        return 'ok';
      }),
      check(async () => {
        await temporal.workflowService.describeNamespace({ namespace });
        return 'ok';
      }),
      check(async () => {
        const sync = await lastCatalogSync(db);
        return sync ? 'ok' : 'waiting for the first sync from the supplier';
      }),
    ]);
    const ready = postgres === 'ok' && temporalStatus === 'ok' && catalog === 'ok';
    if (!ready) res.set('Retry-After', String(OUTAGE_RETRY_AFTER_SECONDS));
    res
      .status(ready ? 200 : 503)
      .json({ status: ready ? 'ready' : 'not ready', postgres, temporal: temporalStatus, catalog });
  });
  return router;
}

/** The rows of /openapi.json these routes serve. */
export const healthSpecs: Spec[] = [
  {
    method: 'get',
    path: '/healthz',
    summary: 'The process is up',
    ok: [200, z.object({ status: z.string() }), 'Up'],
    auth: false,
  },
  {
    method: 'get',
    path: '/readyz',
    summary: 'Postgres and Temporal are reachable and the catalogue was synced at least once',
    ok: [
      200,
      z.object({ status: z.string(), postgres: z.string(), temporal: z.string(), catalog: z.string() }),
      'Ready',
    ],
    errors: [503],
    auth: false,
  },
];
