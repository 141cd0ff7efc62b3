import type pg from 'pg';
import { recordAudit, type AuditActor } from './audit.js';
import { inTransaction, toInt, type Db } from './pool.js';

/**
 * The merchant's prepaid wallet as a ledger. Every movement is a row keyed by a business idempotency key; the
 * balance row is locked and updated in the same transaction, and CHECK constraints forbid an overdraft.
 * Orders use hold → capture (supplier accepted) or hold → release (refused, cancelled): `reserved` shows money
 * promised to orders in flight.
 *
 * Money enters only two ways: a completed top-up (credited once per top-up id) or an operator's adjustment,
 * written with its audit row in the same transaction. The table's CHECKs refuse any other credit.
 */

export interface Wallet {
  balance: number;
  reserved: number;
  available: number;
  currency: string;
}

export type TransactionKind = 'top_up' | 'adjustment' | 'hold' | 'capture' | 'release' | 'refund';

export interface WalletTransaction {
  id: string;
  kind: TransactionKind;
  /** Always positive; `balanceDelta` carries the direction (a debit adjustment or a capture is negative). */
  amount: number;
  balanceDelta: number;
  currency: string;
  balanceAfter: number;
  reservedAfter: number;
  orderId: string | null;
  topUpId: string | null;
  /** Why an operator adjusted the wallet. */
  reason: string | null;
  reference: string | null;
  /** A top-up credited by the withdrawn merchant call, before top-ups were paid or confirmed: history only. */
  legacy: boolean;
  createdAt: string;
}

export class WalletError extends Error {
  constructor(
    readonly code: 'CURRENCY_MISMATCH' | 'HOLD_NOT_FOUND' | 'WALLET_NOT_FOUND' | 'INSUFFICIENT_AVAILABLE',
    message: string,
  ) {
    super(message);
  }
}

interface WalletRow {
  balance: string;
  reserved: string;
  currency: string;
}

function toWallet(row: WalletRow): Wallet {
  const balance = toInt(row.balance);
  const reserved = toInt(row.reserved);
  return { balance, reserved, available: balance - reserved, currency: row.currency.trim() };
}

function toTransaction(row: Record<string, unknown>): WalletTransaction {
  return {
    id: `wtx_${String(row.id)}`,
    kind: row.kind as TransactionKind,
    amount: toInt(row.amount),
    balanceDelta: toInt(row.balance_delta),
    currency: String(row.currency).trim(),
    balanceAfter: toInt(row.balance_after),
    reservedAfter: toInt(row.reserved_after),
    orderId: (row.order_id as string | null) ?? null,
    topUpId: (row.top_up_id as string | null) ?? null,
    reason: (row.audit_reason as string | null | undefined) ?? null,
    reference: (row.reference as string | null) ?? null,
    legacy: row.legacy === true,
    createdAt: new Date(row.created_at as string).toISOString(),
  };
}

export async function createWallet(client: pg.ClientBase | Db, merchantId: string, currency = 'EUR'): Promise<void> {
  await client.query('INSERT INTO wallets (merchant_id, currency) VALUES ($1, $2) ON CONFLICT DO NOTHING', [
    merchantId,
    currency,
  ]);
}

export async function getWallet(db: Db, merchantId: string): Promise<Wallet> {
  const { rows } = await db.query<WalletRow>('SELECT balance, reserved, currency FROM wallets WHERE merchant_id = $1', [
    merchantId,
  ]);
  if (!rows[0]) throw new WalletError('WALLET_NOT_FOUND', `No wallet for merchant ${merchantId}`);
  return toWallet(rows[0]);
}

async function lockWallet(client: pg.PoolClient, merchantId: string): Promise<Wallet> {
  const { rows } = await client.query<WalletRow>(
    'SELECT balance, reserved, currency FROM wallets WHERE merchant_id = $1 FOR UPDATE',
    [merchantId],
  );
  if (!rows[0]) throw new WalletError('WALLET_NOT_FOUND', `No wallet for merchant ${merchantId}`);
  return toWallet(rows[0]);
}

async function findByKey(client: pg.ClientBase, merchantId: string, key: string): Promise<WalletTransaction | null> {
  const { rows } = await client.query(
    'SELECT * FROM wallet_transactions WHERE merchant_id = $1 AND idempotency_key = $2',
    [merchantId, key],
  );
  return rows[0] ? toTransaction(rows[0]) : null;
}

interface Movement {
  kind: TransactionKind;
  amount: number;
  balanceDelta: number;
  reservedDelta: number;
  orderId?: string;
  reference?: string;
  key: string;
  settles?: string;
  topUpId?: string;
  auditId?: number;
}

async function record(
  client: pg.PoolClient,
  merchantId: string,
  wallet: Wallet,
  m: Movement,
): Promise<WalletTransaction> {
  const balance = wallet.balance + m.balanceDelta;
  const reserved = wallet.reserved + m.reservedDelta;
  await client.query('UPDATE wallets SET balance = $2, reserved = $3, updated_at = now() WHERE merchant_id = $1', [
    merchantId,
    balance,
    reserved,
  ]);
  const { rows } = await client.query(
    `INSERT INTO wallet_transactions
       (merchant_id, kind, amount, currency, balance_delta, reserved_delta, balance_after, reserved_after,
        order_id, reference, idempotency_key, settles, top_up_id, audit_id)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) RETURNING *`,
    [
      merchantId,
      m.kind,
      m.amount,
      wallet.currency,
      m.balanceDelta,
      m.reservedDelta,
      balance,
      reserved,
      m.orderId ?? null,
      m.reference ?? null,
      m.key,
      m.settles ?? null,
      m.topUpId ?? null,
      m.auditId ?? null,
    ],
  );
  return toTransaction(rows[0]);
}

export interface CreditResult {
  transaction: WalletTransaction;
  wallet: Wallet;
  /** False when this credit had already been made: nothing was added again. */
  created: boolean;
}

function after(wallet: Wallet, t: WalletTransaction): Wallet {
  return { ...wallet, balance: t.balanceAfter, reserved: t.reservedAfter, available: t.balanceAfter - t.reservedAfter };
}

/** The ledger key of a top-up's credit: one credit per top-up, whoever asks how often. */
export const topUpCreditKey = (topUpId: string): string => `top-up:${topUpId}`;

/**
 * Credits a completed top-up (PayPal captured, or a transfer an operator confirmed), once per top-up id.
 * An operator's confirmation is audited in the same transaction, so a credit never exists without its record.
 */
export async function creditTopUp(
  db: Db,
  input: {
    merchantId: string;
    topUpId: string;
    amount: number;
    currency: string;
    reference?: string;
    audit?: { actor: AuditActor; reason?: string; details?: Record<string, unknown> };
  },
): Promise<CreditResult> {
  return inTransaction(db, async (client) => {
    const wallet = await lockWallet(client, input.merchantId);
    const key = topUpCreditKey(input.topUpId);
    const existing = await findByKey(client, input.merchantId, key);
    if (existing) return { transaction: existing, wallet, created: false };
    if (input.currency !== wallet.currency) {
      throw new WalletError(
        'CURRENCY_MISMATCH',
        `The wallet is in ${wallet.currency}; a top-up in ${input.currency} cannot be credited`,
      );
    }
    const auditId = input.audit
      ? await recordAudit(client, {
          actor: input.audit.actor,
          action: 'top_up.confirm',
          merchantId: input.merchantId,
          target: input.topUpId,
          amount: input.amount,
          currency: input.currency,
          reason: input.audit.reason ?? null,
          ...(input.audit.details ? { details: input.audit.details } : {}),
          key: `${key}:confirm`,
        })
      : undefined;
    const transaction = await record(client, input.merchantId, wallet, {
      kind: 'top_up',
      amount: input.amount,
      balanceDelta: input.amount,
      reservedDelta: 0,
      key,
      topUpId: input.topUpId,
      ...(input.reference ? { reference: input.reference } : {}),
      ...(auditId !== undefined ? { auditId } : {}),
    });
    return { transaction, wallet: after(wallet, transaction), created: true };
  });
}

/**
 * An operator's signed correction, with its reason, audited in the same transaction. A debit never takes more
 * than is available (money promised to orders in flight stays theirs). Once per key.
 */
export async function adjust(
  db: Db,
  input: { merchantId: string; amount: number; currency?: string; reason: string; actor: AuditActor; key: string },
): Promise<CreditResult> {
  if (!Number.isSafeInteger(input.amount) || input.amount === 0)
    throw new RangeError('An adjustment is a non-zero integer amount');
  return inTransaction(db, async (client) => {
    const wallet = await lockWallet(client, input.merchantId);
    const existing = await findByKey(client, input.merchantId, input.key);
    if (existing) return { transaction: await withReason(client, existing), wallet, created: false };
    if (input.currency !== undefined && input.currency !== wallet.currency) {
      throw new WalletError('CURRENCY_MISMATCH', `The wallet is in ${wallet.currency}, not ${input.currency}`);
    }
    if (input.amount < 0 && wallet.available < -input.amount) {
      throw new WalletError(
        'INSUFFICIENT_AVAILABLE',
        `Only ${wallet.available} ${wallet.currency} cents are available (${wallet.reserved} are reserved for orders in flight); a debit of ${-input.amount} would take the wallet below zero`,
      );
    }
    const auditId = await recordAudit(client, {
      actor: input.actor,
      action: 'wallet.adjustment',
      merchantId: input.merchantId,
      target: input.key,
      amount: input.amount,
      currency: wallet.currency,
      reason: input.reason,
      key: input.key,
    });
    const transaction = await record(client, input.merchantId, wallet, {
      kind: 'adjustment',
      amount: Math.abs(input.amount),
      balanceDelta: input.amount,
      reservedDelta: 0,
      key: input.key,
      auditId,
    });
    return { transaction: { ...transaction, reason: input.reason }, wallet: after(wallet, transaction), created: true };
  });
}

async function withReason(client: pg.ClientBase, t: WalletTransaction): Promise<WalletTransaction> {
  const { rows } = await client.query(
    'SELECT a.reason FROM wallet_transactions t JOIN audit_log a ON a.id = t.audit_id WHERE t.id = $1',
    [t.id.replace(/^wtx_/, '')],
  );
  return { ...t, reason: (rows[0]?.reason as string | undefined) ?? null };
}

export type HoldOutcome = { held: true; transaction: WalletTransaction } | { held: false; available: number };

/** The columns a movement row is written with, in the order the one-statement paths below select them. */
const MOVEMENT_COLUMNS = `(merchant_id, kind, amount, currency, balance_delta, reserved_delta, balance_after, reserved_after,
  order_id, idempotency_key, settles)`;

/**
 * A movement in one statement, without a transaction around it: the common case of a hold or a settlement (new key,
 * enough money, hold not yet settled) in one round trip, which is what a busy wallet's throughput depends on (its
 * row is locked from the first write to the commit). The UPDATE re-checks its condition against the row as the last
 * writer left it, and the unique keys refuse a second movement with the same key or settling the same hold, which
 * rolls the whole statement back. null when the statement did not apply, for whatever reason: the caller then takes
 * the transactional path, which tells the reasons apart (already done, refused, not found).
 */
async function inOneStatement(db: Db, sql: string, params: unknown[]): Promise<WalletTransaction | null> {
  try {
    const { rows } = await db.query(sql, params);
    return rows[0] ? toTransaction(rows[0]) : null;
  } catch (error) {
    const code = (error as { code?: string }).code;
    // 23505 unique_violation: key used or hold settled concurrently · 23514 check_violation: the CHECKs refused it.
    if (code === '23505' || code === '23514') return null;
    throw error;
  }
}

const HOLD_IN_ONE_STATEMENT = `
  WITH w AS (
    UPDATE wallets SET reserved = reserved + $3, updated_at = now()
     WHERE merchant_id = $1 AND currency = $4 AND balance - reserved >= $3
       AND NOT EXISTS (SELECT 1 FROM wallet_transactions WHERE merchant_id = $1 AND idempotency_key = $5)
    RETURNING balance, reserved, currency)
  INSERT INTO wallet_transactions ${MOVEMENT_COLUMNS}
  SELECT $1, 'hold', $3, w.currency, 0, $3, w.balance, w.reserved, $2, $5, NULL FROM w
  RETURNING *`;

/** Reserves the amount for an order if the available balance covers it. Same key → same outcome once held. */
export async function hold(
  db: Db,
  merchantId: string,
  input: { orderId: string; amount: number; currency: string; key: string },
): Promise<HoldOutcome> {
  const fast = await inOneStatement(db, HOLD_IN_ONE_STATEMENT, [
    merchantId,
    input.orderId,
    input.amount,
    input.currency,
    input.key,
  ]);
  if (fast) return { held: true, transaction: fast };
  return inTransaction(db, async (client) => {
    const wallet = await lockWallet(client, merchantId);
    const existing = await findByKey(client, merchantId, input.key);
    if (existing) return { held: true, transaction: existing };
    if (input.currency !== wallet.currency) {
      throw new WalletError(
        'CURRENCY_MISMATCH',
        `The wallet is in ${wallet.currency}; the order costs ${input.currency}`,
      );
    }
    if (wallet.available < input.amount) return { held: false, available: wallet.available };
    const transaction = await record(client, merchantId, wallet, {
      kind: 'hold',
      amount: input.amount,
      balanceDelta: 0,
      reservedDelta: input.amount,
      orderId: input.orderId,
      key: input.key,
    });
    return { held: true, transaction };
  });
}

const SETTLE_IN_ONE_STATEMENT = `
  WITH held AS (
    SELECT amount FROM wallet_transactions WHERE merchant_id = $1 AND idempotency_key = $3 AND kind = 'hold'
  ), w AS (
    UPDATE wallets
       SET balance = balance - CASE WHEN $5 = 'capture' THEN held.amount ELSE 0 END,
           reserved = reserved - held.amount, updated_at = now()
      FROM held
     WHERE wallets.merchant_id = $1
       AND NOT EXISTS (SELECT 1 FROM wallet_transactions WHERE merchant_id = $1 AND (idempotency_key = $4 OR settles = $3))
    RETURNING wallets.balance, wallets.reserved, wallets.currency, held.amount)
  INSERT INTO wallet_transactions ${MOVEMENT_COLUMNS}
  SELECT $1, $5, w.amount, w.currency, CASE WHEN $5 = 'capture' THEN -w.amount ELSE 0 END, -w.amount,
         w.balance, w.reserved, $2, $4, $3
    FROM w
  RETURNING *`;

/** Settles a hold: capture takes the money, release gives it back. A hold is settled once, whichever comes first. */
export async function settleHold(
  db: Db,
  merchantId: string,
  input: { orderId: string; holdKey: string; key: string; outcome: 'capture' | 'release' },
): Promise<WalletTransaction> {
  const fast = await inOneStatement(db, SETTLE_IN_ONE_STATEMENT, [
    merchantId,
    input.orderId,
    input.holdKey,
    input.key,
    input.outcome,
  ]);
  if (fast) return fast;
  return inTransaction(db, async (client) => {
    const wallet = await lockWallet(client, merchantId);
    const existing = await findByKey(client, merchantId, input.key);
    if (existing) return existing;
    const held = await findByKey(client, merchantId, input.holdKey);
    if (!held || held.kind !== 'hold')
      throw new WalletError('HOLD_NOT_FOUND', `No hold ${input.holdKey} for order ${input.orderId}`);
    const { rows } = await client.query('SELECT * FROM wallet_transactions WHERE merchant_id = $1 AND settles = $2', [
      merchantId,
      input.holdKey,
    ]);
    const settled = rows[0] ? toTransaction(rows[0]) : null;
    if (settled) {
      if (settled.kind === input.outcome) return settled;
      if (input.outcome === 'release' && settled.kind === 'capture') {
        // Already captured: giving the money back is a refund of the captured amount.
        return record(client, merchantId, wallet, {
          kind: 'refund',
          amount: held.amount,
          balanceDelta: held.amount,
          reservedDelta: 0,
          orderId: input.orderId,
          key: input.key,
        });
      }
      throw new WalletError('HOLD_NOT_FOUND', `Hold ${input.holdKey} was already released`);
    }
    return record(client, merchantId, wallet, {
      kind: input.outcome,
      amount: held.amount,
      balanceDelta: input.outcome === 'capture' ? -held.amount : 0,
      reservedDelta: -held.amount,
      orderId: input.orderId,
      key: input.key,
      settles: input.holdKey,
    });
  });
}

export async function listTransactions(
  db: Db,
  merchantId: string,
  page: { limit: number; before?: number },
): Promise<{ items: WalletTransaction[]; nextCursor: string | null }> {
  const { rows } = await db.query(
    `SELECT t.*, a.reason AS audit_reason FROM wallet_transactions t LEFT JOIN audit_log a ON a.id = t.audit_id
     WHERE t.merchant_id = $1 AND ($2::bigint IS NULL OR t.id < $2)
     ORDER BY t.id DESC LIMIT $3`,
    [merchantId, page.before ?? null, page.limit + 1],
  );
  const items = rows.slice(0, page.limit).map(toTransaction);
  const last = rows.length > page.limit ? rows[page.limit - 1] : undefined;
  return { items, nextCursor: last ? String(last.id) : null };
}
