import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../../dev/http-client.js';
import { createPool, type Db } from '../../db/pool.js';
import { hold, settleHold } from '../../db/wallet-ledger.js';
import { createMerchant, financeKey, linkPayPal } from '../support/fixtures.js';
import { startStack, type Stack } from '../support/stack.js';

/**
 * The ledger's invariants as properties. fast-check generates random sequences of money movements — PayPal top-ups
 * (approved or declined), bank transfers (confirmed, rejected, confirmed twice at once, left pending), operator
 * adjustments (+/−, some over what is available, some repeated with their Idempotency-Key), and order holds that are
 * captured, released or captured then refunded — and runs them in concurrent lanes on two wallets: top-ups and
 * adjustments over HTTP against the real stack, holds through the ledger functions the order activities use.
 * Whatever the interleaving: the balance is the sum of the ledger rows, `available` never goes below zero, and every
 * credit traces back to a completed top-up or an audited adjustment (or refunds a capture).
 */
const RUNS = Number(process.env.LEDGER_PROPERTY_RUNS ?? 15);
const LANES = 4;

let stack: Stack;
let db: Db;
beforeAll(async () => {
  stack = await startStack();
  db = createPool(stack.databaseUrl, 8);
});
afterAll(async () => {
  await db?.end();
  await stack?.stop();
});

type Command =
  | { kind: 'paypal'; wallet: 0 | 1; amount: number }
  | {
      kind: 'transfer';
      wallet: 0 | 1;
      amount: number;
      fee: number;
      outcome: 'confirm' | 'confirm_twice' | 'reject' | 'pending';
    }
  | { kind: 'adjust'; wallet: 0 | 1; amount: number; repeat: boolean }
  | { kind: 'order'; wallet: 0 | 1; amount: number; outcome: 'capture' | 'release' | 'refund' };

const walletIndex = fc.constantFrom<0 | 1>(0, 1);
const command: fc.Arbitrary<Command> = fc.oneof(
  fc.record({
    kind: fc.constant('paypal' as const),
    wallet: walletIndex,
    amount: fc.integer({ min: 1_000, max: 30_000 }),
  }),
  fc.record({
    kind: fc.constant('transfer' as const),
    wallet: walletIndex,
    amount: fc.integer({ min: 1_000, max: 30_000 }),
    fee: fc.integer({ min: 0, max: 500 }),
    outcome: fc.constantFrom('confirm' as const, 'confirm_twice' as const, 'reject' as const, 'pending' as const),
  }),
  fc.record({
    kind: fc.constant('adjust' as const),
    wallet: walletIndex,
    amount: fc.integer({ min: -20_000, max: 20_000 }).filter((n) => n !== 0),
    repeat: fc.boolean(),
  }),
  fc.record({
    kind: fc.constant('order' as const),
    wallet: walletIndex,
    amount: fc.integer({ min: 100, max: 20_000 }),
    outcome: fc.constantFrom('capture' as const, 'release' as const, 'refund' as const),
  }),
);

interface Expected {
  /** Top-up id → what must have been credited (0: nothing). */
  topUps: Map<string, { credited: number; status: string }>;
  adjustments: number[];
}

let run = 0;
/** What the runs exercised, printed at the end (a figure to read, not an assertion). */
const seen: Record<string, number> = {};
const count = (what: string): void => {
  seen[what] = (seen[what] ?? 0) + 1;
};

async function execute(
  c: Command,
  ctx: { merchants: { id: string; key: string }[]; finance: string; tag: string },
  expected: Expected[],
): Promise<void> {
  const m = ctx.merchants[c.wallet];
  if (!m) throw new Error('no merchant');
  const exp = expected[c.wallet] as Expected;
  const api = stack.api;
  switch (c.kind) {
    case 'paypal': {
      const started = await api.post(
        '/v1/wallet/top-ups',
        { method: 'paypal', amount: c.amount, currency: 'EUR' },
        { key: m.key },
      );
      expect(started.status).toBe(201);
      const done = await waitFor(`top-up ${started.body.id}`, async () => {
        const t = (await api.get(`/v1/wallet/top-ups/${started.body.id}`, { key: m.key })).body;
        return t.status !== 'PENDING' && t.waitingFor === null ? t : false;
      });
      // Wallet 1's PayPal declines every capture.
      const status = c.wallet === 0 ? 'COMPLETED' : 'FAILED';
      expect(done.status).toBe(status);
      exp.topUps.set(done.id, { credited: status === 'COMPLETED' ? c.amount : 0, status });
      count(`paypal ${status}`);
      return;
    }
    case 'transfer': {
      const started = await api.post(
        '/v1/wallet/top-ups',
        { method: 'bank_transfer', amount: c.amount, currency: 'EUR' },
        { key: m.key },
      );
      expect(started.status).toBe(201);
      const id = started.body.id as string;
      const received = c.amount - c.fee;
      const confirm = () =>
        api.post(
          `/v1/finance/top-ups/${id}/confirm`,
          { amountReceived: received, bankReference: `B-${id}` },
          { key: ctx.finance },
        );
      count(`transfer ${c.outcome}`);
      if (c.outcome === 'pending') {
        exp.topUps.set(id, { credited: 0, status: 'PENDING' });
      } else if (c.outcome === 'reject') {
        expect(
          (await api.post(`/v1/finance/top-ups/${id}/reject`, { reason: 'not received' }, { key: ctx.finance })).status,
        ).toBe(200);
        exp.topUps.set(id, { credited: 0, status: 'REJECTED' });
      } else {
        const answers = await Promise.all(c.outcome === 'confirm' ? [confirm()] : [confirm(), confirm()]);
        expect(answers.map((a) => a.status).sort()).toEqual(c.outcome === 'confirm' ? [200] : [200, 409]);
        exp.topUps.set(id, { credited: received, status: 'COMPLETED' });
      }
      return;
    }
    case 'adjust': {
      const key = `${ctx.tag}-adj-${Math.random().toString(36).slice(2)}`;
      const send = () =>
        api.post(
          '/v1/finance/adjustments',
          { merchantId: m.id, amount: c.amount, reason: 'property test' },
          { key: ctx.finance, headers: { 'Idempotency-Key': key } },
        );
      const answers = c.repeat ? await Promise.all([send(), send()]) : [await send()];
      const accepted = answers.filter((a) => a.status === 201 || (a.status === 200 && a.body.transaction));
      // A debit over what is available is refused (409) and changes nothing; the same key never adjusts twice.
      for (const a of answers) expect([200, 201, 409]).toContain(a.status);
      if (accepted.length > 0) {
        expect(new Set(accepted.map((a) => a.body.transaction.id)).size).toBe(1);
        exp.adjustments.push(c.amount);
      }
      count(
        `adjustment ${c.amount > 0 ? 'credit' : 'debit'} ${accepted.length > 0 ? 'made' : 'refused'}${c.repeat ? ' (sent twice)' : ''}`,
      );
      return;
    }
    case 'order': {
      const orderId = `${ctx.tag}-order-${Math.random().toString(36).slice(2)}`;
      const holdKey = `order:${orderId}:hold:1`;
      const held = await hold(db, m.id, { orderId, amount: c.amount, currency: 'EUR', key: holdKey });
      count(held.held ? `hold then ${c.outcome}` : 'hold refused (short)');
      if (!held.held) return;
      if (c.outcome === 'release') {
        await settleHold(db, m.id, { orderId, holdKey, key: `order:${orderId}:return:1`, outcome: 'release' });
        return;
      }
      await settleHold(db, m.id, { orderId, holdKey, key: `order:${orderId}:capture:1`, outcome: 'capture' });
      // Returning a captured charge is a refund of what was captured.
      if (c.outcome === 'refund')
        await settleHold(db, m.id, { orderId, holdKey, key: `order:${orderId}:return:1`, outcome: 'release' });
      return;
    }
  }
}

async function checkInvariants(merchantId: string, exp: Expected, sampledNegative: boolean): Promise<void> {
  const { rows: sums } = await db.query<{
    balance: string;
    reserved: string;
    sum_balance: string;
    sum_reserved: string;
  }>(
    `SELECT w.balance, w.reserved, COALESCE(SUM(t.balance_delta), 0) AS sum_balance, COALESCE(SUM(t.reserved_delta), 0) AS sum_reserved
     FROM wallets w LEFT JOIN wallet_transactions t ON t.merchant_id = w.merchant_id WHERE w.merchant_id = $1 GROUP BY w.balance, w.reserved`,
    [merchantId],
  );
  const s = sums[0];
  // The balance is the sum of the ledger rows.
  expect(Number(s?.sum_balance)).toBe(Number(s?.balance));
  expect(Number(s?.sum_reserved)).toBe(Number(s?.reserved));

  // `available` never went below zero: not in any row written, nor in any answer sampled while the lanes ran.
  expect(sampledNegative).toBe(false);
  const { rows: negative } = await db.query(
    'SELECT id FROM wallet_transactions WHERE merchant_id = $1 AND (balance_after - reserved_after < 0 OR reserved_after < 0)',
    [merchantId],
  );
  expect(negative).toEqual([]);

  // Every credit traces back to a completed top-up, an audited adjustment, or a captured charge it refunds.
  const { rows: credits } = await db.query(
    `SELECT t.id, t.kind, t.amount, t.balance_delta, t.top_up_id, u.status AS top_up_status, (u.view->'credited'->>'amount')::bigint AS top_up_credited,
            a.action AS audit_action, a.amount AS audit_amount, a.actor AS audit_actor,
            (SELECT count(*) FROM wallet_transactions c WHERE c.merchant_id = t.merchant_id AND c.order_id = t.order_id AND c.kind = 'capture' AND c.amount = t.amount) AS captures
     FROM wallet_transactions t LEFT JOIN top_ups u ON u.id = t.top_up_id LEFT JOIN audit_log a ON a.id = t.audit_id
     WHERE t.merchant_id = $1 AND t.balance_delta > 0`,
    [merchantId],
  );
  for (const c of credits) {
    if (c.kind === 'top_up') {
      expect(c.top_up_status, `credit ${c.id}`).toBe('COMPLETED');
      expect(Number(c.top_up_credited)).toBe(Number(c.amount));
    } else if (c.kind === 'adjustment') {
      expect(c.audit_action).toBe('wallet.adjustment');
      expect(Number(c.audit_amount)).toBe(Number(c.balance_delta));
      expect(c.audit_actor).toBe('Test Finance'); // a named operator, never an anonymous key
    } else {
      expect(c.kind).toBe('refund');
      expect(Number(c.captures)).toBe(1);
    }
  }

  // And exactly what the model expects: each completed top-up credited once with what arrived, nothing for the others.
  const { rows: topUpRows } = await db.query(
    `SELECT u.id, u.status, COALESCE(SUM(t.amount), 0) AS credited, count(t.id) AS rows
     FROM top_ups u LEFT JOIN wallet_transactions t ON t.top_up_id = u.id WHERE u.merchant_id = $1 GROUP BY u.id, u.status`,
    [merchantId],
  );
  const actual = new Map(
    topUpRows.map((r) => [
      String(r.id),
      { credited: Number(r.credited), status: String(r.status), rows: Number(r.rows) },
    ]),
  );
  expect(actual.size).toBe(exp.topUps.size);
  for (const [id, want] of exp.topUps) {
    expect(actual.get(id), id).toEqual({
      credited: want.credited,
      status: want.status,
      rows: want.credited > 0 ? 1 : 0,
    });
  }
  const { rows: adjustments } = await db.query(
    `SELECT balance_delta FROM wallet_transactions WHERE merchant_id = $1 AND kind = 'adjustment' ORDER BY id`,
    [merchantId],
  );
  expect(adjustments.map((r) => Number(r.balance_delta)).sort((a, b) => a - b)).toEqual(
    [...exp.adjustments].sort((a, b) => a - b),
  );
}

describe('ledger invariants under random concurrent money movements', () => {
  it(`hold for ${RUNS} random runs of ${LANES} concurrent lanes`, { timeout: 600_000 }, async () => {
    const finance = await financeKey(stack);
    await fc.assert(
      fc.asyncProperty(fc.array(command, { minLength: 6, maxLength: 24 }), async (commands) => {
        const tag = `p${++run}`;
        // Each wallet opens with an audited adjustment, so that holds have something to hold from the start.
        const opening = 20_000;
        const merchants = [
          await createMerchant(stack, { name: `${tag} approving`, topUp: opening }),
          await createMerchant(stack, { name: `${tag} declining`, topUp: opening }),
        ];
        await linkPayPal(stack, merchants[0] as { key: string });
        await linkPayPal(stack, merchants[1] as { key: string }, { decline: true });
        const expected: Expected[] = [
          { topUps: new Map(), adjustments: [opening] },
          { topUps: new Map(), adjustments: [opening] },
        ];

        let sampling = true;
        let sampledNegative = false;
        const sampler = (async () => {
          while (sampling) {
            for (const m of merchants) {
              const w = (await stack.api.get('/v1/wallet', { key: m.key })).body;
              if (w.available < 0 || w.reserved < 0 || w.balance < 0) sampledNegative = true;
            }
            await new Promise((r) => setTimeout(r, 20));
          }
        })();
        const lanes = Array.from({ length: LANES }, (_, lane) => commands.filter((_, i) => i % LANES === lane));
        try {
          await Promise.all(
            lanes.map(async (lane) => {
              for (const c of lane) await execute(c, { merchants, finance, tag }, expected);
            }),
          );
        } finally {
          sampling = false;
          await sampler;
        }
        for (const [i, m] of merchants.entries()) await checkInvariants(m.id, expected[i] as Expected, sampledNegative);
      }),
      { numRuns: RUNS },
    );
    process.stderr.write(
      `[ledger properties] ${run} runs: ${Object.entries(seen)
        .sort()
        .map(([k, n]) => `${k} ×${n}`)
        .join(', ')}\n`,
    );
  });
});
