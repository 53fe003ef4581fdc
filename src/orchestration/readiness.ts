import type { Queryable } from '../db/types.ts';

/** Execution status of a task (DESIGN §6.5), in priority order. */
export const ExecutionStatus = {
  BLOCKED_BY_FAILURES: 'blocked_by_failures',
  HAS_READY_STEPS: 'has_ready_steps',
  PROCESSING: 'processing',
  ALL_COMPLETE: 'all_complete',
  WAITING_FOR_DEPENDENCIES: 'waiting_for_dependencies',
} as const;
/** One of {@link ExecutionStatus}. */
export type ExecutionStatus = (typeof ExecutionStatus)[keyof typeof ExecutionStatus];

/** Step counts and ready steps of one task, computed in SQL. */
export interface TaskReadiness {
  taskUuid: string;
  total: number;
  done: number;
  inProcess: number;
  errors: number;
  waiting: number;
  retryWaiting: number;
  /** Permanently failed batch workers of a continue_on_failure batch: finished, and not blocking. */
  toleratedErrors: number;
  ready: string[];
  /** Earliest moment a backing-off step becomes ready (null if none). */
  nextRetryAt: Date | null;
}

// A step is ready iff it is pending or waiting_for_retry, has attempts left, its backoff has elapsed,
// and every parent is complete or resolved_manually (DESIGN §6.5). The dependency probe only runs for
// candidate steps; batch tasks with many finished steps pay nothing for them.
// A batch worker whose inputs say continue_on_failure and that ended in error is "tolerated" (§6.8): it
// satisfies its dependents (the convergence step runs and sees the failure) and does not block the task.
// (coalesce: steps without inputs must give false, not NULL, or NOT would drop them from the counts)
const TOLERATED = (alias: string) =>
  `(${alias}.state = 'error' AND coalesce(${alias}.inputs->'batch_metadata'->>'failure_strategy' = 'continue_on_failure', false))`;
/**
 * The `s` CTE: one row per step of the tasks in `$1` with its `ready` and `tolerated` flags. With
 * `changedParam` (a uuid[] parameter of steps whose results were just applied), only their children, steps
 * created in this transaction (decision and batch hooks; `now()` is the transaction's start) and steps
 * backing off are probed for readiness: nothing else can have become ready, and a long chain then
 * costs O(children) per result instead of a probe of every pending step. The sweep and manual actions
 * use the full form.
 */
export function readinessStepsCte(changedParam?: string): string {
  const candidate = changedParam
    ? `(ws.state = 'waiting_for_retry' OR ws.created_at = now()
        OR ws.step_uuid IN (SELECT ce.to_step_uuid FROM workflow_step_edges ce WHERE ce.from_step_uuid = ANY(${changedParam}::uuid[])))`
    : 'true';
  // CASE, not AND: it guarantees the dependency probe runs only for candidates
  return `
  s AS (
    SELECT ws.task_uuid, ws.step_uuid, ws.state, ws.next_attempt_at, ${TOLERATED('ws')} AS tolerated,
      CASE WHEN ws.state IN ('pending', 'waiting_for_retry')
        AND (ws.attempts = 0 OR (ws.retryable AND ws.attempts < ws.max_attempts))
        AND (ws.next_attempt_at IS NULL OR ws.next_attempt_at <= now())
        AND ${candidate}
      THEN NOT EXISTS (
          SELECT 1 FROM workflow_step_edges e JOIN workflow_steps p ON p.step_uuid = e.from_step_uuid
          WHERE e.to_step_uuid = ws.step_uuid AND p.state NOT IN ('complete', 'resolved_manually') AND NOT ${TOLERATED('p')}
        )
      ELSE false END AS ready
    FROM workflow_steps ws
    WHERE ws.task_uuid = ANY($1::uuid[])
  )`;
}

/** {@link readinessStepsCte} in its full form. */
export const READINESS_STEPS_CTE = readinessStepsCte();

/** Per-task aggregates over {@link READINESS_STEPS_CTE} (counts, ready step uuids, next retry moment). */
export const READINESS_AGGREGATE = `
  SELECT task_uuid,
    count(*)::int AS total,
    (count(*) FILTER (WHERE state IN ('complete', 'resolved_manually')))::int AS done,
    (count(*) FILTER (WHERE state IN ('enqueued', 'in_progress', 'enqueued_for_orchestration', 'enqueued_as_error_for_orchestration')))::int AS in_process,
    (count(*) FILTER (WHERE state = 'error' AND NOT tolerated))::int AS errors,
    (count(*) FILTER (WHERE tolerated))::int AS tolerated_errors,
    (count(*) FILTER (WHERE state IN ('pending', 'waiting_for_retry')))::int AS waiting,
    (count(*) FILTER (WHERE state = 'waiting_for_retry'))::int AS retry_waiting,
    coalesce(array_agg(step_uuid ORDER BY step_uuid) FILTER (WHERE ready), '{}') AS ready,
    min(next_attempt_at) FILTER (WHERE state = 'waiting_for_retry' AND NOT ready) AS next_retry_at
  FROM s GROUP BY task_uuid`;

const READINESS_SQL = `WITH ${READINESS_STEPS_CTE} ${READINESS_AGGREGATE}`;

/** Computes readiness for many tasks in one query. Tasks without steps are absent from the result. */
export async function computeReadiness(q: Queryable, taskUuids: readonly string[]): Promise<Map<string, TaskReadiness>> {
  return readinessFromRows(await q.query<ReadinessRow>(READINESS_SQL, [taskUuids]));
}

/** A row of {@link READINESS_AGGREGATE}. */
export interface ReadinessRow {
  task_uuid: string; total: number; done: number; in_process: number; errors: number; waiting: number;
  retry_waiting: number; tolerated_errors: number; ready: string[]; next_retry_at: Date | string | null;
}

/** Turns aggregate rows into {@link TaskReadiness} by task. */
export function readinessFromRows(rows: readonly ReadinessRow[]): Map<string, TaskReadiness> {
  const out = new Map<string, TaskReadiness>();
  for (const r of rows) {
    out.set(r.task_uuid, {
      taskUuid: r.task_uuid,
      total: r.total,
      done: r.done,
      inProcess: r.in_process,
      errors: r.errors,
      waiting: r.waiting,
      retryWaiting: r.retry_waiting,
      toleratedErrors: r.tolerated_errors,
      ready: r.ready,
      nextRetryAt: r.next_retry_at === null ? null : new Date(r.next_retry_at),
    });
  }
  return out;
}

/** The execution status of a task from its readiness (DESIGN §6.5 priority order). */
export function executionStatus(r: TaskReadiness | undefined): ExecutionStatus {
  if (!r || r.total === 0) return 'all_complete';
  if (r.errors > 0) return 'blocked_by_failures';
  if (r.ready.length > 0) return 'has_ready_steps';
  if (r.inProcess > 0) return 'processing';
  if (r.done + r.toleratedErrors === r.total) return 'all_complete';
  return 'waiting_for_dependencies';
}
