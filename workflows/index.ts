// The workflow bundle's entry point: only deterministic code is reachable from here.
export { orderWorkflow, orderWorkflowV2 } from './order-workflow.js';
export type { OrderWorkflowInput } from './order-workflow.js';
export { catalogSyncWorkflow } from './catalog-sync-workflow.js';
export { idempotencyPurgeWorkflow } from './maintenance-workflow.js';
export { resumeOrdersWorkflow } from './resume-orders-workflow.js';
export { topUpWorkflow } from './top-up-workflow.js';
export type { TopUpWorkflowInput } from './top-up-workflow.js';
