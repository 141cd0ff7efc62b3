import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { NoopSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { Resource } from '@opentelemetry/resources';
import { makeWorkflowExporter } from '@temporalio/interceptors-opentelemetry';
import { Worker } from '@temporalio/worker';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { bundleOrderWorkflows } from '../../worker/workflow-bundle.js';

/**
 * Histories recorded from real runs (scripts/record-histories.ts), release by release (test/histories/README.md),
 * replayed against today's workflow code as production bundles it: the workflows, the tracing interceptors and the
 * preloaded modules (worker/workflow-bundle.ts). A change that would make a running order take a different path — or
 * an interceptor that changed the commands a workflow emits — fails here, before it reaches production.
 */
const root = fileURLToPath(new URL('../..', import.meta.url));
const dir = path.join(root, 'test', 'histories');
const releases = z
  .record(z.string().regex(/^\d+\.\d+\.\d+$/), z.array(z.string()))
  .parse(JSON.parse(readFileSync(path.join(dir, 'releases.json'), 'utf8')));
const releaseOf = new Map(
  Object.entries(releases).flatMap(([release, files]) => files.map((f) => [f, release] as const)),
);

/** Every history file: the top level and release folders (test/histories/<version>/…). */
function historyFiles(at: string, prefix = ''): string[] {
  return readdirSync(at).flatMap((name) => {
    const full = path.join(at, name);
    if (statSync(full).isDirectory()) return historyFiles(full, `${prefix}${name}/`);
    return name.endsWith('.json') && name !== 'releases.json' ? [`${prefix}${name}`] : [];
  });
}
const files = historyFiles(dir);
const release = (file: string): string => releaseOf.get(file) ?? /^(\d+\.\d+\.\d+)\//.exec(file)?.[1] ?? 'unreleased';

describe('recorded order histories replay on the current workflow code', () => {
  it('keeps the histories of the previous release', () => {
    const version = z
      .object({ version: z.string() })
      .parse(JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'))).version;
    const older = Object.keys(releases).filter((r) => r.localeCompare(version, 'en', { numeric: true }) <= 0);
    expect(older.length, `a release at or before ${version} in releases.json`).toBeGreaterThan(0);
    for (const [name, listed] of Object.entries(releases)) {
      for (const file of listed) expect(files, `${file} of release ${name}`).toContain(file);
    }
    expect(files.length).toBeGreaterThanOrEqual(10);
  });

  it('covers the order paths, recorded before and after each patched change', () => {
    // `name.json`: recorded before the patches of workflows/order/patches.ts (the old branches);
    // `name@<tag>.json`: recorded later by scripts/record-histories.ts (the new branches).
    const generations = new Set(files.map((f) => /@([\w.-]+)\.json$/.exec(f)?.[1] ?? 'first'));
    expect(files.filter((f) => !f.includes('@')).length).toBeGreaterThanOrEqual(10);
    expect(generations.size).toBeGreaterThanOrEqual(2);
  });

  it(
    'replays every history with the production bundle, without a determinism error',
    { timeout: 180_000 },
    async () => {
      const histories = files.map((file) => ({
        workflowId: file,
        history: JSON.parse(readFileSync(path.join(dir, file), 'utf8')) as unknown,
      }));
      const code = await bundleOrderWorkflows();
      const failures: string[] = [];
      const perRelease: Record<string, number> = {};
      for await (const result of Worker.runReplayHistories(
        // The interceptors export spans through this sink; replay does not call it, but it must exist.
        {
          workflowBundle: { code },
          sinks: { exporter: makeWorkflowExporter(new NoopSpanProcessor(), Resource.empty()) },
        },
        histories,
      )) {
        perRelease[release(result.workflowId)] = (perRelease[release(result.workflowId)] ?? 0) + 1;
        if (result.error) failures.push(`${result.workflowId}: ${result.error.message}`);
      }
      process.stderr.write(
        `replayed ${files.length} histories: ${Object.entries(perRelease)
          .map(([r, n]) => `${r} ${n}`)
          .join(', ')}\n`,
      );
      expect(failures).toEqual([]);
      expect(Object.values(perRelease).reduce((a, b) => a + b, 0)).toBe(files.length);
    },
  );
});
