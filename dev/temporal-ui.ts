import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { stringify } from 'yaml';
import { z } from 'zod';
import { retryUntil, spawnLogged } from './child-process.js';

/**
 * The Temporal Web UI server (github.com/temporalio/ui-server), which serves the web app it embeds and proxies
 * its `/api/v1/...` calls to the frontend over gRPC. It reads `<env>.yaml` from a config directory; we write one
 * from these options into a temporary directory.
 */
const UiOptions = z.object({
  uiPath: z.string().min(1),
  temporalAddress: z.string().min(1),
  port: z.number().int().positive(),
  host: z.string().default('127.0.0.1'),
  defaultNamespace: z.string().default('default'),
  /** When the frontend wants TLS: files, as the UI server's config takes them. */
  tls: z
    .object({
      caFile: z.string(),
      certFile: z.string().optional(),
      keyFile: z.string().optional(),
      serverName: z.string().optional(),
    })
    .optional(),
  logFile: z.string().optional(),
  readyTimeoutMs: z.number().int().positive().default(60_000),
});

export interface RunningTemporalUi {
  url: string;
  pid: number | undefined;
  stop(): Promise<void>;
}

export async function startTemporalUi(input: z.input<typeof UiOptions>): Promise<RunningTemporalUi> {
  const opts = UiOptions.parse(input);
  const configDir = await mkdtemp(path.join(os.tmpdir(), 'temporal-ui-config-'));
  const config = {
    temporalGrpcAddress: opts.temporalAddress,
    host: opts.host,
    port: opts.port,
    publicPath: '',
    enableUi: true,
    defaultNamespace: opts.defaultNamespace,
    // Served over plain HTTP here: a Secure CSRF cookie would never come back and every write action would fail.
    cors: { cookieInsecure: true, allowOrigins: [`http://${opts.host}:${opts.port}`] },
    refreshInterval: '1m',
    notifyOnNewVersion: false,
    tls: opts.tls
      ? {
          caFile: opts.tls.caFile,
          certFile: opts.tls.certFile ?? '',
          keyFile: opts.tls.keyFile ?? '',
          serverName: opts.tls.serverName ?? '',
          enableHostVerification: true,
        }
      : {},
  };
  await writeFile(path.join(configDir, 'production.yaml'), stringify(config));
  const proc = spawnLogged(opts.uiPath, ['--root', configDir, '--config', '.', '--env', 'production', 'start'], {
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/tmp' },
    logFile: opts.logFile,
  });
  const url = `http://${opts.host}:${opts.port}`;
  const cleanup = async (): Promise<void> => {
    await proc.stop(5_000);
    await rm(configDir, { recursive: true, force: true });
  };
  try {
    await retryUntil(
      'Temporal UI readiness',
      opts.readyTimeoutMs,
      async () => {
        const response = await fetch(`${url}/healthz`);
        if (!response.ok) throw new Error(`healthz answered ${response.status}`);
      },
      { giveUp: () => (proc.exited() ? `the UI server exited (code ${proc.child.exitCode})` : null) },
    );
  } catch (error) {
    await cleanup();
    throw new Error(`The Temporal UI did not start: ${(error as Error).message}\n${proc.tail()}`);
  }
  return { url, pid: proc.child.pid, stop: cleanup };
}
