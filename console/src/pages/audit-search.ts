/** The audit log's filters, kept in the URL. */
export const auditFilters = ['merchantId', 'action', 'actor', 'from', 'to'] as const;
export type AuditSearch = Partial<Record<(typeof auditFilters)[number], string>>;
