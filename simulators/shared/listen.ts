import { createServer, type RequestListener } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Listening {
  url: string;
  close(): Promise<void>;
}

/**
 * Serves `app` on host:port (port 0 picks a free one). The url names 127.0.0.1 when bound to every interface,
 * since 0.0.0.0 and :: are not addresses to call. `onClose` runs, and is awaited, before the server closes:
 * it releases timers and other work the simulator still holds.
 */
export function listen(
  app: RequestListener,
  port: number,
  host: string,
  onClose?: () => void | Promise<void>,
): Promise<Listening> {
  const server = createServer(app);
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      const { port: bound } = server.address() as AddressInfo;
      const shownHost = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;
      resolve({
        url: `http://${shownHost}:${bound}`,
        close: async () => {
          await onClose?.();
          await new Promise<void>((done, fail) => {
            server.close((err) => (err ? fail(err) : done()));
            // Keep-alive sockets and requests parked by a slow fault would otherwise hold close() open.
            server.closeAllConnections();
          });
        },
      });
    });
  });
}
