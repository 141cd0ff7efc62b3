import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { inject } from 'vitest';
import type { Stack } from './stack.js';

/** Starts a worker process for the stack's task queue and resolves once it polls. */
export async function spawnWorker(stack: Stack): Promise<ChildProcess> {
  const root = inject('projectRoot');
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(root, 'test/support/worker-process.ts')], {
    cwd: root,
    env: {
      ...process.env,
      DATABASE_URL: stack.databaseUrl,
      TEMPORAL_ADDRESS: inject('temporalAddress'),
      TEMPORAL_TASK_QUEUE: stack.taskQueue,
      SUPPLIER_BASE_URL: stack.supplierUrl,
      PAYPAL_BASE_URL: stack.paypalUrl,
      SUPPLIER_API_KEY: stack.env.SUPPLIER_API_KEY,
      PAYPAL_CLIENT_ID: stack.env.PAYPAL_CLIENT_ID,
      PAYPAL_CLIENT_SECRET: stack.env.PAYPAL_CLIENT_SECRET,
      SUPPLIER_TIMEOUT: String(stack.env.SUPPLIER_TIMEOUT),
      WORKFLOW_BUNDLE_PATH: inject('workflowBundlePath'),
      SECRETS_KEY: stack.env.SECRETS_KEY ?? '',
      LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'warn',
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  await new Promise<void>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`worker exited early (${code})`)));
    child.stdout?.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('worker ready')) resolve();
    });
  });
  child.removeAllListeners('exit');
  return child;
}

export async function killWorker(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGKILL');
  await exited;
}
