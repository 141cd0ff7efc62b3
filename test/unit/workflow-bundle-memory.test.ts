import { describe, expect, it } from 'vitest';
import { bundleOrderWorkflows } from '../../worker/workflow-bundle.js';

/**
 * Every module in the workflow bundle is evaluated again for each workflow a worker caches, so a zod schema built
 * when such a module loads is paid by every open order (docs/capacity.md). The API's schema modules must therefore
 * stay out of the bundle: workflow code imports their types only, and builds the schemas it validates with on first
 * use (domain/lazy.ts).
 */
describe('workflow bundle', () => {
  it('leaves out the modules that build the API schemas when they load', { timeout: 120_000 }, async () => {
    const code = await bundleOrderWorkflows();
    const modules = new Set([...code.matchAll(/^\/\*\*\*\/ "\.\/([^"]+)"/gm)].map((m) => m[1]));
    expect(modules.has('domain/order-actions.ts')).toBe(true);
    for (const schemas of ['domain/order.ts', 'domain/top-up.ts', 'api/schemas.ts']) {
      expect(modules.has(schemas), schemas).toBe(false);
    }
  });
});
