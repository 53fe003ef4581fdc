// Bulk task creation (issue 16): many requests, validated one by one, written by ONE statement — tasks, their
// transitions, steps, step transitions, edges and the first queue messages each one multi-row INSERT over
// unnest()ed arrays — so a batch is all-or-nothing and costs one round trip however large it is.
import { TaskerError, isTaskerError, type ErrorCode } from '../errors.ts';
import type { Db } from '../db/types.ts';
import type { TemplateStore } from '../templates/store.ts';
import type { AdvanceOutcome } from './task-advancer.ts';
import { insertMessages, notifyQueue, priorityVt, workerMessage } from '../queue/sql.ts';
import { prepareTask, type CreateTaskRequest, type CreatedTask, type PreparedTask } from './task-creator.ts';

/** Why one item of a batch was refused: its index in the batch, a tasker error code, a message, details. */
export interface BatchItemError {
  index: number;
  code: ErrorCode;
  message: string;
  details?: Record<string, unknown>;
}

/** The error of a refused batch: TASK_BATCH_REJECTED with `details.errors` listing every failed item. */
export function batchRejected(errors: BatchItemError[], total: number): TaskerError {
  const shown = errors.slice(0, 5).map((e) => `#${e.index} ${e.code}: ${e.message}`).join('; ');
  return new TaskerError(
    'TASK_BATCH_REJECTED',
    `${errors.length} of ${total} task request(s) refused, nothing was created: ${shown}${errors.length > 5 ? `; … (${errors.length - 5} more in details.errors)` : ''}`,
    { hint: 'fix or drop the listed items (details.errors: index, code, message) and send the batch again', details: { errors } },
  );
}

function itemError(index: number, err: unknown): BatchItemError {
  if (!isTaskerError(err)) throw err;
  const details = err.hint ? { ...err.details, hint: err.hint } : err.details;
  return { index, code: err.code, message: err.message, ...(details && Object.keys(details).length ? { details } : {}) };
}

/** The tasks of `hashes` that already exist, by identity hash. */
async function existingByHash(db: Db, hashes: string[]): Promise<Map<string, { task_uuid: string; state: string }>> {
  const rows = await db.query<{ identity_hash: string; task_uuid: string; state: string }>(
    `SELECT identity_hash, task_uuid, state FROM tasks WHERE identity_hash = ANY($1::text[])`, [hashes]);
  return new Map(rows.map((r) => [r.identity_hash, r]));
}

function duplicateErrors(prepared: PreparedTask[], indexes: number[], existing: Map<string, { task_uuid: string; state: string }>): BatchItemError[] {
  const errors: BatchItemError[] = [];
  prepared.forEach((p, i) => {
    const index = indexes[i];
    const e = existing.get(p.hash);
    if (e) {
      errors.push({
        index, code: 'TASK_DUPLICATE',
        message: `a task with the same identity already exists: ${e.task_uuid} (state ${e.state})`,
        details: { existing_task_uuid: e.task_uuid },
      });
    }
  });
  return errors;
}

/**
 * Creates every task of `requests` or none: each request is checked as {@link createTask} checks one (fields,
 * INPUT_TOO_LARGE, template, input_schema, identity), duplicates inside the batch and against existing tasks
 * included; any refused item rejects the whole batch with TASK_BATCH_REJECTED listing each failure. The
 * created tasks come back in request order, their first steps already enqueued (the readiness pass of a new
 * task needs no query: its root steps are the ready ones).
 */
export async function createTasks(
  db: Db,
  store: TemplateStore,
  requests: readonly CreateTaskRequest[],
  options: { notify: boolean; sender?: string; maxInputBytes: number },
): Promise<{ tasks: CreatedTask[]; outcome: AdvanceOutcome }> {
  const errors: BatchItemError[] = [];
  const prepared: PreparedTask[] = [];
  const indexes: number[] = [];
  const firstByHash = new Map<string, number>();
  for (let i = 0; i < requests.length; i++) {
    try {
      const p = await prepareTask(db, store, requests[i], options.maxInputBytes);
      const first = firstByHash.get(p.hash);
      if (first !== undefined) {
        errors.push({ index: i, code: 'TASK_DUPLICATE', message: `same identity as item #${first} of this batch`, details: { duplicate_of_index: first } });
        continue;
      }
      firstByHash.set(p.hash, i);
      prepared.push(p);
      indexes.push(i);
    } catch (err) {
      errors.push(itemError(i, err));
    }
  }
  if (errors.length) {
    // refused anyway: name the duplicates of existing tasks too, so one round of fixes is enough
    errors.push(...duplicateErrors(prepared, indexes, await existingByHash(db, prepared.map((p) => p.hash))));
    throw batchRejected(errors.sort((a, b) => a.index - b.index), requests.length);
  }
  if (prepared.length === 0) return { tasks: [], outcome: { enqueued: new Map(), finished: [], nextWakeAt: null } };

  let rows: Array<{ queue_name: string; n: number }>;
  try {
    rows = await db.query(BULK_CREATE_SQL, bulkParams(prepared, requests, options));
  } catch (err) {
    // A duplicate against an existing task is the unique violation on identity_hash, which rolls the whole
    // statement back; name the existing tasks (checked after the fact: the happy path stays one round trip).
    const dup = duplicateErrors(prepared, indexes, await existingByHash(db, prepared.map((p) => p.hash)).catch(() => new Map()));
    if (dup.length) throw batchRejected(dup, requests.length);
    throw err;
  }
  const enqueued = new Map<string, number>();
  for (const r of rows) if (r.queue_name) enqueued.set(r.queue_name, r.n);
  const tasks = prepared.map((p) => ({
    task_uuid: p.taskUuid, namespace: p.template.namespace, name: p.template.name, version: p.template.version,
    state: p.state, correlation_id: p.correlationId, step_count: p.steps.length,
    ...(p.runAt ? { run_at: p.runAt.toISOString() } : {}),
  }));
  const runAts = prepared.flatMap((p) => (p.runAt ? [p.runAt.getTime()] : []));
  const finished = prepared.filter((p) => p.state === 'complete').map((p) => ({ taskUuid: p.taskUuid, state: 'complete' as const }));
  return { tasks, outcome: { enqueued, finished, nextWakeAt: runAts.length ? new Date(Math.min(...runAts)) : null } };
}

// The rows travel as JSON documents (one per table), which PostgreSQL parses faster than the client encodes
// dozens of parallel arrays; task transitions are joined from the creation paths (one per final state).
function bulkParams(prepared: PreparedTask[], requests: readonly CreateTaskRequest[], options: { notify: boolean; sender?: string }): unknown[] {
  const tasks: unknown[] = [];
  const steps: unknown[] = [];
  const holds: unknown[] = [];
  const ed = { task: [] as string[], from: [] as string[], to: [] as string[] };
  const paths = new Map<string, PreparedTask['path']>();
  prepared.forEach((p, i) => {
    const req = requests[i];
    paths.set(p.state, p.path);
    tasks.push({
      u: p.taskUuid, nt: p.namedTaskId, ns: p.template.namespace, nm: p.template.name, v: p.template.version, ctx: p.context,
      ini: req.initiator ?? null, src: req.source_system ?? null, rsn: req.reason ?? null, tg: req.tags ?? [], pri: req.priority ?? 0,
      cor: p.correlationId, par: req.parent_correlation_id ?? null, h: p.hash, s: p.state, q: p.queue,
      ra: p.runAt?.toISOString() ?? null, // delayed / concurrency-limited: waits in pending (issue 17)
    });
    for (const h of p.holds) holds.push({ t: p.taskUuid, k: h.key, l: h.limit });
    for (const st of p.steps) {
      steps.push({ u: st.uuid, t: p.taskUuid, n: st.name, r: st.template.retry.retryable, m: st.template.retry.maxAttempts, root: !p.runAt && !p.hasParent.has(st.uuid), q: p.queue, c: p.correlationId, p: req.priority ?? 0 });
    }
    for (const e of p.edges) {
      ed.task.push(p.taskUuid); ed.from.push(e.from); ed.to.push(e.to);
    }
  });
  // one audit row per task (creation to its first state), the states passed on the way in metadata.via
  const path = { state: [] as string[], from: [] as (string | null)[], to: [] as string[], key: [] as string[] };
  for (const [state, states] of paths) {
    path.state.push(state); path.from.push(null); path.to.push(state); path.key.push(JSON.stringify(states.slice(0, -1)));
  }
  return [
    JSON.stringify(tasks), path.state, path.from, path.to, path.key, JSON.stringify(steps), ed.task, ed.from, ed.to,
    options.notify, options.sender ?? '', JSON.stringify(holds),
  ];
}

// No ON CONFLICT: a duplicate identity fails the statement (and so the batch) with a unique violation.
const BULK_CREATE_SQL = `
  WITH x AS (
    SELECT * FROM json_to_recordset($1::json) AS x(u uuid, nt int, ns text, nm text, v text, ctx jsonb, ini text, src text, rsn text,
                                                   tg jsonb, pri int, cor uuid, par uuid, h text, s text, q text, ra timestamptz)
  ), ins AS (
    INSERT INTO tasks (task_uuid, named_task_id, namespace, name, version, context, initiator, source_system,
                       reason, tags, priority, correlation_id, parent_correlation_id, identity_hash, state, completed_at,
                       worker_queue, run_at)
    SELECT u, nt, ns, nm, v, ctx, ini, src, rsn, tg, pri, cor, par, h, s, CASE WHEN s = 'complete' THEN now() END, q, ra FROM x
    RETURNING 1
  ), task_tr AS (
    INSERT INTO task_transitions (task_uuid, from_state, to_state, sort_key, metadata)
    SELECT x.u, p.f, p.t, 0, jsonb_build_object('initiator', x.ini, 'via', p.via::jsonb)
    FROM x JOIN unnest($2::text[], $3::text[], $4::text[], $5::text[]) AS p(s, f, t, via) ON p.s = x.s
  ), sx AS (
    SELECT * FROM json_to_recordset($6::json) AS i(u uuid, t uuid, n text, r boolean, m int, root boolean, q text, c uuid, p int)
  ), st AS (
    INSERT INTO workflow_steps (step_uuid, task_uuid, name, template_step_name, retryable, max_attempts, state)
    SELECT u, t, n, n, r, m, CASE WHEN root THEN 'enqueued' ELSE 'pending' END FROM sx
    RETURNING step_uuid, task_uuid, state
  ), step_tr AS (
    INSERT INTO workflow_step_transitions (step_uuid, task_uuid, from_state, to_state, sort_key, metadata)
    SELECT step_uuid, task_uuid, NULL, state, 0,
      CASE WHEN state = 'enqueued' THEN '{"reason": "task_created", "via": ["pending"]}' ELSE '{"reason": "task_created"}' END::jsonb
    FROM st
  ), edges AS (
    INSERT INTO workflow_step_edges (task_uuid, from_step_uuid, to_step_uuid)
    SELECT e.t, e.f, e.s FROM unnest($7::uuid[], $8::uuid[], $9::uuid[]) AS e(t, f, s)
  ), holds AS (
    INSERT INTO concurrency_holds (task_uuid, limit_key, max_running)
    SELECT t, k, l FROM json_to_recordset($12::json) AS h(t uuid, k text, l int)
  ), msg AS (
    ${insertMessages('sx.q', workerMessage('sx.t', 'sx.u', 'sx.c'), 'FROM sx WHERE sx.root', priorityVt('sx.p'))}
  ), per_queue AS (
    SELECT queue_name, count(*)::int AS n FROM msg GROUP BY queue_name
  )
  SELECT queue_name, n, CASE WHEN $10 THEN ${notifyQueue('queue_name', '$11')} END AS notified,
         (SELECT count(*) FROM ins)::int AS tasks
  FROM per_queue`;
