import { isJsonObject, type JsonObject } from './deep-merge.js';
import type { SimNote, WooState } from './state.js';
import { wooDate } from './woo-dates.js';

/** How a WooCommerce order changes: status transitions with their side effects, meta updates, notes. */

export const wooStatuses = [
  'pending',
  'processing',
  'on-hold',
  'completed',
  'cancelled',
  'refunded',
  'failed',
  'checkout-draft',
] as const;
export type WooStatus = (typeof wooStatuses)[number];

const statusLabels: Record<string, string> = {
  pending: 'Pending payment',
  processing: 'Processing',
  'on-hold': 'On hold',
  completed: 'Completed',
  cancelled: 'Cancelled',
  refunded: 'Refunded',
  failed: 'Failed',
  'checkout-draft': 'Draft',
};

export const trackingMetaKeys = {
  number: '_tracking_number',
  provider: '_tracking_provider',
  url: '_tracking_url',
} as const;

export function orderIdOf(order: JsonObject): number {
  return Number(order['id']);
}

export function statusOf(order: JsonObject): string {
  return typeof order['status'] === 'string' ? order['status'] : '';
}

export function touch(order: JsonObject, at: Date): void {
  const date = wooDate(at);
  order['date_modified'] = date.local;
  order['date_modified_gmt'] = date.gmt;
}

/**
 * Moves the order to `to` as WooCommerce does, with the private "status changed" note. Payment received sets
 * `date_paid` — except that a cash-on-delivery order is only paid once it is completed (the courier collected).
 */
export function changeStatus(
  state: WooState,
  order: JsonObject,
  to: WooStatus,
  at: Date,
): { from: string; changed: boolean } {
  const from = statusOf(order);
  if (from === to) return { from, changed: false };
  const date = wooDate(at);
  order['status'] = to;
  touch(order, at);

  const paidNow = to === 'completed' || (to === 'processing' && order['payment_method'] !== 'cod');
  if (paidNow && !order['date_paid']) {
    order['date_paid'] = date.local;
    order['date_paid_gmt'] = date.gmt;
  }
  if (to === 'completed') {
    order['date_completed'] = date.local;
    order['date_completed_gmt'] = date.gmt;
  }
  if (to === 'refunded') {
    const refunds = Array.isArray(order['refunds']) ? order['refunds'] : [];
    order['refunds'] = [
      ...refunds,
      { id: state.takeRowId(), reason: '', total: `-${String(order['total'] ?? '0.00')}` },
    ];
  }
  order['needs_payment'] = to === 'pending' || to === 'failed';
  order['is_editable'] = to === 'pending' || to === 'on-hold';
  addNote(
    state,
    order,
    `Order status changed from ${statusLabels[from] ?? from} to ${statusLabels[to] ?? to}.`,
    false,
    'system',
    at,
  );
  return { from, changed: true };
}

export interface MetaInput {
  id?: number | undefined;
  key: string;
  value?: unknown;
}

/** REST semantics: an entry with an id rewrites that entry, one without replaces the first entry of that key. */
export function updateMeta(state: WooState, order: JsonObject, entries: MetaInput[]): void {
  const meta: JsonObject[] = Array.isArray(order['meta_data']) ? order['meta_data'].filter(isJsonObject) : [];
  for (const entry of entries) {
    const value = entry.value ?? '';
    const existing = meta.find((m) => (entry.id !== undefined ? m['id'] === entry.id : m['key'] === entry.key));
    if (existing) {
      existing['key'] = entry.key;
      existing['value'] = value;
    } else {
      meta.push({ id: state.takeRowId(), key: entry.key, value });
    }
  }
  order['meta_data'] = meta;
}

export function metaValue(order: JsonObject, key: string): string | null {
  const meta = Array.isArray(order['meta_data']) ? order['meta_data'].filter(isJsonObject) : [];
  const value = meta.find((m) => m['key'] === key)?.['value'];
  return value === undefined || value === null ? null : String(value);
}

export function addNote(
  state: WooState,
  order: JsonObject,
  text: string,
  customerNote: boolean,
  author: string,
  at: Date,
): SimNote {
  const date = wooDate(at);
  const note: SimNote = {
    id: state.takeRowId(),
    author,
    date_created: date.local,
    date_created_gmt: date.gmt,
    note: text,
    customer_note: customerNote,
  };
  state.notesOf(orderIdOf(order)).push(note);
  return note;
}
