import { randomInt } from 'node:crypto';
import { readFileSync } from 'node:fs';
import net from 'node:net';

export async function portIsFree(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen(port, host, () => server.close(() => resolve(true)));
  });
}

/**
 * Where free ports are drawn from: below the kernel's ephemeral range. A port chosen now is often bound much later
 * (by a child process, after a build), and outgoing connections take their local ports from the ephemeral range:
 * one of them, or its TIME_WAIT, sitting on the chosen port makes that later bind fail with EADDRINUSE. (Seen in
 * a CI run: the kill test's API could not bind the port drawn two minutes before.) Returns null when the range
 * leaves no room below it; the system then chooses.
 */
function drawRange(): { low: number; high: number } | null {
  const low = 20_000;
  let ephemeralStart = 32_768; // below macOS's and Windows' 49152 too
  try {
    const first = Number(readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/)[0]);
    if (Number.isInteger(first) && first > 0) ephemeralStart = first;
  } catch {
    // Not Linux: keep the default.
  }
  return ephemeralStart - low >= 2_000 ? { low, high: ephemeralStart - 1 } : null;
}

const range = drawRange();
/** Drawn in this process and not yet bound: never handed out twice. */
const drawn = new Set<number>();

/** A port nothing listens on now, for a server that will listen on it soon. */
export async function freePort(host = '127.0.0.1'): Promise<number> {
  if (range) {
    for (let attempt = 0; attempt < 200; attempt++) {
      const port = randomInt(range.low, range.high + 1);
      if (drawn.has(port) || !(await portIsFree(port, host))) continue;
      drawn.add(port);
      return port;
    }
  }
  return systemChosenPort(host);
}

function systemChosenPort(host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, host, () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}
