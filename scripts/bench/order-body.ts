/** The order every capacity script creates: one item, an Italian customer, paid as the caller says. */
export function benchOrder(
  externalId: string,
  opts: { payment?: 'prepaid' | 'bank_transfer'; sku?: string } = {},
): Record<string, unknown> {
  return {
    channel: 'amazon',
    externalId,
    payment: { method: opts.payment ?? 'prepaid', amountPaid: 5990, currency: 'EUR' },
    customer: { name: 'Maria Rossi', email: 'maria@example.com', phone: '+39 333 1234567' },
    shippingAddress: { line1: 'Via Roma 1', city: 'Milano', postcode: '20121', country: 'IT' },
    items: [{ sku: opts.sku ?? 'BB-1001', quantity: 1 }],
  };
}
