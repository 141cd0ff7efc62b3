import { defineConfig } from 'vitest/config';

// Five projects: unit tests run alone; workflow tests run the real workflow code with stub activities on one
// Temporal dev server of their own (no Postgres, no simulators); integration tests share one Temporal dev server
// and one Postgres, started by the global setup; browser tests drive the console in a real Chromium against the
// same kind of stack; production tests build and run the real Temporal server on PostgreSQL (the first run
// compiles it from Go modules, hence the long hook timeout). The native Temporal bridge needs the
// forks pool, not threads.
export default defineConfig({
  test: {
    pool: 'forks',
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts'],
          testTimeout: 30_000,
          // Type-level tests (*.test-d.ts): tsc checks them, e.g. the Grafana dashboard against Grafana's schema types.
          typecheck: { enabled: true, include: ['test/unit/**/*.test-d.ts'], tsconfig: './tsconfig.json' },
        },
      },
      {
        extends: true,
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          globalSetup: ['test/support/global-setup.ts'],
          testTimeout: 120_000,
          hookTimeout: 180_000,
        },
      },
      {
        // The console in a real Chromium against the real stack (one stack per file, like integration).
        extends: true,
        test: {
          name: 'browser',
          include: ['test/browser/**/*.test.ts'],
          globalSetup: ['test/support/global-setup.ts', 'test/support/browser-setup.ts'],
          testTimeout: 120_000,
          hookTimeout: 180_000,
        },
      },
      {
        extends: true,
        test: {
          name: 'workflows',
          include: ['test/workflows/**/*.test.ts'],
          globalSetup: ['test/support/workflow-setup.ts'],
          // Each case is one workflow waiting on the server most of the time: many at once.
          maxConcurrency: 20,
          testTimeout: 30_000,
          hookTimeout: 180_000,
        },
      },
      {
        extends: true,
        test: {
          name: 'production',
          include: ['test/production/**/*.test.ts'],
          testTimeout: 300_000,
          hookTimeout: 1_800_000,
        },
      },
    ],
  },
});
