// The dashboard's reads. Each is bounded by an index and a LIMIT (or by live work), never by history, so
// the pages stay fast with 100,000+ tasks: see the plans asserted in tests/integration/web-query-plans.test.ts.
import type { Queryable } from '../db/types.ts';
import { TaskerError } from '../errors.ts';
import { computeReadiness } from '../orchestration/readiness.ts';

/** States in which a task is finished (the partial index tasks_active_idx holds the others). */
const FINISHED = `('complete', 'error', 'cancelled', 'resolved_manually')`;

/** Filters of the task listing; `cursor` is the `next_cursor` of the previous page. */
export interface TaskPageFilter {
  namespace?: string;
  name?: string;
  state?: string;
  correlation_id?: string;
  created_after?: string;
  created_before?: string;
  cursor?: string;
  limit: number;
}

/** One row of the task listing. */
export interface TaskRow {
  task_uuid: string;
  namespace: string;
  name: string;
  version: string;
  state: string;
  correlation_id: string;
  created_at: Date;
  updated_at: Date;
  completed_at: Date | null;
  steps_total: number;
  steps_complete: number;
}

/** `created_at|task_uuid` of the last row, opaque to clients. */
function encodeCursor(row: { created_at: Date; task_uuid: string }): string {
  return `${row.created_at.toISOString()}|${row.task_uuid}`;
}

function decodeCursor(cursor: string): [string, string] {
  const [at, uuid] = cursor.split('|');
  if (!at || !uuid || Number.isNaN(Date.parse(at)) || !/^[0-9a-f-]{36}$/i.test(uuid)) {
    throw new TaskerError('INPUT_INVALID', `cursor ${JSON.stringify(cursor)} is not a cursor of this listing`, { hint: 'pass the next_cursor of the previous page, or none for the first page' });
  }
  return [at, uuid];
}

/** The SQL of one listing page (exported for the query-plan test). */
export function taskPageSql(filter: TaskPageFilter): { sql: string; params: unknown[] } {
  const params: unknown[] = [];
  const where: string[] = [];
  const add = (condition: (p: string) => string, value: unknown) => {
    params.push(value);
    where.push(condition(`$${params.length}`));
  };
  if (filter.namespace) add((p) => `namespace = ${p}`, filter.namespace);
  if (filter.name) add((p) => `name = ${p}`, filter.name);
  if (filter.state) add((p) => `state = ${p}`, filter.state);
  if (filter.correlation_id) add((p) => `correlation_id = ${p}::uuid`, filter.correlation_id);
  if (filter.created_after) add((p) => `created_at >= ${p}::timestamptz`, filter.created_after);
  if (filter.created_before) add((p) => `created_at < ${p}::timestamptz`, filter.created_before);
  if (filter.cursor) {
    const [at, uuid] = decodeCursor(filter.cursor);
    params.push(at, uuid);
    where.push(`(created_at, task_uuid) < ($${params.length - 1}::timestamptz, $${params.length}::uuid)`);
  }
  params.push(filter.limit + 1);
  const sql = `SELECT task_uuid, namespace, name, version, state, correlation_id, created_at, updated_at, completed_at
    FROM tasks ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
    ORDER BY created_at DESC, task_uuid DESC LIMIT $${params.length}`;
  return { sql, params };
}

/** A page of tasks, newest first (keyset pagination: no OFFSET, no count). */
export async function listTaskPage(q: Queryable, filter: TaskPageFilter): Promise<{ tasks: TaskRow[]; next_cursor: string | null }> {
  const { sql, params } = taskPageSql(filter);
  const rows = await q.query<Omit<TaskRow, 'steps_total' | 'steps_complete'>>(sql, params);
  const page = rows.slice(0, filter.limit);
  const readiness = page.length ? await computeReadiness(q, page.map((r) => r.task_uuid)) : new Map();
  const tasks = page.map((r) => ({ ...r, steps_total: readiness.get(r.task_uuid)?.total ?? 0, steps_complete: readiness.get(r.task_uuid)?.done ?? 0 }));
  return { tasks, next_cursor: rows.length > filter.limit ? encodeCursor(page[page.length - 1]) : null };
}

/** The overview's SQL, one statement per figure (exported for the query-plan test). */
export const OVERVIEW_SQL = {
  // unfinished tasks come from the partial index over active tasks; finished ones from the last 24 hours
  // (tasks_created_idx), so the cost follows live work and recent volume, not the table's history
  states: `
    SELECT namespace, state, count(*)::int AS n FROM tasks WHERE state NOT IN ${FINISHED} GROUP BY namespace, state
    UNION ALL
    SELECT namespace, state, count(*)::int AS n FROM tasks WHERE created_at > now() - interval '24 hours' AND state IN ${FINISHED} GROUP BY namespace, state`,
  throughput: `
    SELECT extract(epoch FROM date_trunc('minute', created_at))::bigint AS minute,
           count(*) FILTER (WHERE to_state = 'complete')::int AS completed,
           count(*) FILTER (WHERE to_state IN ('error', 'waiting_for_retry'))::int AS failed
    FROM workflow_step_transitions WHERE created_at > now() - interval '1 hour' AND to_state IN ('complete', 'error', 'waiting_for_retry')
    GROUP BY 1 ORDER BY 1`,
  workers: `
    SELECT metadata->>'worker' AS worker, max(created_at) AS last_seen, count(*)::int AS claims
    FROM workflow_step_transitions WHERE created_at > now() - interval '5 minutes' AND to_state = 'in_progress' AND metadata ? 'worker'
    GROUP BY 1 ORDER BY 2 DESC LIMIT 50`,
  inFlight: `SELECT count(*)::int AS n FROM workflow_steps WHERE state = 'in_progress'`,
  dlqOpen: `SELECT count(*)::int AS n FROM tasks_dlq WHERE resolution_status = 'pending'`,
} as const;

/** Everything the overview page shows except queue depths. */
export async function overview(q: Queryable) {
  const [states, throughput, workers, inFlight, dlqOpen] = await Promise.all([
    q.query<{ namespace: string; state: string; n: number }>(OVERVIEW_SQL.states),
    q.query<{ minute: string; completed: number; failed: number }>(OVERVIEW_SQL.throughput),
    q.query<{ worker: string; last_seen: Date; claims: number }>(OVERVIEW_SQL.workers),
    q.query<{ n: number }>(OVERVIEW_SQL.inFlight),
    q.query<{ n: number }>(OVERVIEW_SQL.dlqOpen),
  ]);
  const byNamespace: Record<string, Record<string, number>> = {};
  for (const r of states) (byNamespace[r.namespace] ??= {})[r.state] = (byNamespace[r.namespace][r.state] ?? 0) + r.n;
  return {
    tasks_by_namespace: byNamespace,
    throughput: throughput.map((r) => ({ minute: Number(r.minute), completed: r.completed, failed: r.failed })),
    workers,
    in_flight_steps: inFlight[0]?.n ?? 0,
    dlq_open: dlqOpen[0]?.n ?? 0,
  };
}

/** Every step transition of a task (through the step index: transitions have no task index). */
export function stepTransitions(q: Queryable, stepUuids: readonly string[]) {
  if (stepUuids.length === 0) return Promise.resolve([]);
  return q.query<{ step_uuid: string; from_state: string | null; to_state: string; metadata: unknown; created_at: Date }>(
    `SELECT step_uuid, from_state, to_state, metadata, created_at FROM workflow_step_transitions WHERE step_uuid = ANY($1::uuid[]) ORDER BY step_uuid, id`,
    [stepUuids],
  );
}

/** The open DLQ entry of a task, if any (tasks_dlq_open_idx). */
export async function openDlqEntry(q: Queryable, taskUuid: string) {
  const rows = await q.query<{ dlq_id: string; reason: string; created_at: Date }>(
    `SELECT dlq_id, reason, created_at FROM tasks_dlq WHERE task_uuid = $1 AND resolution_status = 'pending'`,
    [taskUuid],
  );
  return rows[0] ?? null;
}
