import { randomInt } from 'node:crypto';
import { mkdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

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
 * a CI run: the kill test's API could not bind the port drawn two minutes before.)
 */
function ephemeralRangeStart(): number {
  try {
    const first = Number(readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/)[0]);
    if (Number.isInteger(first) && first > 0) return first;
  } catch {
    // Not Linux.
  }
  return 32_768; // below macOS's and Windows' 49152 too
}

const LOWEST = 20_000;
const rangeEnd = ephemeralRangeStart() - 1;

/**
 * A port drawn but not bound yet is free in the eyes of every other process: tests running side by side (one
 * keeps a port free on purpose while its processes try to reach it, another starts a Temporal server) could draw
 * the same one. Each draw is therefore reserved in a file naming the drawing process; a reservation whose process
 * is gone is taken over.
 */
const reservations = path.join(os.tmpdir(), 'dropship-port-reservations');

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function reserve(port: number): boolean {
  const file = path.join(reservations, String(port));
  try {
    mkdirSync(reservations, { recursive: true });
    writeFileSync(file, String(process.pid), { flag: 'wx' });
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') return true; // no place to keep reservations: draw without
  }
  const owner = Number(readFileSync(file, 'utf8'));
  if (owner === process.pid || (Number.isInteger(owner) && owner > 0 && alive(owner))) return false;
  try {
    unlinkSync(file);
    writeFileSync(file, String(process.pid), { flag: 'wx' });
    return true;
  } catch {
    return false; // another process took it over first
  }
}

/**
 * A port nothing listens on now and no other process of ours has drawn, for a server that will listen on it
 * soon. `max` bounds it (Temporal's membership ports are stored in a SMALLINT).
 */
export async function freePort(host = '127.0.0.1', { max = rangeEnd }: { max?: number } = {}): Promise<number> {
  const high = Math.min(max, rangeEnd);
  if (high - LOWEST < 2_000) return systemChosenPort(host);
  for (let attempt = 0; attempt < 500; attempt++) {
    const port = randomInt(LOWEST, high + 1);
    if ((await portIsFree(port, host)) && reserve(port)) return port;
  }
  return systemChosenPort(host);
}

function release(port: number): void {
  const file = path.join(reservations, String(port));
  try {
    if (Number(readFileSync(file, 'utf8')) === process.pid) unlinkSync(file);
  } catch {
    // not ours, or gone
  }
}

/**
 * `count` consecutive ports, each free and reserved as freePort's are, for settings that name a first port and
 * count up from it (start:production's PORT and METRICS_PORT): a block whose later ports were only checked could
 * be drawn by another process before its own children bind them.
 */
export async function freePortBlock(count: number, host = '127.0.0.1'): Promise<number> {
  for (let attempt = 0; attempt < 500; attempt++) {
    const first = randomInt(LOWEST, rangeEnd - count + 2);
    const held: number[] = [];
    while (held.length < count && (await portIsFree(first + held.length, host)) && reserve(first + held.length))
      held.push(first + held.length);
    if (held.length === count) return first;
    held.forEach(release);
  }
  throw new Error(`no ${count} consecutive free ports between ${LOWEST} and ${rangeEnd}`);
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
