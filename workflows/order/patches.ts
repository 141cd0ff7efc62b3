import { patched } from '@temporalio/workflow';

/**
 * Behaviour changes of the order workflow type `orderWorkflow`, each behind `patched()` so that an order started
 * before it replays exactly as it ran (its history has no marker: the old branch runs). Decided once, at the start
 * of each run. Orders of the type `orderWorkflowV2` take them all (CURRENT_BEHAVIOUR). Remove a patch (keeping its
 * new branch) once no order started before it runs any more.
 */
export interface Patches {
  /** New orders check their customer data in an activity (library data recorded in history, not recomputed). */
  checksInActivity: boolean;
  /** The order is started before the message handlers are registered: an action sent with the first task is
   * judged against the started order (e.g. AWAITING_PAYMENT), not against RECEIVED. */
  earlyActions: boolean;
  /** SUBMITTED once the supplier accepted and the wallet hold is captured, not before the capture. */
  submittedAfterCapture: boolean;
  /** The ids of accepted updates are carried over continue-as-new: a retried action is answered, not judged anew. */
  updateIdsCarried: boolean;
  /** Local activities run one at a time, so their results arrive in the same activations live and on replay. */
  oneLocalActivityAtATime: boolean;
  /** Whether a projection write Postgres refuses for good is shown to operators and retried (decided late). */
  projectionAttention(): boolean;
}

export function decidePatches(): Patches {
  return {
    checksInActivity: patched('data-checks-in-activity'),
    earlyActions: patched('actions-judged-on-started-order'),
    submittedAfterCapture: patched('submitted-after-capture'),
    updateIdsCarried: patched('update-ids-survive-continue-as-new'),
    oneLocalActivityAtATime: patched('one-local-activity-at-a-time'),
    projectionAttention,
  };
}

/**
 * Orders of the current workflow type (`orderWorkflowV2`, workflows/order-workflow.ts) behave as every patch above
 * says, without calling `patched()`: each call records a marker and a `TemporalChangeVersion` search-attribute
 * upsert, ten events and five visibility writes per order that only runs started before a patch need.
 */
export const CURRENT_BEHAVIOUR: Patches = {
  checksInActivity: true,
  earlyActions: true,
  submittedAfterCapture: true,
  updateIdsCarried: true,
  oneLocalActivityAtATime: true,
  projectionAttention: () => true,
};

/** Taken when a projection write is refused for good: the order shows it to operators and retries with backoff. */
const PROJECTION_ATTENTION = 'projection-attention';

/**
 * The one patch decided late, at the first projection write Postgres refuses for good: only runs that met such a
 * refusal carry its marker, where the refusal happened, so deciding it at the start would replay them differently.
 */
function projectionAttention(): boolean {
  return patched(PROJECTION_ATTENTION);
}
