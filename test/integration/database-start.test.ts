import { randomBytes } from 'node:crypto';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { prepareDatabase } from '../../app/database-start.js';
import { salesChannels } from '../../channels/registry.js';
import { createPool, type Db } from '../../db/pool.js';
import { createDatabaseAt } from '../../dev/postgres.js';
import { topUpMethods } from '../../domain/top-up-methods/registry.js';
import { startTcpProxy, type TcpProxy } from '../support/tcp-proxy.js';

/**
 * A process that starts while PostgreSQL restarts right after the migrations (a failover, the kill test restarting
 * it) waits and finishes its start: it does not exit with the sales channels and top-up methods unwritten.
 */
let proxy: TcpProxy;
let db: Db;
let url: string;
beforeAll(async () => {
  const direct = await createDatabaseAt(inject('postgresUrl'), `t_start_${randomBytes(4).toString('hex')}`);
  const target = new URL(direct);
  proxy = await startTcpProxy(`${target.hostname}:${target.port}`);
  const viaProxy = new URL(direct);
  viaProxy.host = proxy.address;
  url = viaProxy.toString();
  db = createPool(url, 2);
});
afterAll(async () => {
  await db?.end();
  await proxy?.close();
});

describe('preparing the database at start', () => {
  it('PostgreSQL gone right after the migrations: the start waits for it and then writes the channels and top-up methods', async () => {
    const lines: { msg?: string; dependency?: string; attempt?: number }[] = [];
    let restarted = false;
    const logger = pino(
      { level: 'info' },
      {
        // Synchronous: the database goes away the moment the migrations report, before the next step starts.
        write(line: string) {
          const entry = JSON.parse(line) as { msg?: string; dependency?: string; attempt?: number };
          lines.push(entry);
          if (entry.msg === 'database migrated') void proxy.cut();
          if (entry.msg?.endsWith('unreachable, retrying') && !restarted) {
            restarted = true;
            setTimeout(() => void proxy.restore(), 300);
          }
        },
      },
    );

    await prepareDatabase(url, db, { logger, initialDelayMs: 100, maxDelayMs: 500 });

    expect(lines.some((l) => l.msg === 'database migrated')).toBe(true);
    const retries = lines.filter((l) => l.msg?.endsWith('unreachable, retrying'));
    expect(retries.length).toBeGreaterThan(0);
    expect(new Set(retries.map((l) => l.dependency))).toEqual(new Set(['PostgreSQL (sales channels, top-up methods)']));
    const channels = await db.query<{ type: string }>('SELECT type FROM channel_types ORDER BY type');
    expect(channels.rows.map((r) => r.type)).toEqual(salesChannels.map((c) => c.type).sort());
    const methods = await db.query<{ method: string }>('SELECT method FROM top_up_methods ORDER BY method');
    expect(methods.rows.map((r) => r.method)).toEqual(topUpMethods.map((m) => m.name).sort());
  });
});
