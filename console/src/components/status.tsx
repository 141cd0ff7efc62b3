import { useTranslation } from 'react-i18next';
import type { components } from '../api/schema';

export type OrderStatus = components['schemas']['Order']['status'];
export type ReasonCode = components['schemas']['ReviewReason']['code'];

export const orderStatuses: readonly OrderStatus[] = [
  'PENDING_REVIEW',
  'AWAITING_PAYMENT',
  'AWAITING_SHIPPING_METHOD',
  'RECEIVED',
  'PROCESSING',
  'SUBMITTED',
  'SHIPPED',
  'SENT_MANUALLY',
  'CANCELLED',
];

export const reasonCodes: readonly ReasonCode[] = [
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
];

export function StatusBadge({ status }: { status: OrderStatus }) {
  const { t } = useTranslation();
  return <span className={`badge badge-${status.toLowerCase()}`}>{t(`status.${status}`)}</span>;
}
