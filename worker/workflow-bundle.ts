import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { bundleWorkflowCode, type WorkerOptions } from '@temporalio/worker';

/**
 * The workflow code a worker runs, and the one place that says what goes into it: the order workflows and our
 * tracing interceptors (workflows/tracing.ts: run and activity spans handed to the worker through a sink, without
 * the OpenTelemetry SDK in every workflow). A prebuilt bundle must be made by the same function the development
 * fallback uses, or production would run different code than the tests.
 */

/** A module of workflow code: compiled JavaScript beside this file in dist/, the TypeScript source otherwise. */
function codeModule(dir: 'workflows' | 'domain', name: string): string {
  const compiled = fileURLToPath(new URL(`../${dir}/${name}.js`, import.meta.url));
  return existsSync(compiled) ? compiled : fileURLToPath(new URL(`../${dir}/${name}.ts`, import.meta.url));
}

export const workflowInterceptorModules: string[] = [codeModule('workflows', 'tracing')];

/**
 * Modules evaluated once per worker and shared by every workflow it runs, instead of once in each cached workflow:
 * zod (workflows/shared-libraries.ts) and libphonenumber's metadata (domain/phone-validity.ts, for the legacy
 * in-workflow checks) were most of an open order's memory (docs/capacity.md). The SDK deep-freezes what it shares,
 * so only modules that never write to their own objects belong here: not our schemas, which zod completes lazily.
 */
export const workflowPreloadModules: string[] = [
  codeModule('workflows', 'shared-libraries'),
  codeModule('domain', 'phone-validity'),
];

/** The workflow entry module. */
export function workflowsEntry(): string {
  return codeModule('workflows', 'index');
}

/** The bundle `npm run build` writes next to the compiled code (dist/workflow-bundle.js). */
export const defaultBundlePath = fileURLToPath(new URL('../workflow-bundle.js', import.meta.url));

export async function bundleOrderWorkflows(
  opts: { logger?: Parameters<typeof bundleWorkflowCode>[0]['logger'] } = {},
): Promise<string> {
  const { code } = await bundleWorkflowCode({
    workflowsPath: workflowsEntry(),
    workflowInterceptorModules,
    preloadModules: workflowPreloadModules,
    ...(opts.logger ? { logger: opts.logger } : {}),
  });
  return code;
}

export type WorkflowSource = Pick<WorkerOptions, 'workflowBundle' | 'workflowsPath'> & {
  /** What the worker runs, for its start-up log line. */
  description: string;
  /** Interceptor modules to bundle at start; empty with a prebuilt bundle (they are inside it). */
  interceptorModules: string[];
};

export class MissingWorkflowBundle extends Error {}

/**
 * A prebuilt bundle when there is one (production: no webpack at start, a restarted worker polls within a second
 * or two). Without one, a production worker refuses to start rather than silently spending 6–13 s in webpack on
 * every restart; development and tests bundle the sources on start.
 */
export function workflowSource(
  opts: { bundlePath?: string | undefined; requirePrebuilt?: boolean } = {},
): WorkflowSource {
  const prebuilt = opts.bundlePath || defaultBundlePath;
  if (existsSync(prebuilt))
    return {
      workflowBundle: { codePath: prebuilt },
      description: `prebuilt bundle ${prebuilt}`,
      interceptorModules: [],
    };
  if (opts.requirePrebuilt) {
    throw new MissingWorkflowBundle(
      `The prebuilt workflow bundle ${prebuilt} is missing: run \`npm run build\` (or set WORKFLOW_BUNDLE_PATH)`,
    );
  }
  const entry = workflowsEntry();
  return {
    workflowsPath: entry,
    description: `bundled on start from ${entry}`,
    interceptorModules: workflowInterceptorModules,
  };
}
