import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { defaultTimings } from '../domain/timings.js';
import { startEphemeralStack, projectRoot } from '../dev/ephemeral-stack.js';
import { fuzz } from '../dev/fuzz/run.js';
import { fuzzEnv, prepareTargets, summarize } from '../dev/fuzz/setup.js';
import { HttpClient } from '../dev/http-client.js';

/**
 * `npm run fuzz`: FUZZ_REQUESTS (default 10,000) generated hostile requests against a throwaway stack of its own
 * (Temporal dev server, embedded PostgreSQL, simulators, worker, API); prints requests, 5xx, hangs, duration.
 * FUZZ_SEED replays a run. Exits 1 when any answer was a 5xx, a hang, a wrong error shape or a refused request
 * that changed something.
 */
const requests = Number(process.env.FUZZ_REQUESTS ?? 10_000);
const say = (line: string): void => void process.stdout.write(`${line}\n`);

say('starting a throwaway stack…');
const stack = await startEphemeralStack(
  { ...defaultTimings, trackingPollInterval: 3_600_000 },
  { ...fuzzEnv, BODY_LIMIT: '100kb', SECRETS_KEY: randomBytes(32).toString('hex') },
);
const db = new pg.Client({ connectionString: stack.platform.db.options.connectionString });
let failed = true;
try {
  await db.connect();
  const api = new HttpClient(stack.platform.apiUrl ?? '');
  const targets = await prepareTargets({
    api,
    operatorKey: stack.operatorKey,
    projectRoot,
    shops: stack.sims.shops,
    paypal: stack.sims.paypal,
  });
  say(`fuzzing ${requests} requests…`);
  const report = await fuzz({
    baseUrl: api.baseUrl,
    targets,
    db,
    requests,
    ...(process.env.FUZZ_SEED ? { seed: Number(process.env.FUZZ_SEED) } : {}),
    onProgress: (done) => say(`  ${done} requests`),
  });
  say(summarize(report));
  for (const p of report.problems.slice(0, 10))
    say(`${p.kind} ${p.status ?? ''} ${p.request.method} ${p.request.path.slice(0, 200)} → ${p.detail.slice(0, 300)}`);
  failed = report.problems.length > 0;
} finally {
  await db.end().catch(() => undefined);
  await stack.stop();
}
process.exit(failed ? 1 : 0);
