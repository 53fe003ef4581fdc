import type { Queryable } from '../db/types.ts';
import { TERMINAL_TASK_SQL, isTerminalTaskState, planTask, type TaskState } from './state-machine.ts';
import { READINESS_AGGREGATE, readinessStepsCte, readinessFromRows, type ReadinessRow } from './readiness.ts';
import { enqueueCtes } from './step-enqueuer.ts';
import { notifyQueue } from '../queue/sql.ts';

/** What one advance pass did, for wake-ups, events and metrics. */
export interface AdvanceOutcome {
  /** Worker queue → messages sent. */
  enqueued: Map<string, number>;
  /** Tasks that reached a terminal state in this pass. */
  finished: Array<{ taskUuid: string; state: TaskState }>;
  /** Earliest retry moment among the tasks (for a precise wake-up), or null. */
  nextWakeAt: Date | null;
}

const advanceSql = (incremental: boolean) => `
  WITH ${readinessStepsCte(incremental ? '$4' : undefined)},
  agg AS (${READINESS_AGGREGATE}),
  ${enqueueCtes('SELECT unnest(ready) FROM agg WHERE errors = 0')},
  sent AS (SELECT queue_name, count(*)::int AS count FROM msg GROUP BY queue_name)
  SELECT (SELECT coalesce(json_agg(agg), '[]') FROM agg) AS tasks,
         (SELECT coalesce(json_agg(sent), '[]') FROM sent) AS queues,
         (SELECT count(*) FROM (SELECT ${notifyQueue('queue_name', '$3')} FROM sent WHERE $2) n) AS notified`;
const ADVANCE_SQL = advanceSql(false);
const ADVANCE_CHANGED_SQL = advanceSql(true);

const UPDATE_TASKS_SQL = `
  WITH input AS (
    SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::timestamptz[]) AS i(task_uuid, from_state, to_state, next_sweep_at)
  ), upd AS (
    UPDATE tasks t SET state = i.to_state, updated_at = now(), next_sweep_at = i.next_sweep_at,
      completed_at = CASE WHEN i.to_state IN ('complete', 'error') THEN now() ELSE t.completed_at END
    FROM input i WHERE t.task_uuid = i.task_uuid AND t.state = i.from_state
    RETURNING t.task_uuid
  )
  INSERT INTO task_transitions (task_uuid, from_state, to_state, metadata)
  SELECT x.task_uuid, x.from_state, x.to_state, CASE WHEN x.via <> '[]' THEN jsonb_build_object('via', x.via::jsonb) END
  FROM unnest($5::uuid[], $6::text[], $7::text[], $8::text[]) AS x(task_uuid, from_state, to_state, via)
  WHERE x.task_uuid IN (SELECT task_uuid FROM upd)`;

/**
 * Re-evaluates tasks (DESIGN §6.5, §6.10): locks them, computes readiness in SQL, enqueues ready
 * steps, and moves each task along the state machine — all inside the caller's transaction. Safe to
 * run concurrently from several orchestrators (task rows are locked in a fixed order) and idempotent.
 */
export async function advanceTasks(
  tx: Queryable,
  taskUuids: readonly string[],
  options: {
    notify: boolean;
    sender?: string;
    /**
     * Steps whose results this transaction just applied: only their children (and steps backing off) can
     * have become ready, so only those are probed. Omit it for a full re-evaluation (sweep, manual actions).
     */
    changedSteps?: readonly string[];
    /** The tasks' rows when the caller already locked them FOR UPDATE in this transaction (skips the lock query). */
    locked?: ReadonlyArray<{ task_uuid: string; state: TaskState; next_sweep_at: Date | null }>;
  },
): Promise<AdvanceOutcome> {
  const outcome: AdvanceOutcome = { enqueued: new Map(), finished: [], nextWakeAt: null };
  if (taskUuids.length === 0) return outcome;
  const locked = options.locked?.filter((t) => !isTerminalTaskState(t.state)) ?? await tx.query<{ task_uuid: string; state: TaskState; next_sweep_at: Date | null }>(
    `SELECT task_uuid, state, next_sweep_at FROM tasks WHERE task_uuid = ANY($1::uuid[])
       AND state NOT IN (${TERMINAL_TASK_SQL})
     ORDER BY task_uuid FOR UPDATE`,
    [[...new Set(taskUuids)]],
  );
  if (locked.length === 0) return outcome;
  // readiness and enqueueing in one statement: the ready steps of tasks without blocking errors are
  // enqueued (with their messages and wake-ups) from the same readiness pass
  const params: unknown[] = [locked.map((t) => t.task_uuid), options.notify, options.sender ?? ''];
  if (options.changedSteps) params.push(options.changedSteps);
  const [row] = await tx.query<{ tasks: ReadinessRow[]; queues: Array<{ queue_name: string; count: number }> }>(
    options.changedSteps ? ADVANCE_CHANGED_SQL : ADVANCE_SQL,
    params,
  );
  const readiness = readinessFromRows(row.tasks);
  for (const q of row.queues) outcome.enqueued.set(q.queue_name, q.count);

  const ids: string[] = [], froms: string[] = [], tos: string[] = [], sweeps: Array<string | null> = [];
  // one audit row per task and pass: from its state to where the pass leaves it, the states on the way in metadata.via
  const tIds: string[] = [], tFrom: string[] = [], tTo: string[] = [], tVia: string[] = [];
  for (const t of locked) {
    const r = readiness.get(t.task_uuid);
    const enqueuedNow = !!r && r.errors === 0 && r.ready.length > 0;
    const path = planTask(t.state, r, enqueuedNow);
    const nextSweep = r?.nextRetryAt ?? null;
    if (nextSweep && (!outcome.nextWakeAt || nextSweep < outcome.nextWakeAt)) outcome.nextWakeAt = nextSweep;
    const finalState = path.length ? path[path.length - 1] : t.state;
    if (path.length === 0 && (t.next_sweep_at?.getTime() ?? null) === (nextSweep?.getTime() ?? null)) continue;
    ids.push(t.task_uuid);
    froms.push(t.state);
    tos.push(finalState);
    sweeps.push(nextSweep ? nextSweep.toISOString() : null);
    if (path.length) {
      tIds.push(t.task_uuid);
      tFrom.push(t.state);
      tTo.push(finalState);
      tVia.push(JSON.stringify(path.slice(0, -1)));
    }
    if (isTerminalTaskState(finalState) && finalState !== t.state) outcome.finished.push({ taskUuid: t.task_uuid, state: finalState });
  }
  if (ids.length) await tx.query(UPDATE_TASKS_SQL, [ids, froms, tos, sweeps, tIds, tFrom, tTo, tVia]);
  return outcome;
}
