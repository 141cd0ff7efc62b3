import { ApplicationFailure, defineQuery } from '@temporalio/workflow';
import type { z } from 'zod';
import type { OrderActionResult } from '../domain/order-actions.js';

/**
 * The order workflow's messages besides the merchant actions (whose signals and updates come from their registry,
 * domain/order-actions.ts): the live-order query and the failure types a refused update carries.
 */
export const stateQuery = defineQuery<OrderActionResult>('state');

/** ApplicationFailure type of a refused action: the API maps it to 409 INVALID_STATE. */
export const INVALID_STATE = 'INVALID_STATE';
export const INVALID_ARGUMENT = 'INVALID_ARGUMENT';

/** A refused update's failure when its arguments do not fit the schema: the API answers 422 naming each path. */
export function invalidArgument(issues: readonly z.core.$ZodIssue[]): ApplicationFailure {
  return ApplicationFailure.create({
    type: INVALID_ARGUMENT,
    message: issues.map((i) => `${i.path.join('.') || '(input)'}: ${i.message}`).join('; '),
    nonRetryable: true,
    details: [issues.map((i) => ({ path: i.path.join('.'), message: i.message }))],
  });
}

/** A refused update's failure when the current status does not allow it: the API answers 409 naming the status. */
export function invalidState(reason: string, status: string): ApplicationFailure {
  return ApplicationFailure.create({ type: INVALID_STATE, message: reason, nonRetryable: true, details: [status] });
}
