/**
 * npm 11 does not pass SIGTERM on to the script it runs: a process manager or IDE stopping `npm start` kills npm
 * and leaves this process — and every server it started — running, adopted by init. Noticing the adoption (the
 * parent pid changes) turns it into the same clean stop as a SIGTERM of our own.
 */
export function stopWhenOrphaned(everyMs = 500): void {
  const parent = process.ppid;
  const timer = setInterval(() => {
    if (process.ppid === parent) return;
    clearInterval(timer);
    process.kill(process.pid, 'SIGTERM');
  }, everyMs);
  timer.unref();
}
