/** The orders page's filters, kept in the URL (a link or a reload shows the same list). */
export interface OrdersSearch {
  status?: string;
  q?: string;
  channel?: string;
  reason?: string;
  from?: string;
  to?: string;
  sort?: string;
  cursor?: string;
}

const keys = ['status', 'q', 'channel', 'reason', 'from', 'to', 'sort', 'cursor'] as const;

/** Only short strings survive: anything else in the URL is dropped rather than sent to the API. */
export function parseOrdersSearch(raw: Record<string, unknown>): OrdersSearch {
  const out: OrdersSearch = {};
  for (const key of keys) {
    const value = raw[key];
    if (typeof value === 'string' && value.length > 0 && value.length <= 500) out[key] = value;
  }
  return out;
}
