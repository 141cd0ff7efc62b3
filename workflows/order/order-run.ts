import { log, setCurrentDetails, upsertSearchAttributes } from '@temporalio/workflow';
import type { SearchAttributeUpdatePair } from '@temporalio/common';
import { describeWaiting } from '../../domain/order-describe.js';
import {
  initialState,
  transition,
  type Command,
  type OrderEvent,
  type OrderState,
  type TimelineRow,
  type Transition,
} from '../../domain/order-machine.js';
import { AttentionKey, OrderStatusKey, ReviewReasonsKey } from '../../domain/search-attributes.js';
import type { OrderWorkflowInput } from './input.js';
import { LocalActivityLane } from './local-activity-lane.js';
import type { Patches } from './patches.js';

/** Update ids carried over continue-as-new: far more than the merchant actions an order sees between two runs. */
const MAX_CARRIED_UPDATES = 200;

/**
 * The live order inside its workflow: the machine's state, the commands it asked for, and the timeline rows not
 * yet written to Postgres. Every accepted event goes through `dispatch`, which also keeps what operators see in the
 * Temporal UI (search attributes, current details) in step with the state.
 */
export class OrderRun {
  state: OrderState;
  /** Timeline numbering within the order (carried over on continue-as-new). */
  seq: number;
  /** The last version written to the projection. */
  projectedVersion: number;
  unprojected: TimelineRow[] = [];
  readonly queue: Command[] = [];
  /** Every local activity of the order goes through it (data checks, projection writes). */
  readonly localActivities: LocalActivityLane;
  /** Ids of the updates accepted by the runs before this one (continue-as-new), answered without being judged anew. */
  readonly carriedUpdates: ReadonlySet<string>;
  /** Ids of updates accepted recently (carried ones included), oldest first, when the patch carries them. */
  private readonly acceptedUpdates: string[] | null;
  /** What an operator must look at, if anything (search attribute `Attention`, first line of the details). */
  private attention: { kind: string; message: string } | null = null;
  private published = { status: '', reasons: '', details: '', attention: '' };

  constructor(input: OrderWorkflowInput, patches: Patches) {
    const state = input.resume?.state ?? initialState(input.order);
    this.state = {
      ...state,
      ...(patches.checksInActivity ? { checksIn: 'activity' } : {}),
      ...(patches.submittedAfterCapture ? { submittedAfterCapture: true } : {}),
    };
    this.seq = input.resume?.timelineSeq ?? 0;
    this.projectedVersion = input.resume ? this.state.version : -1;
    this.carriedUpdates = new Set(input.resume?.acceptedUpdates ?? []);
    this.acceptedUpdates = patches.updateIdsCarried ? [...(input.resume?.acceptedUpdates ?? [])] : null;
    this.localActivities = new LocalActivityLane(patches.oneLocalActivityAtATime);
  }

  /** An update accepted: remembered for the next runs (the most recent ones, bounded). */
  rememberUpdate(id: string | undefined): void {
    if (!id || !this.acceptedUpdates) return;
    this.acceptedUpdates.push(id);
    if (this.acceptedUpdates.length > MAX_CARRIED_UPDATES)
      this.acceptedUpdates.splice(0, this.acceptedUpdates.length - MAX_CARRIED_UPDATES);
  }

  /** What continue-as-new carries of the accepted updates (nothing for runs started before the patch). */
  updatesToCarry(): { acceptedUpdates: string[] } | Record<string, never> {
    return this.acceptedUpdates ? { acceptedUpdates: [...this.acceptedUpdates] } : {};
  }

  now(): string {
    return new Date().toISOString();
  }

  dispatch(event: OrderEvent): Transition {
    const result = transition(this.state, event, this.now());
    if (!result.accepted) return result;
    this.state = result.state;
    this.queue.push(...result.commands);
    const at = this.now();
    for (const entry of result.timeline) this.unprojected.push({ ...entry, seq: ++this.seq, at });
    this.publish();
    return result;
  }

  /** Results of the workflow's own activities must always fit the machine; anything else is a bug worth logging. */
  dispatchResult(event: OrderEvent): void {
    const result = this.dispatch(event);
    if (!result.accepted) log.warn('Result event ignored', { event: event.type, reason: result.reason });
  }

  /** A timeline entry that changes nothing (e.g. a refused signal). */
  note(type: string, details: Record<string, unknown>, by?: string): void {
    this.unprojected.push({
      type,
      status: this.state.status,
      details,
      ...(by ? { by } : {}),
      seq: ++this.seq,
      at: this.now(),
    });
  }

  needsProjection(): boolean {
    return this.unprojected.length > 0 || this.state.version > this.projectedVersion;
  }

  attend(attention: { kind: string; message: string } | null): void {
    this.attention = attention;
    this.publish();
  }

  /** Search attributes and current details, upserted only when they changed. */
  publish(): void {
    const s = this.state;
    const reasons = s.reviewReasons.map((r) => r.code);
    const attention = this.attention?.kind ?? '';
    const pairs: SearchAttributeUpdatePair[] = [];
    if (this.published.status !== s.status) pairs.push({ key: OrderStatusKey, value: s.status });
    if (this.published.reasons !== reasons.join(','))
      pairs.push({ key: ReviewReasonsKey, value: [...new Set(reasons)] });
    if (this.published.attention !== attention) pairs.push({ key: AttentionKey, value: attention || null });
    if (pairs.length > 0) upsertSearchAttributes(pairs);
    const waiting = describeWaiting(s) ?? `Finished: ${s.status}.`;
    const details = this.attention
      ? `NEEDS ATTENTION (${this.attention.kind}): ${this.attention.message}\n\n${waiting}`
      : waiting;
    if (this.published.details !== details) setCurrentDetails(details);
    this.published = { status: s.status, reasons: reasons.join(','), details, attention };
  }
}
