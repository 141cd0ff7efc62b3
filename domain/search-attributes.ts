import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

/** Custom search attributes; registered on the dev server at start and in production by the setup job. */
export const OrderStatusKey = defineSearchAttributeKey('OrderStatus', SearchAttributeType.KEYWORD);
export const ReviewReasonsKey = defineSearchAttributeKey('ReviewReasons', SearchAttributeType.KEYWORD_LIST);
export const MerchantIdKey = defineSearchAttributeKey('MerchantId', SearchAttributeType.KEYWORD);
export const SalesChannelKey = defineSearchAttributeKey('SalesChannel', SearchAttributeType.KEYWORD);
export const ExternalOrderIdKey = defineSearchAttributeKey('ExternalOrderId', SearchAttributeType.KEYWORD);
/** Set while an order needs an operator's eye, e.g. `projection` when Postgres refuses its row; absent otherwise. */
export const AttentionKey = defineSearchAttributeKey('Attention', SearchAttributeType.KEYWORD);

/** Every custom search attribute the workflows set, for registration on a server. */
export const searchAttributeKeys = [
  OrderStatusKey,
  ReviewReasonsKey,
  MerchantIdKey,
  SalesChannelKey,
  ExternalOrderIdKey,
  AttentionKey,
] as const;

const cliTypeNames: Partial<Record<SearchAttributeType, string>> = {
  [SearchAttributeType.KEYWORD]: 'Keyword',
  [SearchAttributeType.KEYWORD_LIST]: 'KeywordList',
};

/** name → Temporal type name as `temporal operator search-attribute create` and `--search-attribute` expect. */
export const searchAttributeRegistrations: Record<string, string> = Object.fromEntries(
  searchAttributeKeys.map((key) => [key.name, cliTypeNames[key.type] ?? key.type]),
);
