// Starts delayed tasks whose run_at has come (issue 17): `pending` → the usual path through the task machine,
// with their first ready steps enqueued, in one transaction. Safe from every orchestrator at once (SKIP LOCKED).
import type { Db } from '../db/types.ts';
import { advanceTasks, type AdvanceOutcome } from '../orchestration/task-advancer.ts';
import type { TaskState } from '../orchestration/state-machine.ts';

/** What one pass started, and when the next delayed task is due (null: none waiting). */
export interface DelayedStartOutcome extends AdvanceOutcome {
  started: number;
  nextRunAt: Date | null;
}

// tasks_run_at_idx covers both queries
const DUE_SQL = `
  SELECT task_uuid, state, next_sweep_at FROM tasks
  WHERE state = 'pending' AND run_at IS NOT NULL AND run_at <= now()
  ORDER BY run_at LIMIT $1 FOR UPDATE SKIP LOCKED`;
const NEXT_SQL = `SELECT min(run_at) AS next FROM tasks WHERE state = 'pending' AND run_at IS NOT NULL AND run_at > now()`;

/** Starts up to `limit` due delayed tasks. */
export async function startDueTasks(db: Db, o: { notify: boolean; sender?: string; limit?: number }): Promise<DelayedStartOutcome> {
  const limit = o.limit ?? 500;
  const outcome = await db.transaction(async (tx) => {
    const due = await tx.query<{ task_uuid: string; state: TaskState; next_sweep_at: Date | null }>(DUE_SQL, [limit]);
    // the locked rows sorted by uuid, the lock order advanceTasks uses elsewhere
    due.sort((a, b) => (a.task_uuid < b.task_uuid ? -1 : 1));
    const advanced = await advanceTasks(tx, due.map((d) => d.task_uuid), { notify: o.notify, sender: o.sender, locked: due });
    return { ...advanced, started: due.length };
  });
  const [row] = await db.query<{ next: Date | null }>(NEXT_SQL);
  // a full batch: more are due now
  const nextRunAt = outcome.started >= limit ? new Date() : row?.next ?? null;
  return { ...outcome, nextRunAt };
}
