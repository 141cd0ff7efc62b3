/** Why an order cannot go on by itself. Each code tells the merchant what to fix. */
export const reviewReasonCodes = [
  'INSUFFICIENT_FUNDS',
  'PAYMENT_DECLINED',
  'ADDRESS_TOO_LONG',
  'INVALID_ADDRESS',
  'INVALID_POSTCODE',
  'INVALID_PHONE',
  'INVALID_EMAIL',
  'OUT_OF_STOCK',
  'UNKNOWN_PRODUCT',
  'INVALID_SHIPPING_METHOD',
  'SUPPLIER_REJECTED',
] as const;

export type ReviewReasonCode = (typeof reviewReasonCodes)[number];

/** Its schema is domain/order.ts's: workflow code reads this module, which builds no schema (domain/lazy.ts). */
export interface ReviewReason {
  code: ReviewReasonCode;
  field?: string;
  message: string;
}

/** Reasons the platform clears by itself (a top-up, stock coming back) without the merchant touching the data. */
const automaticallyRetried: ReadonlySet<ReviewReasonCode> = new Set(['INSUFFICIENT_FUNDS', 'OUT_OF_STOCK']);

export function isAutomaticallyRetried(code: ReviewReasonCode): boolean {
  return automaticallyRetried.has(code);
}

/** Reasons that come from the order's own data: re-checked on every edit. */
const dataReasons: ReadonlySet<ReviewReasonCode> = new Set([
  'ADDRESS_TOO_LONG',
  'INVALID_ADDRESS',
  'INVALID_POSTCODE',
  'INVALID_PHONE',
  'INVALID_EMAIL',
]);

export function isDataReason(code: ReviewReasonCode): boolean {
  return dataReasons.has(code);
}

/** One plain sentence per code: what fixes it. Shown in the Temporal UI's current details. */
export const remedies: Record<ReviewReasonCode, string> = {
  INSUFFICIENT_FUNDS: 'top up the wallet (the order goes on by itself) or enable PayPal',
  PAYMENT_DECLINED: 'PayPal declined the charge: top up the wallet or fix the PayPal account, then resend',
  ADDRESS_TOO_LONG: 'shorten the address (PATCH the order), then resend',
  INVALID_ADDRESS: 'complete the address (PATCH the order), then resend',
  INVALID_POSTCODE: 'correct the postcode (PATCH the order), then resend',
  INVALID_PHONE: "correct the customer's phone (PATCH the order), then resend",
  INVALID_EMAIL: "correct the customer's e-mail (PATCH the order), then resend",
  OUT_OF_STOCK: 'wait for stock (re-checked automatically), or cancel',
  UNKNOWN_PRODUCT: 'the supplier does not know a SKU: cancel, or mark sent manually',
  INVALID_SHIPPING_METHOD: 'choose another shipping method (PATCH the order), then resend',
  SUPPLIER_REJECTED: "read the supplier's message, fix the order and resend, or mark sent manually",
};

/** The reason an order waits for money, with both amounts so the merchant knows how much to top up. */
export function insufficientFunds(available: string, needed: string): ReviewReason {
  return {
    code: 'INSUFFICIENT_FUNDS',
    message: `The wallet has ${available} available and the order costs ${needed}; top up the wallet or enable PayPal`,
  };
}
