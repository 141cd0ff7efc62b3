import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

/** Custom search attributes; registered on the dev server at start and in production by the setup job. */
export const OrderStatusKey = defineSearchAttributeKey('OrderStatus', SearchAttributeType.KEYWORD);
export const ReviewReasonsKey = defineSearchAttributeKey('ReviewReasons', SearchAttributeType.KEYWORD_LIST);
export const MerchantIdKey = defineSearchAttributeKey('MerchantId', SearchAttributeType.KEYWORD);
export const SalesChannelKey = defineSearchAttributeKey('SalesChannel', SearchAttributeType.KEYWORD);
export const ExternalOrderIdKey = defineSearchAttributeKey('ExternalOrderId', SearchAttributeType.KEYWORD);

/** name → Temporal type name as `temporal operator search-attribute create` and `--search-attribute` expect. */
export const searchAttributeRegistrations: Record<string, string> = {
  OrderStatus: 'Keyword',
  ReviewReasons: 'KeywordList',
  MerchantId: 'Keyword',
  SalesChannel: 'Keyword',
  ExternalOrderId: 'Keyword',
};

/** Every custom search attribute the workflows set, for registration on a server. */
export const searchAttributeKeys = [OrderStatusKey, ReviewReasonsKey, MerchantIdKey, SalesChannelKey, ExternalOrderIdKey] as const;
