import type { Dashboard, Panel } from '@grafana/schema';
import { describe, expectTypeOf, it } from 'vitest';
import dashboard from '../../deploy/grafana/dashboards/orders.json' with { type: 'json' };

/**
 * The provisioned dashboard against Grafana's own dashboard schema. @grafana/schema ships that schema as the
 * TypeScript types generated from Grafana's CUE definitions (no JSON Schema file), so the check is a type check:
 * vitest runs tsc over this file (typecheck mode, unit project).
 */
describe('deploy/grafana/dashboards/orders.json', () => {
  it("matches Grafana's Dashboard schema", () => {
    expectTypeOf(dashboard).toExtend<Dashboard>();
  });
  it("has panels of Grafana's Panel shape", () => {
    expectTypeOf(dashboard.panels[0]!).toExtend<Panel>();
  });
});
