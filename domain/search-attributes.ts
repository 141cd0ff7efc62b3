import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

/** Custom search attributes; registered on the dev server at start and in production by the setup job. */
export const OrderStatusKey = defineSearchAttributeKey('OrderStatus', SearchAttributeType.KEYWORD);
export const ReviewReasonsKey = defineSearchAttributeKey('ReviewReasons', SearchAttributeType.KEYWORD_LIST);
export const MerchantIdKey = defineSearchAttributeKey('MerchantId', SearchAttributeType.KEYWORD);
export const SalesChannelKey = defineSearchAttributeKey('SalesChannel', SearchAttributeType.KEYWORD);
export const ExternalOrderIdKey = defineSearchAttributeKey('ExternalOrderId', SearchAttributeType.KEYWORD);
/** Set while an order needs an operator's eye, e.g. `projection` when Postgres refuses its row; absent otherwise. */
export const AttentionKey = defineSearchAttributeKey('Attention', SearchAttributeType.KEYWORD);

/** Every key above: for servers that take the keys themselves (the SDK's dev server). */
export const searchAttributeKeys = [OrderStatusKey, ReviewReasonsKey, MerchantIdKey, SalesChannelKey, ExternalOrderIdKey, AttentionKey];

/** name → Temporal type name as `temporal operator search-attribute create` and `--search-attribute` expect. */
export const searchAttributeRegistrations: Record<string, string> = {
  OrderStatus: 'Keyword',
  ReviewReasons: 'KeywordList',
  MerchantId: 'Keyword',
  SalesChannel: 'Keyword',
  ExternalOrderId: 'Keyword',
  Attention: 'Keyword',
};
