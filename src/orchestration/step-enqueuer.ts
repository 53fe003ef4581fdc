import type { Queryable } from '../db/types.ts';

// Moves ready steps to `enqueued` and sends their worker messages in the SAME transaction: the queue
// lives in the same database, so a step is enqueued iff its message exists — there is no window in
// which a crash leaves one without the other. A step no longer pending/waiting is skipped (re-runs are safe).
/** The enqueue CTEs (`sel`, `upd`, `tr`, `msg`) for the step uuids that `pick` (a SELECT) yields. */
export function enqueueCtes(pick: string): string {
  return `
  sel AS (
    SELECT ws.step_uuid, ws.task_uuid, ws.state AS old_state, t.namespace, t.correlation_id
    FROM workflow_steps ws JOIN tasks t ON t.task_uuid = ws.task_uuid
    WHERE ws.step_uuid IN (${pick}) AND ws.state IN ('pending', 'waiting_for_retry')
    ORDER BY ws.step_uuid
    FOR UPDATE OF ws
  ), upd AS (
    UPDATE workflow_steps s SET state = 'enqueued', updated_at = now()
    FROM sel WHERE s.step_uuid = sel.step_uuid
    RETURNING s.step_uuid, sel.task_uuid, sel.old_state, sel.namespace, sel.correlation_id
  ), tr AS (
    INSERT INTO workflow_step_transitions (step_uuid, task_uuid, from_state, to_state, sort_key)
    SELECT step_uuid, task_uuid, 'waiting_for_retry', 'pending', 0 FROM upd WHERE old_state = 'waiting_for_retry'
    UNION ALL
    SELECT step_uuid, task_uuid, 'pending', 'enqueued', 1 FROM upd
  ), msg AS (
    INSERT INTO queue_messages (queue_name, message)
    SELECT 'worker_' || lower(namespace) || '_queue',
           jsonb_build_object('task_uuid', task_uuid, 'step_uuid', step_uuid, 'correlation_id', correlation_id)
    FROM upd
    RETURNING queue_name
  )`;
}

const ENQUEUE_SQL = `
  WITH ${enqueueCtes('SELECT unnest($1::uuid[])')}
  SELECT q AS queue_name, n::int AS count, CASE WHEN $2 THEN pg_notify('tq_' || q, q || ':' || $3) END AS notified
  FROM (SELECT queue_name AS q, count(*) AS n FROM msg GROUP BY queue_name) x`;

/**
 * Enqueues the given ready steps; returns how many messages went to each worker queue. The NOTIFY payload is
 * `<queue>:<sender>` so a consumer in the sending process (already woken in-process) can ignore its own echo.
 */
export async function enqueueSteps(tx: Queryable, stepUuids: readonly string[], notify: boolean, sender = ''): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  if (stepUuids.length === 0) return out;
  const rows = await tx.query<{ queue_name: string; count: number }>(ENQUEUE_SQL, [stepUuids, notify, sender]);
  for (const r of rows) out.set(r.queue_name, r.count);
  return out;
}
