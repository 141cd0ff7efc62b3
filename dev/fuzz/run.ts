import fc from 'fast-check';
import type pg from 'pg';
import { anyRequest, type FuzzRequest, type FuzzTargets } from './requests.js';

/**
 * Sends generated requests one after another to a running platform and checks every answer:
 * - never a 5xx;
 * - an answer within `answerWithinMs` (a generous bound: past it the request counts as a hang, not as slow);
 * - every error is JSON `{error: {code, message}}`;
 * - a refused write changed nothing (merchants, orders, shop connections and their secrets, webhook deliveries,
 *   top-ups, settings are the same before and after).
 */
export interface FuzzProblem {
  kind: '5xx' | 'hang' | 'error shape' | 'state changed';
  request: FuzzRequest;
  status?: number;
  detail: string;
}

export interface FuzzReport {
  requests: number;
  byStatus: Record<string, number>;
  byOperation: Record<string, number>;
  problems: FuzzProblem[];
  durationMs: number;
  seed: number;
}

export interface FuzzOptions {
  baseUrl: string;
  targets: FuzzTargets;
  /** A connection to the platform's database, for the before/after state of refused writes. */
  db: pg.Client;
  requests: number;
  seed?: number;
  answerWithinMs?: number;
  /** Stop at the first problem (tests), or run them all and count (the `npm run fuzz` report). */
  stopAtFirstProblem?: boolean;
  onProgress?: (done: number, report: FuzzReport) => void;
}

const STATE_SQL = `SELECT
  (SELECT count(*) FROM merchants) AS merchants,
  (SELECT count(*) FROM orders) AS orders,
  (SELECT count(*) || '/' || coalesce(md5(string_agg(id || webhook_secret_enc || coalesce(deleted_at::text, ''), ',' ORDER BY id)), '') FROM channel_connections) AS channels,
  (SELECT count(*) FROM webhook_deliveries) AS deliveries,
  -- Only what a request writes before it answers: a PayPal top-up's credit lands later, from its workflow.
  (SELECT count(*) || '/' || coalesce(sum(balance_delta), 0) FROM wallet_transactions WHERE kind = 'adjustment') AS adjustments,
  (SELECT count(*) FROM top_ups) AS top_ups,
  (SELECT count(*) || '/' || count(revoked_at) FROM api_keys) AS api_keys,
  (SELECT count(*) FROM audit_log) AS audit,
  (SELECT count(*) || '/' || count(disabled_at) || '/' || count(password_hash) FROM users) AS users,
  (SELECT count(*) FROM sessions) AS sessions,
  (SELECT coalesce(md5(string_agg(merchant_id || paypal_enabled || coalesce(paypal_vault_id_enc, ''), ',' ORDER BY merchant_id)), '') FROM merchant_settings) AS settings`;

async function state(db: pg.Client): Promise<string> {
  return JSON.stringify((await db.query(STATE_SQL)).rows[0]);
}

const isWrite = (method: string): boolean => method !== 'GET' && method !== 'OPTIONS' && method !== 'HEAD';

/** Follows what the fuzzer itself changed that later requests depend on (a rotated webhook secret, new ids). */
function learn(req: FuzzRequest, status: number, body: unknown, targets: FuzzTargets): void {
  if (status >= 300 || body === null || typeof body !== 'object') return;
  const b = body as Record<string, unknown>;
  const rotated = /^\/v1\/channels\/(chc_[^/]+)\/webhook-secret$/.exec(req.path);
  if (rotated && req.body) {
    const hook = targets.webhooks.find((w) => w.id === rotated[1]);
    const secret = (JSON.parse(req.body) as { webhookSecret?: unknown }).webhookSecret;
    if (hook && typeof secret === 'string') hook.secret = secret;
  }
  if (typeof b.id === 'string' && /^ord_[0-9a-f]{24}$/.test(b.id) && !targets.orderIds.includes(b.id))
    targets.orderIds.push(b.id);
}

export async function fuzz(opts: FuzzOptions): Promise<FuzzReport> {
  const started = Date.now();
  const seed = opts.seed ?? Date.now() % 2 ** 31;
  const report: FuzzReport = { requests: 0, byStatus: {}, byOperation: {}, problems: [], durationMs: 0, seed };
  const within = opts.answerWithinMs ?? 60_000;

  const check = async (req: FuzzRequest): Promise<boolean> => {
    const before = isWrite(req.method) ? await state(opts.db) : null;
    let status: number;
    let text: string;
    try {
      const res = await fetch(`${opts.baseUrl}${req.path}`, {
        method: req.method,
        // An API client asks for JSON; only a browser coming back from PayPal is answered a page.
        headers: { accept: 'application/json', ...req.headers },
        ...(req.body !== undefined ? { body: req.body } : {}),
        signal: AbortSignal.timeout(within),
      });
      status = res.status;
      // A live feed (GET /v1/events) that accepted the request stays open by design: its answer is the status.
      if (res.ok && res.headers.get('content-type')?.startsWith('text/event-stream')) {
        await res.body?.cancel();
        text = '';
      } else {
        text = await res.text();
      }
    } catch (error) {
      report.requests += 1;
      const timedOut = (error as Error).name === 'TimeoutError';
      report.problems.push({ kind: timedOut ? 'hang' : '5xx', request: req, detail: (error as Error).message });
      return false;
    }
    report.requests += 1;
    report.byStatus[status] = (report.byStatus[status] ?? 0) + 1;
    report.byOperation[req.op] = (report.byOperation[req.op] ?? 0) + 1;
    const problems: FuzzProblem[] = [];
    let body: unknown = null;
    try {
      body = text ? JSON.parse(text) : null;
    } catch {
      // checked below for errors
    }
    if (status >= 500) problems.push({ kind: '5xx', request: req, status, detail: text.slice(0, 500) });
    if (status >= 400) {
      const error = (body as { error?: { code?: unknown; message?: unknown } } | null)?.error;
      if (typeof error?.code !== 'string' || typeof error.message !== 'string')
        problems.push({ kind: 'error shape', request: req, status, detail: text.slice(0, 300) });
      if (before !== null) {
        const after = await state(opts.db);
        if (after !== before)
          problems.push({ kind: 'state changed', request: req, status, detail: `${before} → ${after}` });
      }
    }
    learn(req, status, body, opts.targets);
    report.problems.push(...problems);
    if (report.requests % 250 === 0) opts.onProgress?.(report.requests, report);
    return problems.length === 0;
  };

  const result = await fc.check(
    fc.asyncProperty(anyRequest(opts.targets), async (req) => (await check(req)) || !opts.stopAtFirstProblem),
    { numRuns: opts.requests, seed, endOnFailure: true },
  );
  // A property returning false is a problem already recorded; anything else that failed is the fuzzer's own error.
  if (result.failed && report.problems.length === 0 && result.errorInstance) throw result.errorInstance;
  report.durationMs = Date.now() - started;
  return report;
}
