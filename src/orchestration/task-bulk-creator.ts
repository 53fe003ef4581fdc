// Bulk task creation (issue 16): many requests, validated one by one, written by ONE statement — tasks, their
// transitions, steps, step transitions, edges and the first queue messages each one multi-row INSERT over
// unnest()ed arrays — so a batch is all-or-nothing and costs one round trip however large it is.
import { TaskerError, isTaskerError, type ErrorCode } from '../errors.ts';
import type { Db } from '../db/types.ts';
import type { TemplateStore } from '../templates/store.ts';
import type { AdvanceOutcome } from './task-advancer.ts';
import { insertMessages, notifyQueue, workerMessage } from '../queue/sql.ts';
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
  }));
  const finished = prepared.filter((p) => p.state === 'complete').map((p) => ({ taskUuid: p.taskUuid, state: 'complete' as const }));
  return { tasks, outcome: { enqueued, finished, nextWakeAt: null } };
}

function bulkParams(prepared: PreparedTask[], requests: readonly CreateTaskRequest[], options: { notify: boolean; sender?: string }): unknown[] {
  const t = { uuid: [] as string[], named: [] as number[], ns: [] as string[], name: [] as string[], version: [] as string[], context: [] as string[],
    initiator: [] as (string | null)[], source: [] as (string | null)[], reason: [] as (string | null)[], tags: [] as string[], priority: [] as number[],
    correlation: [] as string[], parent: [] as (string | null)[], hash: [] as string[], state: [] as string[], queue: [] as string[] };
  const tr = { task: [] as string[], from: [] as (string | null)[], to: [] as string[], key: [] as number[], initiator: [] as (string | null)[] };
  const st = { uuid: [] as string[], task: [] as string[], name: [] as string[], retryable: [] as boolean[], max: [] as number[], root: [] as boolean[], queue: [] as string[], correlation: [] as string[] };
  const ed = { task: [] as string[], from: [] as string[], to: [] as string[] };
  prepared.forEach((p, i) => {
    const req = requests[i];
    t.uuid.push(p.taskUuid); t.named.push(p.namedTaskId); t.ns.push(p.template.namespace); t.name.push(p.template.name);
    t.version.push(p.template.version); t.context.push(JSON.stringify(p.context)); t.initiator.push(req.initiator ?? null);
    t.source.push(req.source_system ?? null); t.reason.push(req.reason ?? null); t.tags.push(JSON.stringify(req.tags ?? []));
    t.priority.push(req.priority ?? 0); t.correlation.push(p.correlationId); t.parent.push(req.parent_correlation_id ?? null);
    t.hash.push(p.hash); t.state.push(p.state); t.queue.push(p.queue);
    p.path.forEach((to, k) => {
      tr.task.push(p.taskUuid); tr.from.push(k === 0 ? null : p.path[k - 1]); tr.to.push(to); tr.key.push(k);
      tr.initiator.push(k === 0 ? (req.initiator ?? null) : null);
    });
    for (const s of p.steps) {
      st.uuid.push(s.uuid); st.task.push(p.taskUuid); st.name.push(s.name); st.retryable.push(s.template.retry.retryable);
      st.max.push(s.template.retry.maxAttempts); st.root.push(!p.hasParent.has(s.uuid)); st.queue.push(p.queue); st.correlation.push(p.correlationId);
    }
    for (const e of p.edges) {
      ed.task.push(p.taskUuid); ed.from.push(e.from); ed.to.push(e.to);
    }
  });
  return [
    t.uuid, t.named, t.ns, t.name, t.version, t.context, t.initiator, t.source, t.reason, t.tags, t.priority, t.correlation, t.parent, t.hash, t.state, t.queue,
    tr.task, tr.from, tr.to, tr.key, tr.initiator,
    st.uuid, st.task, st.name, st.retryable, st.max, st.root, st.queue, st.correlation,
    ed.task, ed.from, ed.to,
    options.notify, options.sender ?? '',
  ];
}

// No ON CONFLICT: a duplicate identity fails the statement (and so the batch) with a unique violation.
const BULK_CREATE_SQL = `
  WITH ins AS (
    INSERT INTO tasks (task_uuid, named_task_id, namespace, name, version, context, initiator, source_system,
                       reason, tags, priority, correlation_id, parent_correlation_id, identity_hash, state, completed_at,
                       worker_queue)
    SELECT u, nt, ns, nm, ver, ctx::jsonb, ini, src, rsn, tg::jsonb, pri, cor, par, h, s, CASE WHEN s = 'complete' THEN now() END, q
    FROM unnest($1::uuid[], $2::bigint[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[],
                $10::text[], $11::int[], $12::uuid[], $13::uuid[], $14::text[], $15::text[], $16::text[])
         AS x(u, nt, ns, nm, ver, ctx, ini, src, rsn, tg, pri, cor, par, h, s, q)
    RETURNING 1
  ), task_tr AS (
    INSERT INTO task_transitions (task_uuid, from_state, to_state, sort_key, metadata)
    SELECT x.t, x.f, x.s, x.k, CASE WHEN x.k = 0 THEN jsonb_build_object('initiator', x.i) END
    FROM unnest($17::uuid[], $18::text[], $19::text[], $20::int[], $21::text[]) AS x(t, f, s, k, i)
  ), st AS (
    INSERT INTO workflow_steps (step_uuid, task_uuid, name, template_step_name, retryable, max_attempts, state)
    SELECT i.u, i.t, i.n, i.n, i.r, i.m, CASE WHEN i.root THEN 'enqueued' ELSE 'pending' END
    FROM unnest($22::uuid[], $23::uuid[], $24::text[], $25::boolean[], $26::int[], $27::boolean[]) AS i(u, t, n, r, m, root)
    RETURNING step_uuid, task_uuid, state
  ), step_tr AS (
    INSERT INTO workflow_step_transitions (step_uuid, task_uuid, from_state, to_state, sort_key, metadata)
    SELECT step_uuid, task_uuid, NULL, 'pending', 0, '{"reason": "task_created"}'::jsonb FROM st
    UNION ALL
    SELECT step_uuid, task_uuid, 'pending', 'enqueued', 1, NULL FROM st WHERE state = 'enqueued'
  ), edges AS (
    INSERT INTO workflow_step_edges (task_uuid, from_step_uuid, to_step_uuid)
    SELECT e.t, e.f, e.s FROM unnest($30::uuid[], $31::uuid[], $32::uuid[]) AS e(t, f, s)
  ), roots AS (
    SELECT r.u, r.t, r.q, r.c FROM unnest($22::uuid[], $23::uuid[], $28::text[], $29::uuid[], $27::boolean[]) AS r(u, t, q, c, root) WHERE r.root
  ), msg AS (
    ${insertMessages('roots.q', workerMessage('roots.t', 'roots.u', 'roots.c'), 'FROM roots')}
  ), per_queue AS (
    SELECT queue_name, count(*)::int AS n FROM msg GROUP BY queue_name
  )
  SELECT queue_name, n, CASE WHEN $33 THEN ${notifyQueue('queue_name', '$34')} END AS notified,
         (SELECT count(*) FROM ins)::int AS tasks
  FROM per_queue`;
