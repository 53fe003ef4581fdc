/** A step transition as read for the dashboard. */
export interface TransitionRow {
  step_uuid: string;
  from_state: string | null;
  to_state: string;
  metadata: unknown;
  created_at: Date;
}

/** One execution of a step: claimed at `started_at`, ended when its result (or loss) was recorded. */
export interface Attempt {
  step_uuid: string;
  attempt: number;
  worker: string | null;
  started_at: Date;
  /** Null while the attempt runs. */
  ended_at: Date | null;
  outcome: 'running' | 'succeeded' | 'failed' | 'lost' | 'cancelled';
  /** Seconds until the retry, when the failure was retried. */
  backoff_seconds: number | null;
}

const meta = (m: unknown): Record<string, unknown> => (m && typeof m === 'object' ? (m as Record<string, unknown>) : {});

/**
 * The attempts of each step, from its transitions (oldest first per step): a transition into
 * `in_progress` opens one, the next transition out of it closes it; a `waiting_for_retry` after a failure
 * carries the backoff. These feed the dashboard's timeline (Gantt) and the per-step attempt table.
 */
export function attemptsOf(transitions: readonly TransitionRow[]): Attempt[] {
  const attempts: Attempt[] = [];
  const open = new Map<string, Attempt>();
  const lastFailed = new Map<string, Attempt>();
  for (const t of transitions) {
    const current = open.get(t.step_uuid);
    if (t.to_state === 'in_progress') {
      if (current) {
        current.ended_at = t.created_at;
        current.outcome = 'lost';
      }
      const m = meta(t.metadata);
      const attempt: Attempt = {
        step_uuid: t.step_uuid,
        attempt: typeof m.attempt === 'number' ? m.attempt : attempts.filter((a) => a.step_uuid === t.step_uuid).length + 1,
        worker: typeof m.worker === 'string' ? m.worker : null,
        started_at: t.created_at,
        ended_at: null,
        outcome: 'running',
        backoff_seconds: null,
      };
      attempts.push(attempt);
      open.set(t.step_uuid, attempt);
      continue;
    }
    if (current && t.from_state === 'in_progress') {
      current.ended_at = t.created_at;
      const lost = meta(t.metadata).reason === 'worker_lost';
      current.outcome = t.to_state === 'enqueued_for_orchestration' ? 'succeeded' : t.to_state === 'cancelled' ? 'cancelled' : lost ? 'lost' : 'failed';
      open.delete(t.step_uuid);
      if (current.outcome !== 'succeeded') lastFailed.set(t.step_uuid, current);
      continue;
    }
    const failed = lastFailed.get(t.step_uuid);
    if (failed && t.to_state === 'waiting_for_retry') {
      const backoff = meta(t.metadata).backoff_seconds;
      failed.backoff_seconds = typeof backoff === 'number' ? backoff : null;
      lastFailed.delete(t.step_uuid);
    }
  }
  return attempts;
}
