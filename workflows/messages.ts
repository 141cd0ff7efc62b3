import { defineQuery } from '@temporalio/workflow';
import type { OrderActionResult } from '../domain/order-actions.js';

/**
 * The order workflow's messages besides the merchant actions (whose signals and updates come from their registry,
 * domain/order-actions.ts): the live-order query and the failure types a refused update carries.
 */
export const stateQuery = defineQuery<OrderActionResult>('state');

/** ApplicationFailure type of a refused action: the API maps it to 409 INVALID_STATE. */
export const INVALID_STATE = 'INVALID_STATE';
export const INVALID_ARGUMENT = 'INVALID_ARGUMENT';
