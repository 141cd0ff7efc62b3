import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SupervisedProcess, Supervision } from '../../dev/supervised-process.js';

/**
 * The supervisor of start:production's processes (dev/supervised-process.ts) restarts a process that exits by
 * itself, and stops restarting once a stop has begun: a terminal's Ctrl-C reaches every child at once while the
 * topology stops them one after the other, and a child that exits before its turn must stay stopped. Real
 * processes (node), real signals.
 */
let scratch: string;
beforeAll(() => {
  scratch = mkdtempSync(path.join(os.tmpdir(), 'supervisor-'));
});
afterAll(() => {
  rmSync(scratch, { recursive: true, force: true });
});

/** A node process that prints "up" and exits 0 on SIGINT, as the simulators do; slow to stop on SIGTERM if asked. */
function child(name: string, supervision: Supervision, said: string[], slowStopMs = 0): SupervisedProcess {
  const script = `
    process.on('SIGINT', () => process.exit(0));
    process.on('SIGTERM', () => setTimeout(() => process.exit(0), ${slowStopMs}));
    console.log('up');
    setInterval(() => undefined, 1000);`;
  return new SupervisedProcess({
    name,
    command: process.execPath,
    args: ['-e', script],
    env: { PATH: process.env.PATH ?? '' },
    cwd: scratch,
    logFile: path.join(scratch, `${name}.log`),
    ready: async (c) => c.tail().includes('up'),
    say: (line) => said.push(line),
    supervision,
  });
}

const wait = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe('the production supervisor', () => {
  it('restarts a process that exits by itself', async () => {
    const said: string[] = [];
    const proc = child('crashing', new Supervision(), said);
    await proc.start();
    const first = proc.pid;
    proc.kill('SIGKILL');
    await wait(1_500);
    await proc.waitReady(10_000);
    expect(proc.starts).toBe(2);
    expect(proc.pid).not.toBe(first);
    expect(said.join('\n')).toMatch(/crashing \(pid \d+\) exited \(SIGKILL\); restarting in \d+ ms/);
    await proc.stop();
  });

  it('restarts nothing once the stop has begun, even a process that exits before its own turn', async () => {
    const said: string[] = [];
    const supervision = new Supervision();
    // Stopped first and slow to stop, as an API finishing its requests; the other one is stopped after it.
    const api = child('api', supervision, said, 2_000);
    const simulators = child('simulators', supervision, said);
    await api.start();
    await simulators.start();

    // The stop begins (the signal handler), and the terminal's SIGINT reaches the simulators at the same time.
    supervision.beginStop();
    const stopping = (async () => {
      await api.stop();
      await simulators.stop();
    })();
    simulators.kill('SIGINT');
    await stopping;
    // Longer than the restart pause (1 s, then 2 s): nothing came back.
    await wait(2_500);

    expect(simulators.starts).toBe(1);
    expect(api.starts).toBe(1);
    expect(said.join('\n')).not.toContain('restarting');
    expect(said.join('\n')).toMatch(/simulators \(pid \d+\) exited \(code 0\) during the stop/);
    await expect(simulators.start()).rejects.toThrow('the topology is stopping');
  });
});
