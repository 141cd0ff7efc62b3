import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { provisionTemporalCli } from '../../dev/temporal-cli.js';
import { freePort } from '../../dev/ports.js';
import { startTemporalDevServer } from '../../dev/temporal-dev-server.js';
import { bundleOrderWorkflows } from '../../worker/workflow-bundle.js';

declare module 'vitest' {
  export interface ProvidedContext {
    temporalAddress: string;
    workflowBundlePath: string;
  }
}

export const projectRoot = fileURLToPath(new URL('../..', import.meta.url));

export type Say = (line: string) => void;
export const sayOnStderr: Say = (line) => void process.stderr.write(`[setup] ${line}\n`);

/**
 * The Temporal dev server a test project shares (TEMPORAL_ADDRESS: one already running), from the CLI cached in
 * .cache/temporal-cli; its log goes to `scratch`.
 */
export async function startSharedTemporal(
  scratch: string,
  say: Say,
  dynamicConfig: Record<string, string | number | boolean> = {},
): Promise<{ address: string; stop(): Promise<void> }> {
  if (process.env.TEMPORAL_ADDRESS) return { address: process.env.TEMPORAL_ADDRESS, stop: async () => undefined };
  const cliPath = await provisionTemporalCli({
    projectRoot,
    explicitPath: process.env.TEMPORAL_CLI_PATH,
    progress: say,
  });
  return startTemporalDevServer({
    cliPath,
    port: await freePort(),
    uiPort: null,
    fast: true,
    logFile: path.join(scratch, 'temporal.log'),
    dynamicConfig,
  });
}

/** The same bundle as production's (workflows + interceptors), built once for every worker of a project run. */
export async function writeWorkflowBundle(scratch: string, say: Say): Promise<string> {
  const quiet = (): undefined => undefined;
  const code = await bundleOrderWorkflows({
    logger: { info: quiet, warn: say, error: say, debug: quiet, trace: quiet, log: quiet },
  });
  const bundlePath = path.join(scratch, 'workflow-bundle.js');
  writeFileSync(bundlePath, code);
  return bundlePath;
}
