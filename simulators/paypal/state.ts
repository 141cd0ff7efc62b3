/** The simulator's in-memory ledger: what a PayPal merchant account would hold for one REST app. */

export type ApiRoute = 'token' | 'create' | 'capture' | 'refund' | 'get';
export const apiRoutes: readonly ApiRoute[] = ['token', 'create', 'capture', 'refund', 'get'];

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
  /** vault id → the issue its capture is declined with. */
  declined = new Map<string, string>();
  counts: Record<ApiRoute, number> = emptyCounts();

  constructor(private readonly initialDeclined: readonly string[]) {
    this.setDeclined(initialDeclined);
  }

  reset(): void {
    this.tokens.clear();
    this.orders.clear();
    this.captures.clear();
    this.refunds.clear();
    this.replies.clear();
    this.setDeclined(this.initialDeclined);
    this.counts = emptyCounts();
  }

  setDeclined(vaultIds: readonly string[], issue = defaultDeclineIssue): void {
    this.declined = new Map(vaultIds.map((id) => [id, issue]));
  }

  /** Vault ids starting with `declined-` always decline, so tests and demos need no admin call to get one. */
  declineIssueFor(vaultId: string): string | undefined {
    return this.declined.get(vaultId) ?? (vaultId.startsWith('declined-') ? defaultDeclineIssue : undefined);
  }

  /** An invoice id stays taken once money moved under it, even if refunded since (as on PayPal). */
  captureWithInvoice(invoiceId: string | undefined): SimCapture | undefined {
    if (invoiceId === undefined) return undefined;
    for (const capture of this.captures.values()) if (capture.invoiceId === invoiceId) return capture;
    return undefined;
  }
}

function emptyCounts(): Record<ApiRoute, number> {
  return { token: 0, create: 0, capture: 0, refund: 0, get: 0 };
}
