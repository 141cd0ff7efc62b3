import { spawnLogged, stopChild, type LoggedChild } from './child-process.js';

/**
 * What the processes of one topology share: once its stop has begun, none of them is started again, even one that
 * exits before its own turn to be stopped comes (a terminal's Ctrl-C reaches every process of the group at once,
 * while the topology stops its parts one after the other). Begun synchronously, from the signal handler.
 */
export class Supervision {
  private begun = false;

  get stopBegun(): boolean {
    return this.begun;
  }

  beginStop(): void {
    this.begun = true;
  }
}

/**
 * One process of the production topology (an API, a worker, the simulators), supervised the way
 * docker-compose's `restart: unless-stopped` supervises a container: an exit that nobody asked for is followed by
 * a new start after a pause (1 s, doubling to 10 s while it keeps failing), unless a stop has begun (its own, or
 * its topology's: `supervision`). Output goes to its log file.
 */
export interface SupervisedOptions {
  name: string;
  command: string;
  args: string[];
  env: Record<string, string>;
  cwd: string;
  logFile: string;
  /** Resolves once the process serves (e.g. its /healthz answers); polled after each start. */
  ready: (child: LoggedChild) => Promise<boolean>;
  readyTimeoutMs?: number;
  /** Told about each unplanned exit and restart. */
  say?: (line: string) => void;
  /** Each new process, e.g. to write its pid down (dev/pid-files.ts). */
  onSpawn?: (pid: number) => void;
  /** The topology's: once its stop has begun, this process is not restarted either. */
  supervision?: Supervision;
}

export class SupervisedProcess {
  private current: LoggedChild | null = null;
  private stopping = false;
  private restartDelayMs = 1_000;
  /** Starts, including the first one. */
  starts = 0;

  constructor(readonly opts: SupervisedOptions) {}

  get name(): string {
    return this.opts.name;
  }

  get pid(): number | undefined {
    return this.current?.child.pid;
  }

  get logFile(): string {
    return this.opts.logFile;
  }

  async start(): Promise<void> {
    if (this.opts.supervision?.stopBegun) throw new Error(`${this.name}: not started, the topology is stopping`);
    this.stopping = false;
    this.spawn();
    await this.waitReady();
  }

  /** Whether an exit now would be followed by a restart. */
  get restarts(): boolean {
    return !this.stopping && !this.opts.supervision?.stopBegun;
  }

  /** Resolves once the current process (the first one, or the one started after a crash) is ready. */
  async waitReady(timeoutMs = this.opts.readyTimeoutMs ?? 120_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const child = this.current;
      if (child && !child.exited() && (await this.opts.ready(child).catch(() => false))) return;
      if (!this.restarts && (!child || child.exited()))
        throw new Error(`${this.name} stopped before it was ready:\n${child?.tail() ?? ''}`);
      if (Date.now() > deadline)
        throw new Error(`${this.name} not ready after ${timeoutMs} ms:\n${child?.tail() ?? ''}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }

  /** Sends a signal as an operator or a crash would (SIGKILL: no clean-up); the supervisor restarts it. */
  kill(signal: NodeJS.Signals): number | undefined {
    const pid = this.pid;
    this.current?.child.kill(signal);
    return pid;
  }

  async stop(graceMs = 15_000): Promise<void> {
    this.stopping = true;
    if (this.current) await stopChild(this.current.child, graceMs);
  }

  private spawn(): void {
    const child = spawnLogged(this.opts.command, this.opts.args, {
      cwd: this.opts.cwd,
      env: this.opts.env,
      logFile: this.opts.logFile,
    });
    this.current = child;
    this.starts += 1;
    if (child.child.pid !== undefined) this.opts.onSpawn?.(child.child.pid);
    const startedAt = Date.now();
    child.child.once('exit', (code, signal) => {
      if (this.current !== child) return;
      if (!this.restarts) {
        if (!this.stopping)
          this.opts.say?.(`${this.name} (pid ${child.child.pid}) exited (${signal ?? `code ${code}`}) during the stop`);
        return;
      }
      // A process that ran 10 s gets the short pause again (Docker's own measure of a start that succeeded); one
      // that keeps dying sooner backs off.
      this.restartDelayMs = Date.now() - startedAt >= 10_000 ? 1_000 : Math.min(10_000, this.restartDelayMs * 2);
      this.opts.say?.(
        `${this.name} (pid ${child.child.pid}) exited (${signal ?? `code ${code}`}); restarting in ${this.restartDelayMs} ms`,
      );
      setTimeout(() => {
        if (this.restarts && this.current === child) this.spawn();
      }, this.restartDelayMs);
    });
  }
}
