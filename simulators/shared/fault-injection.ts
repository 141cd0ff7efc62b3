import type { NextFunction, Request, Response, RequestHandler, Router } from 'express';
import { z } from 'zod';
import type { FaultQueue, QueuedFault } from './fault-queue.js';

/** How many requests a queued fault applies to: every simulator takes 1 to 1000, once by default. */
export const faultTimes = z.number().int().min(1).max(1000).default(1);

interface Fault {
  route: string;
  times: number;
  kind: string;
  delayMs?: number | undefined;
}

/**
 * A middleware applying the next fault queued for `route`. A `slow` fault waits `delayMs` (else `slowMs`) and
 * then lets the request be served for real, even if the client gave up meanwhile: that is how an answer gets
 * lost while the change still happens. Every other kind is answered by `answer`, in the simulated service's words.
 */
export function injectFaults<F extends Fault, R extends string>(
  faults: FaultQueue<F, R>,
  route: R,
  answer: (fault: QueuedFault<F>, res: Response, next: NextFunction) => void,
  slowMs = 1000,
): RequestHandler {
  return async (_req: Request, res: Response, next: NextFunction) => {
    const fault = faults.take(route);
    if (!fault) return next();
    if (fault.kind === 'slow') {
      await faults.timers.sleep(fault.delayMs ?? slowMs);
      return next();
    }
    answer(fault, res, next);
  };
}

/**
 * `GET /faults` lists what is queued, `POST /faults` queues one (201 with the fault and the queue's length, or
 * `invalid`'s 400), `DELETE /faults` clears them and says how many were dropped.
 */
export function faultAdminRoutes<F extends Fault, R extends string>(
  router: Router,
  faults: FaultQueue<F, R>,
  schema: z.ZodType<F>,
  invalid: (res: Response, error: z.ZodError) => void,
): void {
  router.get('/faults', (_req, res) => {
    res.json({ faults: faults.list() });
  });
  router.post('/faults', (req, res) => {
    const parsed = schema.safeParse(req.body ?? {});
    if (!parsed.success) return invalid(res, parsed.error);
    res.status(201).json({ fault: faults.add(parsed.data), queued: faults.list().length });
  });
  router.delete('/faults', (_req, res) => {
    res.json({ cleared: faults.clear() });
  });
}

/** A zod refusal as the admin surfaces report it: each issue's dotted path and message. */
export function issueList(error: z.ZodError): { path: string; message: string }[] {
  return error.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
}
