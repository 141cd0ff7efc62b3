import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from '@temporalio/worker';
import { describe, expect, it } from 'vitest';

/**
 * Histories recorded from real runs (scripts/record-histories.ts) replayed against today's workflow code.
 * A change that would make a running order take a different path fails here, before it reaches production.
 */
const root = fileURLToPath(new URL('../..', import.meta.url));
const dir = path.join(root, 'test', 'histories');
const files = readdirSync(dir).filter((f) => f.endsWith('.json'));

describe('recorded order histories replay on the current workflow code', () => {
  it('covers the order paths, recorded before and after each patched change', () => {
    // `name.json`: recorded before the patches of workflows/order/patches.ts (the old branches);
    // `name@<tag>.json`: recorded later by scripts/record-histories.ts (the new branches).
    const generations = new Set(files.map((f) => /@([\w.-]+)\.json$/.exec(f)?.[1] ?? 'first'));
    expect(files.filter((f) => !f.includes('@')).length).toBeGreaterThanOrEqual(10);
    expect(generations.size).toBeGreaterThanOrEqual(2);
  });

  it('replays every history without a determinism error', { timeout: 120_000 }, async () => {
    const histories = files.map((file) => ({
      workflowId: path.basename(file, '.json'),
      history: JSON.parse(readFileSync(path.join(dir, file), 'utf8')) as unknown,
    }));
    const failures: string[] = [];
    let replayed = 0;
    for await (const result of Worker.runReplayHistories({ workflowsPath: path.join(root, 'workflows', 'index.ts') }, histories)) {
      replayed += 1;
      if (result.error) failures.push(`${result.workflowId}: ${result.error.message}`);
    }
    expect(failures).toEqual([]);
    expect(replayed).toBe(files.length);
  });
});
