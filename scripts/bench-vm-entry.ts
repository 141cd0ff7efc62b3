import vm from 'node:vm';
import { performance } from 'node:perf_hooks';

/**
 * `npx tsx scripts/bench-vm-entry.ts`: what one entry into a V8 context costs, the way the Temporal SDK enters a
 * workflow's (microtasks run after each evaluation; a timeout, the worker's `isolateExecutionTimeout`), beside the
 * same entry without a timeout. Node starts and joins a watchdog thread for each call given a timeout
 * (nodejs/node#47739); the SDK makes at least four such calls per workflow activation. VM_ENTRY_CALLS (default
 * 20,000) per case, three rounds.
 */
const CALLS = Number(process.env.VM_ENTRY_CALLS ?? 20_000);
const context = vm.createContext({}, { microtaskMode: 'afterEvaluate' });
const script = new vm.Script('globalThis.n = (globalThis.n ?? 0) + 1');

const perCall = (options: vm.RunningScriptOptions): number => {
  const started = performance.now();
  for (let i = 0; i < CALLS; i++) script.runInContext(context, options);
  return ((performance.now() - started) * 1000) / CALLS;
};

for (let round = 1; round <= 3; round++) {
  const without = perCall({});
  const withTimeout = perCall({ timeout: 5_000 });
  process.stdout.write(
    `round ${round}: ${without.toFixed(1)} µs per entry without a timeout, ${withTimeout.toFixed(1)} µs with a 5 s timeout (${CALLS} calls each)\n`,
  );
}
