import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';

/**
 * `/metrics` of one process on its own port (METRICS_PORT), apart from the public API: the process's prom-client
 * registries and, for a worker, the Temporal SDK's Prometheus exporter (which the Rust core serves on a loopback
 * port of its own, `sdkMetricsUrl`), appended in one answer so that Prometheus scrapes one target per process.
 */
export interface MetricsServerOptions {
  port: number;
  host: string;
  registries: Registry[];
  sdkMetricsUrl?: string;
}

export interface RunningMetricsServer {
  url: string;
  stop(): Promise<void>;
}

export async function startMetricsServer(opts: MetricsServerOptions): Promise<RunningMetricsServer> {
  const server: Server = createServer((req, res) => {
    if (req.url !== '/metrics') {
      res.writeHead(404).end();
      return;
    }
    void render(opts).then(
      (text) => res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4; charset=utf-8' }).end(text),
      (error: unknown) =>
        res.writeHead(500, { 'content-type': 'text/plain' }).end(`metrics unavailable: ${(error as Error).message}\n`),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${opts.host === '0.0.0.0' ? '127.0.0.1' : opts.host}:${port}/metrics`,
    stop: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

async function render(opts: MetricsServerOptions): Promise<string> {
  const parts = await Promise.all(opts.registries.map((r) => r.metrics()));
  if (opts.sdkMetricsUrl) {
    // The SDK's exporter is local and fast; if it does not answer, the process's own metrics still go out.
    const sdk = await fetch(opts.sdkMetricsUrl, { signal: AbortSignal.timeout(2_000) }).then(
      (r) => (r.ok ? r.text() : `# Temporal SDK metrics: HTTP ${r.status}\n`),
      (error: unknown) => `# Temporal SDK metrics unavailable: ${(error as Error).message}\n`,
    );
    parts.push(sdk);
  }
  return parts.map((p) => (p.endsWith('\n') ? p : `${p}\n`)).join('');
}
