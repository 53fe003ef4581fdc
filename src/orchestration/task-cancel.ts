import { CANCEL_CHANNEL } from '../queue/names.ts';
import { deleteStepMessages } from '../queue/sql.ts';
// Cancellation (DESIGN §6.11): a task and its unfinished steps → cancelled, and running handlers told to stop.
import type { Db, Queryable } from '../db/types.ts';
import { TaskerError } from '../errors.ts';
import { TERMINAL_STEP_SQL, isTerminalTaskState } from './state-machine.ts';


/** Who cancels and why (kept in the transition metadata). */
export interface CancelTaskOptions {
  actor?: string | null;
  reason?: string | null;
}

/** What {@link cancelTask} did. */
export interface CancelTaskResult {
  task_uuid: string;
  previous_state: string;
  /** Every step moved to cancelled. */
  cancelled_steps: string[];
  /** The subset that was running (in_progress) and whose handler is told to abort. */
  aborted_steps: string[];
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Throws TASK_NOT_FOUND unless `taskUuid` looks like a uuid (so a typo never reaches SQL as a cast error). */
export function checkTaskUuid(taskUuid: string): void {
  if (!UUID.test(taskUuid)) throw new TaskerError('TASK_NOT_FOUND', `${JSON.stringify(taskUuid)} is not a task uuid`, { hint: 'task uuids look like 0192f2a4-…; see tasker task list' });
}

/** Announces running steps that must stop (delivered at commit; workers abort their handlers). */
export async function notifyAbort(tx: Queryable, stepUuids: readonly string[]): Promise<void> {
  // NOTIFY payloads are limited to 8000 bytes: 100 uuids per message stays well below
  for (let i = 0; i < stepUuids.length; i += 100) {
    await tx.query(`SELECT pg_notify($1, $2)`, [CANCEL_CHANNEL, JSON.stringify(stepUuids.slice(i, i + 100))]);
  }
}

/**
 * Moves the given unfinished steps to `cancelled` (guarded on their current state, audited with `metadata`),
 * drops their leases and worker messages, and announces the running ones on {@link CANCEL_CHANNEL}.
 * Callers hold the task lock. Later completions of these steps are fenced out (they require in_progress).
 */
export async function cancelSteps(tx: Queryable, stepUuids: readonly string[], metadata: Record<string, unknown>): Promise<{ cancelled: string[]; running: string[] }> {
  if (stepUuids.length === 0) return { cancelled: [], running: [] };
  const rows = await tx.query<{ step_uuid: string; old_state: string }>(
    `WITH sel AS (
       SELECT step_uuid, state FROM workflow_steps
       WHERE step_uuid = ANY($1::uuid[]) AND state NOT IN (${TERMINAL_STEP_SQL})
       ORDER BY step_uuid FOR UPDATE
     ), upd AS (
       UPDATE workflow_steps s SET state = 'cancelled', claim_token = NULL, claimed_by = NULL, lease_expires_at = NULL,
         in_process = false, next_attempt_at = NULL, updated_at = now()
       FROM sel WHERE s.step_uuid = sel.step_uuid AND s.state = sel.state
       RETURNING s.step_uuid, s.task_uuid, sel.state AS old_state
     ), tr AS (
       INSERT INTO workflow_step_transitions (step_uuid, task_uuid, from_state, to_state, metadata)
       SELECT step_uuid, task_uuid, old_state, 'cancelled', $2::jsonb FROM upd
     ), del AS (
       ${deleteStepMessages('upd, tasks t', 't.worker_queue', 'upd.step_uuid', 't.task_uuid = upd.task_uuid')}
     )
     SELECT step_uuid, old_state FROM upd`,
    [stepUuids, JSON.stringify(metadata)],
  );
  const running = rows.filter((r) => r.old_state === 'in_progress').map((r) => r.step_uuid);
  await notifyAbort(tx, running);
  return { cancelled: rows.map((r) => r.step_uuid), running };
}

/**
 * Cancels a task (DESIGN §6.11): every unfinished step and then the task → cancelled, in one transaction,
 * audited with actor and reason. TASK_NOT_FOUND for an unknown task, TASK_TERMINAL for a finished one.
 */
export async function cancelTask(db: Db, taskUuid: string, options: CancelTaskOptions = {}): Promise<CancelTaskResult> {
  checkTaskUuid(taskUuid);
  return db.transaction(async (tx) => {
    const task = await tx.query<{ state: string }>(`SELECT state FROM tasks WHERE task_uuid = $1 FOR UPDATE`, [taskUuid]);
    if (task.length === 0) throw new TaskerError('TASK_NOT_FOUND', `no task ${taskUuid}`, { hint: 'see tasker task list' });
    const state = task[0].state;
    if (isTerminalTaskState(state)) {
      throw new TaskerError('TASK_TERMINAL', `task ${taskUuid} is already ${state}; only unfinished tasks can be cancelled`, {
        details: { task_uuid: taskUuid, state },
      });
    }
    const metadata = { actor: options.actor ?? null, reason: options.reason ?? null, action: 'cancel_task' };
    const open = await tx.query<{ step_uuid: string }>(
      `SELECT step_uuid FROM workflow_steps WHERE task_uuid = $1 AND state NOT IN (${TERMINAL_STEP_SQL})`,
      [taskUuid],
    );
    const steps = await cancelSteps(tx, open.map((s) => s.step_uuid), metadata);
    await tx.query(
      `WITH upd AS (
         UPDATE tasks SET state = 'cancelled', updated_at = now(), completed_at = now(), next_sweep_at = NULL
         WHERE task_uuid = $1 AND state = $2 RETURNING task_uuid
       )
       INSERT INTO task_transitions (task_uuid, from_state, to_state, metadata)
       SELECT task_uuid, $2, 'cancelled', $3::jsonb FROM upd`,
      [taskUuid, state, JSON.stringify(metadata)],
    );
    return { task_uuid: taskUuid, previous_state: state, cancelled_steps: steps.cancelled, aborted_steps: steps.running };
  });
}
