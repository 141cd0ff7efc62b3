import { startTemporalDevServer } from '../../infra/temporal-dev-server.js';
for (let i = 0; i < 2; i++) {
  const t0 = Date.now();
  const s = await startTemporalDevServer({ cliPath: '/work/main/.cache/temporal-cli/temporal-1.5.1', port: 17233, uiPort: 18233, dbFile: '/tmp/tsmoke/t.db', logFile: '/tmp/tsmoke.log' });
  console.log('up', i, Date.now() - t0, 'ms', s.uiUrl);
  const r = await fetch(s.uiUrl!); console.log('ui', r.status);
  await s.stop();
}
