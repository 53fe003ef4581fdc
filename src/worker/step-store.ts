import type { Db } from '../db/types.ts';
import { completeWithEvents } from '../events/outbox.ts';
import { CANCEL_CHANNEL } from '../queue/names.ts';
import { claimSteps, type ClaimOptions, type ClaimOutcome } from './step-claimer.ts';
import { completeSteps, extendLeases, releaseLeases, saveCheckpoint, type Completion } from './step-completer.ts';

/** A claimed step's lease, identified by its claim token (one step uuid can be claimed more than once). */
export interface Lease {
  stepUuid: string;
  claimToken: string;
  msgId: string;
}

/**
 * Everything the worker loop asks of the database (DESIGN §6.6.2–§6.6.4), so the loop can be driven by
 * a fake in unit tests. Every write is fenced on the claim token.
 */
export interface StepStore {
  /** Claims up to `limit` steps; lease-expired steps are re-claimed or, out of attempts, failed as worker_lost. */
  claim(limit: number): Promise<ClaimOutcome>;
  /** Records results; resolves to the claim tokens that were accepted (the rest had lost their lease). */
  complete(completions: readonly Completion[]): Promise<Set<string>>;
  /** Extends leases; resolves to the claim tokens still held. */
  extend(leases: readonly Lease[]): Promise<Set<string>>;
  /** Gives leases back (shutdown) so another worker can claim the steps at once; resolves to how many. */
  release(leases: readonly Lease[]): Promise<number>;
  /** Stores a batch worker's checkpoint; false when the lease is no longer ours. */
  checkpoint(lease: Lease, checkpoint: Record<string, unknown>): Promise<boolean>;
}

/** Options of {@link sqlStepStore}. */
export interface SqlStepStoreOptions extends Omit<ClaimOptions, 'limit'> {
  db: Db;
}

/** The {@link StepStore} over tasker's tables. */
export function sqlStepStore(o: SqlStepStoreOptions): StepStore {
  const { db } = o;
  return {
    claim: (limit) => claimSteps(db, { ...o, limit }),
    // a completion's durable domain events are written in its transaction, only if the fence accepted it
    complete: (completions) => completeWithEvents(db, completions, (q) => completeSteps(q, completions, o.notify, o.workerId), { notify: o.notify, sender: o.workerId }),
    extend: (leases) => extendLeases(db, leases, o.leaseSeconds),
    release: (leases) => releaseLeases(db, leases, o.workerId),
    checkpoint: (lease, checkpoint) => saveCheckpoint(db, lease.stepUuid, lease.claimToken, checkpoint),
  };
}

/** Subscribes `onCancel` to the step uuids cancelled in any process; resolves to an unsubscribe (null: none). */
export type CancelSubscription = (onCancel: (stepUuids: string[]) => void) => Promise<(() => Promise<void>) | null>;

/**
 * Cancellation notices over LISTEN on {@link CANCEL_CHANNEL} (sent by task-cancel.ts and manual step actions);
 * undefined when the database cannot LISTEN, and the lease heartbeat then finds cancelled steps.
 */
export function listenForCancellations(db: Pick<Db, 'listen' | 'supportsListen'>, onMalformed: (payload: string) => void): CancelSubscription | undefined {
  if (!db.supportsListen) return undefined;
  return (onCancel) => db.listen(CANCEL_CHANNEL, (payload) => {
    let ids: unknown;
    try {
      ids = JSON.parse(payload);
    } catch {
      ids = null;
    }
    if (Array.isArray(ids) && ids.every((id) => typeof id === 'string')) onCancel(ids);
    else onMalformed(payload);
  });
}
