import net from 'node:net';

/**
 * A TCP proxy in front of a real server, so a test can make that server unreachable (cut) or hold traffic to it
 * (pause) at a moment it chooses — a network fault, with the real server behind it.
 */
export interface TcpProxy {
  address: string;
  /** Holds every byte sent towards the server until resume(). */
  pause(): void;
  resume(): void;
  /** Drops every connection and refuses new ones, as a dead host would. */
  cut(): Promise<void>;
  /** Accepts connections again. */
  restore(): Promise<void>;
  close(): Promise<void>;
}

export async function startTcpProxy(target: string): Promise<TcpProxy> {
  const [host, portText] = target.split(':');
  const targetPort = Number(portText);
  const sockets = new Set<net.Socket>();
  /** Per connection: what the client sent while paused, flushed on resume. */
  const held = new Map<net.Socket, { upstream: net.Socket; chunks: Buffer[] }>();
  let paused = false;
  let cut = false;

  const onConnection = (client: net.Socket): void => {
    // Cut: the connection is dropped at once. (Closing the listener instead would let the client's reconnects
    // take the free port for themselves: a TCP self-connect on loopback.)
    if (cut) {
      client.destroy();
      return;
    }
    const upstream = net.connect(targetPort, host ?? '127.0.0.1');
    sockets.add(client);
    sockets.add(upstream);
    const entry = { upstream, chunks: [] as Buffer[] };
    held.set(client, entry);
    client.on('data', (chunk: Buffer) => {
      if (paused) entry.chunks.push(chunk);
      else upstream.write(chunk);
    });
    upstream.pipe(client);
    const drop = (): void => {
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
      held.delete(client);
    };
    client.on('error', drop).on('close', drop);
    upstream.on('error', drop).on('close', drop);
  };

  const server = net.createServer(onConnection);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;

  return {
    address: `127.0.0.1:${port}`,
    pause() {
      paused = true;
    },
    resume() {
      paused = false;
      for (const entry of held.values()) for (const chunk of entry.chunks.splice(0)) entry.upstream.write(chunk);
    },
    async cut() {
      cut = true;
      for (const s of sockets) s.destroy();
    },
    async restore() {
      cut = false;
    },
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        for (const s of sockets) s.destroy();
      }),
  };
}
