import { ConfigError } from './config.js';
import type { Logger } from 'pino';

/** A terminal's Ctrl-C reaches the process more than once (directly and relayed by npm/tsx): not a second request. */
const SAME_SIGNAL_WINDOW_MS = 2_000;

/**
 * Stops cleanly on Ctrl-C (SIGINT), SIGTERM (process managers, IDEs, `docker stop`) or SIGHUP (the terminal closed):
 * in-flight activities finish; a later second signal forces the exit.
 */
export function onShutdown(logger: Logger, stop: () => Promise<void>): void {
  let stoppingSince: number | null = null;
  const handler = (signal: NodeJS.Signals): void => {
    if (stoppingSince !== null) {
      if (Date.now() - stoppingSince < SAME_SIGNAL_WINDOW_MS) return;
      logger.warn('second signal: exiting now');
      process.exit(1);
    }
    stoppingSince = Date.now();
    logger.info({ signal }, 'shutting down');
    stop().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
  process.on('SIGHUP', handler);
}

/** Runs a process entry point: a configuration mistake prints one clear line, anything else its stack. */
export async function runMain(main: () => Promise<void>): Promise<void> {
  try {
    await main();
  } catch (error) {
    process.stderr.write(
      `${error instanceof ConfigError ? error.message : ((error as Error).stack ?? String(error))}\n`,
    );
    process.exit(1);
  }
}
