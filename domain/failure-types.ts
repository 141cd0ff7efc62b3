/**
 * Failure types that cross from activities to workflows (ApplicationFailure.type): a value both sides need, so it
 * lives below both. Workflows import only types from activities/.
 */

/** A projection write Postgres refused for good (constraint, bad data): retrying at once is useless. */
export const PROJECTION_REJECTED = 'PROJECTION_REJECTED';
