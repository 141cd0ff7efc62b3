import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { pino } from 'pino';
import { migrate } from '../db/migrate.js';
import { createMerchant } from '../db/merchants.js';
import { createPool } from '../db/pool.js';
import { adjust, getWallet, hold, settleHold } from '../db/wallet-ledger.js';
import { freePort } from '../dev/ports.js';
import { startPostgres } from '../dev/postgres.js';
import { pool } from './bench/stats.js';

/**
 * `npx tsx scripts/bench-ledger.ts`: movements per second on ONE wallet (the hot spot: every order of a merchant
 * holds and captures on the same row), with concurrent clients through the functions the order activities call,
 * on the platform's pool size (20). Then checks the invariants: the balance is what the movements add up to,
 * nothing is left reserved, one row per movement.
 *   LEDGER_PAIRS (default 2000) hold + capture pairs · LEDGER_CLIENTS (default 16)
 */
const PAIRS = Number(process.env.LEDGER_PAIRS ?? 2000);
const CLIENTS = Number(process.env.LEDGER_CLIENTS ?? 16);
const FUNDS = 1_000_000_000;

const scratch = mkdtempSync(path.join(os.tmpdir(), 'ledger-bench-'));
chmodSync(scratch, 0o755); // the embedded server runs as its own user
const postgres = await startPostgres({ dataDir: path.join(scratch, 'pg'), port: await freePort(), ephemeral: true });
const db = createPool(postgres.url, 20);
try {
  await migrate(postgres.url, pino({ level: 'warn' }));
  const merchant = await createMerchant(db, { name: 'Ledger bench' });
  const actor = { name: 'bench', keyId: 'bench' };
  await adjust(db, { merchantId: merchant.id, amount: FUNDS, reason: 'bench funds', actor, key: 'adjustment:bench' });

  const started = performance.now();
  await pool([...Array(PAIRS).keys()], CLIENTS, async (i) => {
    const key = `bench:${i}:hold`;
    const held = await hold(db, merchant.id, { orderId: `o${i}`, amount: 100, currency: 'EUR', key });
    if (!held.held) throw new Error(`hold ${i} refused`);
    await settleHold(db, merchant.id, {
      orderId: `o${i}`,
      holdKey: key,
      key: `bench:${i}:capture`,
      outcome: 'capture',
    });
  });
  const seconds = (performance.now() - started) / 1000;

  const wallet = await getWallet(db, merchant.id);
  const { rows } = await db.query<{ n: string; sum: string }>(
    'SELECT count(*) AS n, sum(balance_delta) AS sum FROM wallet_transactions WHERE merchant_id = $1',
    [merchant.id],
  );
  const expected = FUNDS - PAIRS * 100;
  const intact =
    wallet.balance === expected &&
    wallet.reserved === 0 &&
    Number(rows[0]?.sum) === expected &&
    Number(rows[0]?.n) === 2 * PAIRS + 1;
  process.stdout.write(
    [
      '',
      `Wallet ledger, one wallet, ${CLIENTS} concurrent clients, ${PAIRS} hold + capture pairs:`,
      `  ${((2 * PAIRS) / seconds).toFixed(0)} movements/s (${seconds.toFixed(1)} s)`,
      `  invariants ${intact ? 'intact' : 'BROKEN'}: balance ${wallet.balance} (expected ${expected}), reserved ${wallet.reserved}, ledger sum ${rows[0]?.sum}, rows ${rows[0]?.n}`,
      '',
    ].join('\n'),
  );
  if (!intact) process.exitCode = 1;
} finally {
  await db.end();
  await postgres.stop();
  rmSync(scratch, { recursive: true, force: true });
}
