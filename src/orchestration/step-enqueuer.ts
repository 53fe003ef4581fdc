import { insertMessages, priorityVt, workerMessage } from '../queue/sql.ts';

// Moves ready steps to `enqueued` and sends their worker messages in the SAME transaction: the queue
// lives in the same database, so a step is enqueued iff its message exists — there is no window in
// which a crash leaves one without the other. A step no longer pending/waiting is skipped (re-runs are safe).
/** The enqueue CTEs (`sel`, `upd`, `tr`, `msg`) for the step uuids that `pick` (a SELECT) yields. */
export function enqueueCtes(pick: string): string {
  return `
  sel AS (
    SELECT ws.step_uuid, ws.task_uuid, ws.state AS old_state, t.worker_queue, t.correlation_id, t.priority
    FROM workflow_steps ws JOIN tasks t ON t.task_uuid = ws.task_uuid
    WHERE ws.step_uuid IN (${pick}) AND ws.state IN ('pending', 'waiting_for_retry')
    ORDER BY ws.step_uuid
    FOR UPDATE OF ws
  ), upd AS (
    UPDATE workflow_steps s SET state = 'enqueued', updated_at = now()
    FROM sel WHERE s.step_uuid = sel.step_uuid
    RETURNING s.step_uuid, sel.task_uuid, sel.old_state, sel.worker_queue, sel.correlation_id, sel.priority
  ), tr AS (
    INSERT INTO workflow_step_transitions (step_uuid, task_uuid, from_state, to_state, sort_key)
    SELECT step_uuid, task_uuid, 'waiting_for_retry', 'pending', 0 FROM upd WHERE old_state = 'waiting_for_retry'
    UNION ALL
    SELECT step_uuid, task_uuid, 'pending', 'enqueued', 1 FROM upd
  ), msg AS (
    ${insertMessages('worker_queue', workerMessage(), 'FROM upd', priorityVt('priority'))}
  )`;
}
