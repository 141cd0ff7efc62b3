import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { sayOnStderr as say, startSharedTemporal, writeWorkflowBundle } from './shared-temporal.js';

/**
 * The workflow project's one Temporal dev server and workflow bundle: no PostgreSQL, no simulators. Each test file
 * runs the real workflow code on its own task queue, with stub activities (test/support/workflow-worker.ts).
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const scratch = mkdtempSync(path.join(os.tmpdir(), 'orders-wf-'));
  const [temporal, bundlePath] = await Promise.all([
    startSharedTemporal(scratch, say),
    writeWorkflowBundle(scratch, say),
  ]);
  say(`Temporal at ${temporal.address}`);
  project.provide('temporalAddress', temporal.address);
  project.provide('workflowBundlePath', bundlePath);
  return async () => {
    await temporal.stop();
    rmSync(scratch, { recursive: true, force: true });
  };
}
