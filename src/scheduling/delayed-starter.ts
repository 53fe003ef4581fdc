// Starts the tasks waiting in `pending` (issue 17) — delayed ones whose run_at has come, and those under a
// concurrency limit once a slot is free — onto the usual path through the task machine, with their first ready
// steps enqueued, in one transaction. Safe from every orchestrator at once: task rows are taken with SKIP LOCKED
// and each limit key is counted under its own advisory lock, so no two processes over-admit one key.
import type { Db, Queryable } from '../db/types.ts';
import { advanceTasks, type AdvanceOutcome } from '../orchestration/task-advancer.ts';
import { TERMINAL_TASK_SQL, type TaskState } from '../orchestration/state-machine.ts';

/** What one pass started, and when the next delayed task is due (null: none waiting). */
export interface DelayedStartOutcome extends AdvanceOutcome {
  started: number;
  nextRunAt: Date | null;
}

// Due tasks, highest priority first then oldest; a task with a limit key that is already full is skipped here
// (without a lock: the exact count is taken below under the key's lock), so full keys do not crowd out others.
const DUE_SQL = `
  SELECT t.task_uuid, t.state, t.next_sweep_at FROM tasks t
  WHERE t.state = 'pending' AND t.run_at IS NOT NULL AND t.run_at <= now()
    AND NOT EXISTS (
      SELECT 1 FROM concurrency_holds h WHERE h.task_uuid = t.task_uuid AND NOT h.holding
        AND (SELECT count(*) FROM concurrency_holds x WHERE x.limit_key = h.limit_key AND x.holding) >= h.max_running)
  ORDER BY t.priority DESC, t.run_at LIMIT $1 FOR UPDATE OF t SKIP LOCKED`;
const NEXT_SQL = `SELECT min(run_at) AS next FROM tasks WHERE state = 'pending' AND run_at IS NOT NULL AND run_at > now()`;
// slots of tasks that finished (by any path: completion, error, cancellation, staleness) are given back
const RELEASE_SQL = `DELETE FROM concurrency_holds h USING tasks t WHERE t.task_uuid = h.task_uuid AND t.state IN (${TERMINAL_TASK_SQL})`;

interface Hold { task_uuid: string; limit_key: string; max_running: number }

// Which of the candidates (in priority order) fit under their keys' limits; takes each key's advisory lock.
async function admit(tx: Queryable, candidates: string[]): Promise<Set<string>> {
  const holds = await tx.query<Hold>(`SELECT task_uuid, limit_key, max_running FROM concurrency_holds WHERE task_uuid = ANY($1::uuid[])`, [candidates]);
  if (holds.length === 0) return new Set(candidates);
  const keys = [...new Set(holds.map((h) => h.limit_key))].sort();
  // sorted, so two processes lock shared keys in the same order (no deadlock)
  await tx.query(`SELECT pg_advisory_xact_lock(hashtext('tasker.concurrency'), hashtext(k)) FROM unnest($1::text[]) WITH ORDINALITY AS u(k, i) ORDER BY i`, [keys]);
  const counts = await tx.query<{ limit_key: string; n: number }>(
    `SELECT limit_key, count(*)::int AS n FROM concurrency_holds WHERE holding AND limit_key = ANY($1::text[]) GROUP BY limit_key`, [keys]);
  const running = new Map(counts.map((c) => [c.limit_key, c.n]));
  const byTask = new Map<string, Hold[]>();
  for (const h of holds) byTask.set(h.task_uuid, [...(byTask.get(h.task_uuid) ?? []), h]);
  const admitted = new Set<string>();
  for (const uuid of candidates) {
    const mine = byTask.get(uuid) ?? [];
    if (mine.some((h) => (running.get(h.limit_key) ?? 0) >= h.max_running)) continue;
    for (const h of mine) running.set(h.limit_key, (running.get(h.limit_key) ?? 0) + 1);
    admitted.add(uuid);
  }
  const taken = [...admitted].filter((u) => byTask.has(u));
  if (taken.length) await tx.query(`UPDATE concurrency_holds SET holding = true WHERE task_uuid = ANY($1::uuid[])`, [taken]);
  return admitted;
}

/** Gives back the slots of finished tasks, then starts up to `limit` due (and admitted) pending tasks. */
export async function startDueTasks(db: Db, o: { notify: boolean; sender?: string; limit?: number }): Promise<DelayedStartOutcome> {
  const limit = o.limit ?? 500;
  await db.query(RELEASE_SQL);
  const outcome = await db.transaction(async (tx) => {
    const due = await tx.query<{ task_uuid: string; state: TaskState; next_sweep_at: Date | null }>(DUE_SQL, [limit]);
    if (due.length === 0) return { enqueued: new Map(), finished: [], nextWakeAt: null, started: 0, full: false };
    const admitted = await admit(tx, due.map((d) => d.task_uuid));
    // sorted by uuid, the lock order advanceTasks uses elsewhere
    const rows = due.filter((d) => admitted.has(d.task_uuid)).sort((a, b) => (a.task_uuid < b.task_uuid ? -1 : 1));
    const advanced = await advanceTasks(tx, rows.map((d) => d.task_uuid), { notify: o.notify, sender: o.sender, locked: rows });
    return { ...advanced, started: rows.length, full: due.length >= limit };
  });
  const [row] = await db.query<{ next: Date | null }>(NEXT_SQL);
  // a full batch: more may be due now
  const nextRunAt = outcome.full ? new Date() : row?.next ?? null;
  return { enqueued: outcome.enqueued, finished: outcome.finished, nextWakeAt: outcome.nextWakeAt, started: outcome.started, nextRunAt };
}
