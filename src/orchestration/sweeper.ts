import { AWAITING_ORCHESTRATION_SQL, TERMINAL_TASK_SQL } from './state-machine.ts';
import { insertMessages, stepMessageExists, workerMessage } from '../queue/sql.ts';
import type { Db } from '../db/types.ts';
import { advanceTasks, type AdvanceOutcome } from './task-advancer.ts';

/** What one sweep found and fixed. */
export interface SweepOutcome extends AdvanceOutcome {
  tasksAdvanced: number;
  messagesResent: number;
}

/**
 * The periodic safety net (DESIGN §6.11), safe to run from every orchestrator at once (SKIP LOCKED):
 * re-evaluates tasks whose retry backoff elapsed or that have not moved for `staleSeconds` (a missed
 * wake-up), and re-sends worker messages for enqueued steps that have none. (Finished steps need no
 * net: the result processor finds them in workflow_steps_results_idx, not through a message.)
 */
export async function sweep(
  db: Db,
  options: { notify: boolean; staleSeconds: number; limit?: number; checkLostMessages?: boolean },
): Promise<SweepOutcome> {
  const limit = options.limit ?? 200;
  const checkLost = options.checkLostMessages ?? true;
  // an idle system answers this one autocommit probe and opens no transaction
  if (!checkLost) {
    const [{ due }] = await db.query<{ due: boolean }>(`SELECT EXISTS (${DUE_SQL} LIMIT 1) AS due`, [options.staleSeconds]);
    if (!due) return { enqueued: new Map(), finished: [], nextWakeAt: null, tasksAdvanced: 0, messagesResent: 0 };
  }
  return db.transaction(async (tx) => {
    const due = await tx.query<{ task_uuid: string }>(
      `SELECT task_uuid FROM tasks
       WHERE task_uuid IN (SELECT task_uuid FROM (${DUE_SQL} LIMIT $2) d)
         AND state NOT IN (${TERMINAL_TASK_SQL})
       ORDER BY task_uuid LIMIT $2 FOR UPDATE SKIP LOCKED`,
      [options.staleSeconds, limit],
    );
    // Lost messages can only come from outside interference (the queue shares our transactions), and
    // looking for them scans the queue, so callers ask for it only now and then.
    const messages = !checkLost ? [] : await tx.query<{ n: number }>(
      `WITH lost AS (
         SELECT s.step_uuid, s.task_uuid, t.worker_queue, t.correlation_id FROM workflow_steps s JOIN tasks t ON t.task_uuid = s.task_uuid
         WHERE (s.state = 'enqueued' OR (s.state = 'in_progress' AND s.lease_expires_at < now()))
           AND s.updated_at < now() - make_interval(secs => $2)
           AND NOT ${stepMessageExists('t.worker_queue', 's.step_uuid')}
         LIMIT $1
       ), sent AS (
         ${insertMessages('worker_queue', workerMessage(), 'FROM lost')}
       )
       SELECT count(*)::int AS n FROM sent`,
      [limit, options.staleSeconds],
    );
    const advanced = await advanceTasks(tx, due.map((d) => d.task_uuid), { notify: options.notify });
    return { ...advanced, tasksAdvanced: due.length, messagesResent: messages[0]?.n ?? 0 };
  });
}

// Tasks the sweep should look at: an elapsed retry backoff (tasks_sweep_idx), or no movement for $1 seconds
// in a state that waits on the orchestrator (tasks_active_idx). Two index scans instead of one OR over the table.
const DUE_SQL = `
  SELECT task_uuid FROM tasks WHERE next_sweep_at <= now()
  UNION
  SELECT task_uuid FROM tasks
  WHERE state IN (${AWAITING_ORCHESTRATION_SQL})
    AND updated_at < now() - make_interval(secs => $1)
    -- a delayed task waits for its run_at, which src/scheduling/delayed-starter.ts watches
    AND NOT (state = 'pending' AND run_at IS NOT NULL)`;
