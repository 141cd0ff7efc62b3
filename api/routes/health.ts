import { Router } from 'express';
import type { Client } from '@temporalio/client';
import type { Db } from '../../db/pool.js';

/** Liveness says the process answers; readiness says its dependencies do too. */
export function healthRoutes(db: Db, temporal: Client, namespace: string): Router {
  const router = Router();
  router.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  router.get('/readyz', async (_req, res) => {
    const check = async (fn: () => Promise<unknown>): Promise<string> => {
      try {
        await Promise.race([fn(), new Promise((_, reject) => setTimeout(() => reject(new Error('timeout')), 3_000))]);
        return 'ok';
      } catch (error) {
        return `unavailable: ${(error as Error).message}`;
      }
    };
    const [postgres, temporalStatus] = await Promise.all([
      check(() => db.query('SELECT 1')),
      check(() => temporal.workflowService.describeNamespace({ namespace })),
    ]);
    const ready = postgres === 'ok' && temporalStatus === 'ok';
    res.status(ready ? 200 : 503).json({ status: ready ? 'ready' : 'not ready', postgres, temporal: temporalStatus });
  });
  return router;
}
