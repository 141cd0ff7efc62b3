import { copyFileSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleOrderWorkflows } from '../worker/workflow-bundle.js';

/**
 * Build step after `tsc`: prebundles the workflow code with its interceptors (the worker then starts without
 * webpack) and copies the SQL migrations next to the compiled migrator.
 */
const root = fileURLToPath(new URL('..', import.meta.url));
const dist = path.join(root, 'dist');

const code = await bundleOrderWorkflows();
writeFileSync(path.join(dist, 'workflow-bundle.js'), code);

const migrations = path.join(dist, 'db', 'migrations');
mkdirSync(migrations, { recursive: true });
for (const file of readdirSync(path.join(root, 'db', 'migrations'))) {
  if (file.endsWith('.sql')) copyFileSync(path.join(root, 'db', 'migrations', file), path.join(migrations, file));
}
process.stdout.write(`workflow bundle: ${(code.length / 1024).toFixed(0)} KiB → dist/workflow-bundle.js\n`);
