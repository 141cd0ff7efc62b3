import type pg from 'pg';
import { inTransaction, toInt, type Db } from './pool.js';

/**
 * The merchant's prepaid wallet as a ledger. Every movement is a row keyed by a business idempotency key; the
 * balance row is locked and updated in the same transaction, and CHECK constraints forbid an overdraft.
 * Orders use hold → capture (supplier accepted) or hold → release (refused, cancelled): `reserved` shows money
 * promised to orders in flight.
 */

export interface Wallet {
  balance: number;
  reserved: number;
  available: number;
  currency: string;
}

export type TransactionKind = 'top_up' | 'hold' | 'capture' | 'release' | 'refund';

export interface WalletTransaction {
  id: string;
  kind: TransactionKind;
  amount: number;
  currency: string;
  balanceAfter: number;
  reservedAfter: number;
  orderId: string | null;
  reference: string | null;
  createdAt: string;
}

export class WalletError extends Error {
  constructor(
    readonly code: 'CURRENCY_MISMATCH' | 'HOLD_NOT_FOUND' | 'WALLET_NOT_FOUND',
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
    currency: String(row.currency).trim(),
    balanceAfter: toInt(row.balance_after),
    reservedAfter: toInt(row.reserved_after),
    orderId: (row.order_id as string | null) ?? null,
    reference: (row.reference as string | null) ?? null,
    createdAt: new Date(row.created_at as string).toISOString(),
  };
}

export async function createWallet(client: pg.ClientBase | Db, merchantId: string, currency = 'EUR'): Promise<void> {
  await client.query('INSERT INTO wallets (merchant_id, currency) VALUES ($1, $2) ON CONFLICT DO NOTHING', [merchantId, currency]);
}

export async function getWallet(db: Db, merchantId: string): Promise<Wallet> {
  const { rows } = await db.query<WalletRow>('SELECT balance, reserved, currency FROM wallets WHERE merchant_id = $1', [merchantId]);
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
  const { rows } = await client.query('SELECT * FROM wallet_transactions WHERE merchant_id = $1 AND idempotency_key = $2', [
    merchantId,
    key,
  ]);
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
}

async function record(client: pg.PoolClient, merchantId: string, wallet: Wallet, m: Movement): Promise<WalletTransaction> {
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
        order_id, reference, idempotency_key, settles)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING *`,
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
    ],
  );
  return toTransaction(rows[0]);
}

export interface TopUpResult {
  transaction: WalletTransaction;
  wallet: Wallet;
  /** False when this reference had already been credited: nothing was added again. */
  created: boolean;
}

export async function topUp(
  db: Db,
  merchantId: string,
  input: { amount: number; currency: string; reference: string },
): Promise<TopUpResult> {
  return inTransaction(db, async (client) => {
    const wallet = await lockWallet(client, merchantId);
    const key = `top-up:${input.reference}`;
    const existing = await findByKey(client, merchantId, key);
    if (existing) return { transaction: existing, wallet, created: false };
    if (input.currency !== wallet.currency) {
      throw new WalletError('CURRENCY_MISMATCH', `The wallet is in ${wallet.currency}; a top-up in ${input.currency} cannot be credited`);
    }
    const transaction = await record(client, merchantId, wallet, {
      kind: 'top_up',
      amount: input.amount,
      balanceDelta: input.amount,
      reservedDelta: 0,
      reference: input.reference,
      key,
    });
    return { transaction, wallet: { ...wallet, balance: transaction.balanceAfter, available: transaction.balanceAfter - transaction.reservedAfter }, created: true };
  });
}

export type HoldOutcome = { held: true; transaction: WalletTransaction } | { held: false; available: number };

/** Reserves the amount for an order if the available balance covers it. Same key → same outcome once held. */
export async function hold(
  db: Db,
  merchantId: string,
  input: { orderId: string; amount: number; currency: string; key: string },
): Promise<HoldOutcome> {
  return inTransaction(db, async (client) => {
    const wallet = await lockWallet(client, merchantId);
    const existing = await findByKey(client, merchantId, input.key);
    if (existing) return { held: true, transaction: existing };
    if (input.currency !== wallet.currency) {
      throw new WalletError('CURRENCY_MISMATCH', `The wallet is in ${wallet.currency}; the order costs ${input.currency}`);
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

/** Settles a hold: capture takes the money, release gives it back. A hold is settled once, whichever comes first. */
export async function settleHold(
  db: Db,
  merchantId: string,
  input: { orderId: string; holdKey: string; key: string; outcome: 'capture' | 'release' },
): Promise<WalletTransaction> {
  return inTransaction(db, async (client) => {
    const wallet = await lockWallet(client, merchantId);
    const existing = await findByKey(client, merchantId, input.key);
    if (existing) return existing;
    const held = await findByKey(client, merchantId, input.holdKey);
    if (!held || held.kind !== 'hold') throw new WalletError('HOLD_NOT_FOUND', `No hold ${input.holdKey} for order ${input.orderId}`);
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
    `SELECT * FROM wallet_transactions WHERE merchant_id = $1 AND ($2::bigint IS NULL OR id < $2)
     ORDER BY id DESC LIMIT $3`,
    [merchantId, page.before ?? null, page.limit + 1],
  );
  const items = rows.slice(0, page.limit).map(toTransaction);
  const last = rows.length > page.limit ? rows[page.limit - 1] : undefined;
  return { items, nextCursor: last ? String(last.id) : null };
}
