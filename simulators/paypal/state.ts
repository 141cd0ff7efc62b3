import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { SimPaymentToken, SimSetupToken } from './vault-state.js';

/** The simulator's in-memory ledger: what a PayPal merchant account would hold for one REST app. */

/** Every API route, named for fault injection and request counts; the vault routes are Payment Method Tokens v3. */
export const apiRoutes = [
  'token',
  'create',
  'capture',
  'refund',
  'get',
  'setup-token',
  'setup-token-get',
  'payment-token',
  'payment-token-get',
  'payment-token-delete',
] as const;
export type ApiRoute = (typeof apiRoutes)[number];

export interface SimPurchaseUnit {
  referenceId: string;
  invoiceId?: string;
  customId?: string;
  description?: string;
  currency: string;
  /** Integer minor units. */
  amount: number;
}

export interface SimOrder {
  id: string;
  status: 'APPROVED' | 'COMPLETED';
  vaultId: string;
  unit: SimPurchaseUnit;
  captureId?: string;
  createTime: string;
  updateTime: string;
}

export interface SimCapture {
  id: string;
  orderId: string;
  invoiceId?: string;
  customId?: string;
  vaultId: string;
  currency: string;
  amount: number;
  refunded: number;
  status: 'COMPLETED' | 'PARTIALLY_REFUNDED' | 'REFUNDED';
  createTime: string;
  updateTime: string;
}

export interface SimRefund {
  id: string;
  captureId: string;
  currency: string;
  amount: number;
  invoiceId?: string;
  noteToPayer?: string;
  requestId?: string;
  status: 'COMPLETED';
  createTime: string;
}

/** What was answered to a PayPal-Request-Id, replayed as is when the same id comes back. */
export interface StoredReply {
  status: number;
  body: unknown;
}

const defaultDeclineIssue = 'INSTRUMENT_DECLINED';

export class PayPalState {
  /** access token → expiry (epoch ms, on the simulator's clock). */
  readonly tokens = new Map<string, number>();
  readonly orders = new Map<string, SimOrder>();
  readonly captures = new Map<string, SimCapture>();
  readonly refunds = new Map<string, SimRefund>();
  readonly replies = new Map<string, StoredReply>();
  readonly setupTokens = new Map<string, SimSetupToken>();
  /** Deleted payment tokens stay listed (with deleteTime) for /_admin, but the API no longer knows them. */
  readonly paymentTokens = new Map<string, SimPaymentToken>();
  /** payer e-mail → payer id: one PayPal account keeps its id across links, as on PayPal. */
  readonly payerIds = new Map<string, string>();
  /** Numbers the default payer e-mails (buyer-1@example.com, …) so each setup token offers a new buyer. */
  buyerSequence = 0;
  /** vault id → the issue its capture is declined with. */
  declined = new Map<string, string>();
  counts: Record<ApiRoute, number> = emptyCounts();

  reset(): void {
    this.tokens.clear();
    this.orders.clear();
    this.captures.clear();
    this.refunds.clear();
    this.replies.clear();
    this.setupTokens.clear();
    this.paymentTokens.clear();
    this.payerIds.clear();
    this.buyerSequence = 0;
    this.declined = new Map();
    this.resetCounts();
  }

  resetCounts(): void {
    this.counts = emptyCounts();
  }

  /**
   * What a PayPal account keeps across a restart of the simulator: the vault (setup and payment tokens, payer ids),
   * the orders, captures and refunds, and the answers given to PayPal-Request-Ids. Access tokens and request counts
   * are the process's own and start afresh.
   */
  private persisted(): Persisted {
    return {
      version: 1,
      orders: [...this.orders.entries()],
      captures: [...this.captures.entries()],
      refunds: [...this.refunds.entries()],
      replies: [...this.replies.entries()],
      setupTokens: [...this.setupTokens.entries()],
      paymentTokens: [...this.paymentTokens.entries()],
      payerIds: [...this.payerIds.entries()],
      buyerSequence: this.buyerSequence,
      declined: [...this.declined.entries()],
    };
  }

  /** Writes the state to `path` (write then rename: a crash never leaves half a file). */
  save(path: string): void {
    mkdirSync(dirname(path), { recursive: true });
    const temp = `${path}.tmp`;
    writeFileSync(temp, JSON.stringify(this.persisted()));
    renameSync(temp, path);
  }

  /** Reads what `save` wrote, if the file exists; a file it cannot read stops the start rather than lose the vault. */
  load(path: string): void {
    if (!existsSync(path)) return;
    let data: Persisted;
    try {
      data = JSON.parse(readFileSync(path, 'utf8')) as Persisted;
    } catch (error) {
      throw new Error(`PayPal simulator state ${path} is not readable JSON: ${(error as Error).message}`);
    }
    if (data.version !== 1) throw new Error(`PayPal simulator state ${path}: unknown version ${String(data.version)}`);
    const fill = <V>(map: Map<string, V>, entries: [string, V][]): void => {
      map.clear();
      for (const [k, v] of entries) map.set(k, v);
    };
    fill(this.orders, data.orders);
    fill(this.captures, data.captures);
    fill(this.refunds, data.refunds);
    fill(this.replies, data.replies);
    fill(this.setupTokens, data.setupTokens);
    fill(this.paymentTokens, data.paymentTokens);
    fill(this.payerIds, data.payerIds);
    this.buyerSequence = data.buyerSequence;
    this.declined = new Map(data.declined);
  }

  setDeclined(vaultIds: readonly string[], issue = defaultDeclineIssue): void {
    this.declined = new Map(vaultIds.map((id) => [id, issue]));
  }

  /** A payment token that can still be charged; a deleted one is as unknown to the API as one never issued. */
  livePaymentToken(id: string): SimPaymentToken | undefined {
    const token = this.paymentTokens.get(id);
    return token && !token.deleteTime ? token : undefined;
  }

  /**
   * Vault ids that may be charged: live payment tokens, plus ids starting with `declined-`, a standing rehearsal
   * of a saved account whose funding always fails (tests and demos get one without linking anything).
   */
  isChargeableVaultId(vaultId: string): boolean {
    return this.livePaymentToken(vaultId) !== undefined || vaultId.startsWith('declined-');
  }

  /** The admin declined list wins, then the decline chosen when the payer approved, then the `declined-` prefix. */
  declineIssueFor(vaultId: string): string | undefined {
    return (
      this.declined.get(vaultId) ??
      this.paymentTokens.get(vaultId)?.declineIssue ??
      (vaultId.startsWith('declined-') ? defaultDeclineIssue : undefined)
    );
  }

  /** An invoice id stays taken once money moved under it, even if refunded since (as on PayPal). */
  captureWithInvoice(invoiceId: string | undefined): SimCapture | undefined {
    if (invoiceId === undefined) return undefined;
    for (const capture of this.captures.values()) if (capture.invoiceId === invoiceId) return capture;
    return undefined;
  }
}

interface Persisted {
  version: 1;
  orders: [string, SimOrder][];
  captures: [string, SimCapture][];
  refunds: [string, SimRefund][];
  replies: [string, StoredReply][];
  setupTokens: [string, SimSetupToken][];
  paymentTokens: [string, SimPaymentToken][];
  payerIds: [string, string][];
  buyerSequence: number;
  declined: [string, string][];
}

function emptyCounts(): Record<ApiRoute, number> {
  return Object.fromEntries(apiRoutes.map((route) => [route, 0])) as Record<ApiRoute, number>;
}
