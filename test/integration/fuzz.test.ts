import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { waitFor } from '../../dev/http-client.js';
import { fuzz } from '../../dev/fuzz/run.js';
import { fuzzEnv, prepareTargets, summarize } from '../../dev/fuzz/setup.js';
import { OPERATOR_KEY, startStack, type Stack } from '../support/stack.js';

/**
 * Property-based fuzzing of the whole HTTP surface (every operation of /openapi.json, signed shop webhooks, import
 * files), CI's share: FUZZ_REQUESTS (default 2,000). `npm run fuzz` runs 10,000 on a stack of its own.
 */
const REQUESTS = Number(process.env.FUZZ_REQUESTS ?? 2_000);

let stack: Stack;
let db: pg.Client;
beforeAll(async () => {
  stack = await startStack({ env: fuzzEnv });
  db = new pg.Client({ connectionString: stack.databaseUrl });
  await db.connect();
});
afterAll(async () => {
  await db?.end();
  await stack?.stop();
});

describe(`${REQUESTS} generated hostile requests`, () => {
  it('get no 5xx, no hang, always {error:{code,message}}, and a refused request changes nothing', async () => {
    const targets = await prepareTargets({
      api: stack.api,
      operatorKey: OPERATOR_KEY,
      projectRoot: inject('projectRoot'),
      shops: Object.fromEntries(Object.entries(stack.shops).map(([type, shop]) => [type, shop.baseUrl])),
      paypal: stack.paypalUrl,
    });
    const report = await fuzz({
      baseUrl: stack.api.baseUrl,
      targets,
      db,
      requests: REQUESTS,
      ...(process.env.FUZZ_SEED ? { seed: Number(process.env.FUZZ_SEED) } : {}),
      stopAtFirstProblem: true,
    });
    console.log(summarize(report));
    expect(
      report.problems.map((p) => ({ ...p, request: { ...p.request, body: p.request.body?.slice(0, 300) } })),
    ).toEqual([]);
    expect(report.requests).toBe(REQUESTS);
    // Every operation was reached.
    expect(Object.keys(report.byOperation).length).toBeGreaterThan(25);
  }, 1_800_000);

  it('left no workflow without its order row, nor a row without its workflow', async () => {
    const rows = new Set((await db.query('SELECT id FROM orders')).rows.map((r) => `order-${r.id as string}`));
    const query = `WorkflowType="orderWorkflowV2" AND TaskQueue="${stack.taskQueue}"`;
    let seen: string[] = [];
    await waitFor(
      'visibility to list every order workflow',
      async () => {
        const ids = new Set<string>();
        for await (const wf of stack.platform.temporal.workflow.list({ query })) ids.add(wf.workflowId);
        seen = [...ids].sort();
        return seen.length === rows.size || false;
      },
      { timeoutMs: 60_000 },
    ).catch(() => undefined);
    expect(seen).toEqual([...rows].sort());
  });
});
