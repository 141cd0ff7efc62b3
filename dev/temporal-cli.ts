import {
  cachedBinaryPath,
  hasGo,
  isExecutable,
  provisionGoBinary,
  stderrSay,
  type GoBinarySpec,
} from '../dev/go-binary.js';

export { hasGo };

/**
 * Finds or builds the Temporal CLI (which carries the dev server and its Web UI):
 * TEMPORAL_CLI_PATH if set → a binary cached in `.cache/temporal-cli` → `go install` into that cache →
 * null, meaning "let the SDK download its own" (machines with internet and no Go).
 */
export const TEMPORAL_CLI_VERSION = '1.5.1';

const CLI: GoBinarySpec = {
  name: 'temporal-cli',
  module: 'github.com/temporalio/cli/cmd/temporal',
  version: TEMPORAL_CLI_VERSION,
  binary: 'temporal',
  expectedPackages: 1300,
};

export interface ProvisionOptions {
  projectRoot: string;
  explicitPath?: string | undefined;
  progress?: (line: string) => void;
}

export function cachedCliPath(projectRoot: string): string {
  return cachedBinaryPath(projectRoot, CLI);
}

export async function provisionTemporalCli(opts: ProvisionOptions): Promise<string | null> {
  const say = opts.progress ?? stderrSay;
  if (opts.explicitPath) {
    if (!(await isExecutable(opts.explicitPath)))
      throw new Error(`TEMPORAL_CLI_PATH=${opts.explicitPath} is not an executable file`);
    return opts.explicitPath;
  }
  if (!(await isExecutable(cachedCliPath(opts.projectRoot))) && !(await hasGo())) {
    say("[temporal-cli] Go is not installed: falling back to the Temporal SDK's own download of the dev server");
    return null;
  }
  return provisionGoBinary(CLI, { projectRoot: opts.projectRoot, progress: say });
}
