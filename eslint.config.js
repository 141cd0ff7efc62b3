import { builtinModules } from 'node:module';
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import { importX } from 'eslint-plugin-import-x';
import { createTypeScriptImportResolver } from 'eslint-import-resolver-typescript';

// Workflow code is replayed deterministically in a sandbox: it may not reach Node built-ins (I/O, crypto,
// timers). domain/ is imported by workflows, so the same ban applies there.
const nodeBuiltins = [...builtinModules, ...builtinModules.map((m) => `node:${m}`)];

/**
 * Layers point down: domain ← db ← activities / workflows ← channels ← api / worker ← app (composition root) ←
 * dev, scripts ← test. Each zone lists the folders a layer may NOT import from. channels/ holds one folder per
 * sales channel (webhook mapping for the api, shop client for the activities): it sits above activities, whose
 * shop contract it implements, and below the api, which mounts its webhooks. simulators/ stand apart: they may
 * use nothing of the platform, so that they behave like the real services they imitate.
 */
const layers = [
  'domain',
  'db',
  'activities',
  'workflows',
  'channels',
  'api',
  'worker',
  'simulators',
  'app',
  'dev',
  'scripts',
  'test',
];
const mayImport = {
  domain: ['domain'],
  db: ['domain', 'db'],
  activities: ['domain', 'db', 'activities'],
  workflows: ['domain', 'workflows', 'activities'], // activities only as `import type` (rule below)
  channels: ['domain', 'activities', 'channels'],
  api: ['domain', 'db', 'workflows', 'channels', 'api'],
  worker: ['domain', 'db', 'activities', 'workflows', 'worker'],
  simulators: ['simulators'],
  app: ['domain', 'db', 'activities', 'workflows', 'channels', 'api', 'worker', 'simulators', 'app'],
  dev: ['domain', 'db', 'activities', 'workflows', 'channels', 'api', 'worker', 'simulators', 'app', 'dev'],
  scripts: [
    'domain',
    'db',
    'activities',
    'workflows',
    'channels',
    'api',
    'worker',
    'simulators',
    'app',
    'dev',
    'scripts',
  ],
};
const zones = Object.entries(mayImport).map(([layer, allowed]) => ({
  target: `./${layer}`,
  from: layers.filter((l) => !allowed.includes(l)).map((l) => `./${l}`),
  message: `${layer}/ may import only from ${allowed.join(', ')} (layers point down).`,
}));

/** What deterministic code may import besides its own folder and domain/: nothing that does I/O or keeps changing data. */
// async-mutex is pinned to an exact version: the order its waiters acquire in is part of how an order replays.
const workflowAllowlist = ['@temporalio/workflow', '@temporalio/common', 'zod', 'async-mutex'];

export default tseslint.config(
  // console/src/api/schema.d.ts is generated from the OpenAPI document (npm run console:api-types).
  { ignores: ['node_modules/', 'dist/', '.cache/', '.data/', 'coverage/', 'console/src/api/schema.d.ts'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts', '**/*.tsx'],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    plugins: { 'import-x': importX },
    settings: { 'import-x/resolver-next': [createTypeScriptImportResolver({ project: './tsconfig.json' })] },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { arguments: false } }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' },
      ],
      'import-x/no-restricted-paths': ['error', { zones }],
      'import-x/no-cycle': ['error', { ignoreExternal: true }],
    },
  },
  {
    files: ['workflows/**/*.ts', 'domain/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: nodeBuiltins.map((name) => ({
            name,
            message: 'Workflow code must be deterministic: no Node built-ins (do it in an activity).',
          })),
          patterns: [
            {
              regex: `^(?!\\.|(${workflowAllowlist.map((m) => m.replace('/', '\\/')).join('|')})$)`,
              message: `Workflow code imports only ${workflowAllowlist.join(', ')} and project modules: library data that changes between releases would change how a running order replays (read it in an activity).`,
            },
          ],
        },
      ],
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/activities/**'],
              allowTypeImports: true,
              message: 'Workflows reach activities only through proxyActivities and `import type`.',
            },
          ],
        },
      ],
      'no-restricted-globals': [
        'error',
        { name: 'process', message: 'No process access in workflow code.' },
        { name: 'setTimeout', message: 'Use sleep() or condition() from @temporalio/workflow.' },
        { name: 'setInterval', message: 'Use sleep() in a loop.' },
      ],
    },
  },
  {
    // The one exception, narrow on purpose: the legacy in-workflow data check (orders started before the check
    // activity replay through it) may read libphonenumber's metadata, pinned to an exact version in package.json.
    // Delete it with domain/order-checks-legacy.ts once no such order runs (the activity can import the library).
    files: ['domain/phone-validity.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: nodeBuiltins,
          patterns: [
            {
              regex: `^(?!\\.|(${[...workflowAllowlist, 'libphonenumber-js/max'].map((m) => m.replace('/', '\\/')).join('|')})$)`,
            },
          ],
        },
      ],
    },
  },
  {
    // Test and script HTTP answers are whatever the API sent: typed loosely on purpose.
    files: ['test/**/*.ts', 'dev/http-client.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  {
    // React event handlers may be async (a button that calls the API): React ignores what they return, and each
    // handler shows its own API error; elsewhere a promise passed where void is expected is still an error.
    files: ['console/**/*.tsx'],
    rules: {
      '@typescript-eslint/no-misused-promises': [
        'error',
        { checksVoidReturn: { arguments: false, attributes: false } },
      ],
    },
  },
  {
    files: ['**/*.js'],
    ...tseslint.configs.disableTypeChecked,
  },
);
