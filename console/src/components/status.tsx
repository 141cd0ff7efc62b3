import { useTranslation } from 'react-i18next';
import type { components } from '../api/schema';

export type OrderStatus = components['schemas']['Order']['status'];
export type ReasonCode = components['schemas']['ReviewReason']['code'];

/**
 * Every value of a union, each in the place the console shows it: a status or review reason the API adds (the
 * generated types) and this list lacks breaks the typecheck, naming what is missing.
 */
const everyOf =
  <T extends string>() =>
  <L extends readonly T[]>(list: L & ([T] extends [L[number]] ? unknown : { missing: Exclude<T, L[number]> })) =>
    list as readonly T[];

export const orderStatuses = everyOf<OrderStatus>()([
  'PENDING_REVIEW',
  'AWAITING_PAYMENT',
  'AWAITING_SHIPPING_METHOD',
  'RECEIVED',
  'PROCESSING',
  'SUBMITTED',
  'SHIPPED',
  'SENT_MANUALLY',
  'CANCELLED',
] as const);

export const reasonCodes = everyOf<ReasonCode>()([
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
] as const);

export function StatusBadge({ status }: { status: OrderStatus }) {
  const { t } = useTranslation();
  return <span className={`badge badge-${status.toLowerCase()}`}>{t(`status.${status}`)}</span>;
}
