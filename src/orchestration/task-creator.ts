import { checkTaskInput } from './task-input-limit.ts';
import { createHash, randomUUID } from 'node:crypto';
import { TaskerError } from '../errors.ts';
import type { Queryable } from '../db/types.ts';
import { compileInputValidator } from '../templates/input-schema.ts';
import { initialStepNames } from '../templates/graph.ts';
import type { TaskTemplate } from '../templates/types.ts';
import type { TemplateStore } from '../templates/store.ts';
import type { AdvanceOutcome } from './task-advancer.ts';
import { workerQueueName } from '../queue/names.ts';
import { insertMessages, notifyQueue, priorityVt, workerMessage } from '../queue/sql.ts';
import { uuidv7 } from './uuid.ts';
import { transitionPath, type TaskState } from './state-machine.ts';
import { resolveRunAt } from '../scheduling/run-at.ts';
import { concurrencyHolds } from '../scheduling/concurrency.ts';

/** A request to create a task (library, CLI and `POST /v1/tasks`). */
export interface CreateTaskRequest {
  namespace: string;
  name: string;
  version?: string | null;
  context?: Record<string, unknown>;
  initiator?: string | null;
  source_system?: string | null;
  reason?: string | null;
  tags?: string[];
  priority?: number;
  correlation_id?: string | null;
  parent_correlation_id?: string | null;
  idempotency_key?: string | null;
  /** Start the task at this time (ISO 8601 or Date); until then it waits in `pending` (issue 17). */
  run_at?: string | Date | null;
  /** Start the task this many seconds from now (an alternative to `run_at`). */
  delay_seconds?: number | null;
}

/** A created task. */
export interface CreatedTask {
  task_uuid: string;
  namespace: string;
  name: string;
  version: string;
  state: string;
  correlation_id: string;
  step_count: number;
  /** When a delayed task starts (ISO 8601); absent for a task that started at creation. */
  run_at?: string;
}

/** JSON with object keys sorted, so equal inputs hash equally whatever their key order. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.keys(value as object)
    .filter((k) => (value as Record<string, unknown>)[k] !== undefined)
    .sort()
    .map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`);
  return `{${entries.join(',')}}`;
}

/** The identity hash of a new task (DESIGN §6.4). A request's idempotency_key always wins. */
export function identityHash(template: TaskTemplate, context: unknown, idempotencyKey?: string | null): string {
  const base = `${template.namespace}/${template.name}@${template.version}`;
  if (idempotencyKey) return createHash('sha256').update(`${base}\u0000key\u0000${idempotencyKey}`).digest('hex');
  if (template.identityStrategy === 'caller_provided') {
    throw new TaskerError('INPUT_INVALID', `template ${base} uses identity_strategy caller_provided, so every request needs an idempotency_key`, {
      hint: 'pass idempotency_key (CLI: --idempotency-key) naming this unit of work',
    });
  }
  if (template.identityStrategy === 'always_unique') return `unique:${randomUUID()}`;
  return createHash('sha256').update(`${base}\u0000${canonicalJson(context)}`).digest('hex');
}

function validateRequest(req: CreateTaskRequest): void {
  const problems: string[] = [];
  if (typeof req.namespace !== 'string' || !req.namespace) problems.push('namespace: required string');
  if (typeof req.name !== 'string' || !req.name) problems.push('name: required string');
  if (req.context !== undefined && (req.context === null || typeof req.context !== 'object' || Array.isArray(req.context))) {
    problems.push(`context: expected a JSON object, got ${JSON.stringify(req.context)}`);
  }
  if (req.priority !== undefined && !Number.isInteger(req.priority)) problems.push(`priority: expected an integer, got ${JSON.stringify(req.priority)}`);
  if (req.tags !== undefined && (!Array.isArray(req.tags) || req.tags.some((t) => typeof t !== 'string'))) problems.push('tags: expected an array of strings');
  const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
  for (const key of ['correlation_id', 'parent_correlation_id'] as const) {
    if (req[key] && !uuid.test(String(req[key]))) problems.push(`${key}: expected a UUID, got ${JSON.stringify(req[key])}`);
  }
  if (problems.length) {
    throw new TaskerError('INPUT_INVALID', `invalid task request: ${problems.join('; ')}`, { details: { violations: problems } });
  }
}

/** A validated request with everything its rows need (shared by {@link createTask} and the bulk path). */
export type PreparedTask = Awaited<ReturnType<typeof prepareTask>>;

/**
 * Validates one request (fields, input size, template, input_schema) and computes its identity hash, uuids,
 * initial steps, edges and creation path; throws the TaskerError single creation reports.
 */
export async function prepareTask(db: Queryable, store: TemplateStore, req: CreateTaskRequest, maxInputBytes: number) {
  validateRequest(req);
  checkTaskInput(req.context ?? {}, `${req.namespace}/${req.name}`, maxInputBytes);
  const { namedTaskId, template } = await store.find(db, req.namespace, req.name, req.version);
  const context = req.context ?? {};
  const violations = compileInputValidator(template)(context);
  if (violations.length) {
    throw new TaskerError(
      'INPUT_INVALID',
      `task input for ${template.namespace}/${template.name}@${template.version} does not match its input_schema: ` +
        violations.map((v) => `${v.path || '(root)'} ${v.message}`).join('; '),
      { hint: 'fix the listed fields of the task input (context)', details: { violations } },
    );
  }
  const hash = identityHash(template, context, req.idempotency_key);
  const taskUuid = uuidv7();
  const correlationId = req.correlation_id ?? uuidv7();
  const initial = new Set(initialStepNames(template));
  const steps = template.steps.filter((s) => initial.has(s.name)).map((s) => ({ name: s.name, template: s, uuid: uuidv7() }));
  const uuidOf = new Map(steps.map((s) => [s.name, s.uuid]));
  // edges by step uuid (generated here), so the statement inserts them without joining names back
  const edges = steps.flatMap((s) => [...new Set(s.template.dependencies)].filter((d) => initial.has(d)).map((d) => ({ from: uuidOf.get(d) as string, to: s.uuid })));

  // The first ready steps of a new task are known without asking the database: those of the initial set
  // with no dependency. So the task, its steps, edges, audit rows, the first queue messages and the wake-up
  // go in ONE statement — atomic on its own, one round trip (DESIGN §6.4, §6.5). Everything here is
  // O(steps + edges): a 10,000-step template creates its task in one statement of linear size.
  const hasParent = new Set(edges.map((e) => e.to));
  // the creation path through the task machine: to steps_in_process, or straight to complete without steps
  // a delayed task (issue 17) stays `pending` with no step enqueued until its run_at (src/scheduling/)
  // a task under a concurrency limit waits there too, until the scheduler admits it (src/scheduling/concurrency.ts)
  const holds = concurrencyHolds(template, context);
  const runAt = resolveRunAt(req) ?? (holds.length ? new Date() : null);
  const path: TaskState[] = runAt ? ['pending'] : ['pending', ...transitionPath('pending', steps.length ? 'steps_in_process' : 'complete')];
  const state = path[path.length - 1];
  const queue = workerQueueName(template.namespace);
  return { namedTaskId, template, context, hash, taskUuid, correlationId, steps, edges, hasParent, path, state, queue, runAt, holds };
}

/**
 * Creates a task in one transaction (DESIGN §6.4): template lookup, input validation against the
 * template's input_schema, identity hash, the task row, its initial steps and edges, then the readiness
 * pass, so the first steps are enqueued before the call returns.
 */
export async function createTask(
  db: Queryable,
  store: TemplateStore,
  req: CreateTaskRequest,
  options: { notify: boolean; sender?: string; maxInputBytes: number },
): Promise<{ task: CreatedTask; outcome: AdvanceOutcome }> {
  const { namedTaskId, template, context, hash, taskUuid, correlationId, steps, edges, hasParent, path, state, queue, runAt, holds } =
    await prepareTask(db, store, req, options.maxInputBytes);
  const rows = await db.query<{ task_uuid: string; enqueued: number }>(CREATE_SQL, [
    taskUuid, namedTaskId, template.namespace, template.name, template.version, JSON.stringify(context),
    req.initiator ?? null, req.source_system ?? null, req.reason ?? null, JSON.stringify(req.tags ?? []),
    req.priority ?? 0, correlationId, req.parent_correlation_id ?? null, hash, state,
    null, state, path.slice(0, -1),
    steps.map((s) => s.uuid), steps.map((s) => s.name), steps.map((s) => s.template.retry.retryable),
    steps.map((s) => s.template.retry.maxAttempts), steps.map((s) => !runAt && !hasParent.has(s.uuid)),
    edges.map((e) => e.from), edges.map((e) => e.to),
    queue, options.notify, options.sender ?? '', runAt?.toISOString() ?? null,
    holds.map((h) => h.key), holds.map((h) => h.limit),
  ]);
  if (rows.length === 0) {
    const existing = await db.query<{ task_uuid: string; state: string }>(`SELECT task_uuid, state FROM tasks WHERE identity_hash = $1`, [hash]);
    throw new TaskerError(
      'TASK_DUPLICATE',
      `a task with the same identity already exists: ${existing[0]?.task_uuid} (state ${existing[0]?.state})`,
      {
        hint: 'pass a different idempotency_key, or use identity_strategy always_unique in the template for repeatable inputs',
        details: { existing_task_uuid: existing[0]?.task_uuid },
      },
    );
  }
  const enqueued = new Map<string, number>();
  if (rows[0].enqueued > 0) enqueued.set(queue, rows[0].enqueued);
  return {
    task: {
      task_uuid: taskUuid,
      namespace: template.namespace,
      name: template.name,
      version: template.version,
      state,
      correlation_id: correlationId,
      step_count: steps.length,
      ...(runAt ? { run_at: runAt.toISOString() } : {}),
    },
    outcome: { enqueued, finished: state === 'complete' ? [{ taskUuid, state: 'complete' }] : [], nextWakeAt: runAt },
  };
}

const CREATE_SQL = `
  WITH ins AS (
    INSERT INTO tasks (task_uuid, named_task_id, namespace, name, version, context, initiator, source_system,
                       reason, tags, priority, correlation_id, parent_correlation_id, identity_hash, state, completed_at,
                       worker_queue, run_at)
    VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7, $8, $9, $10::jsonb, $11, $12, $13, $14, $15,
            CASE WHEN $15 = 'complete' THEN now() END, $26, $29::timestamptz)
    ON CONFLICT (identity_hash) DO NOTHING
    RETURNING task_uuid, correlation_id
  ), task_tr AS (
    INSERT INTO task_transitions (task_uuid, from_state, to_state, sort_key, metadata)
    SELECT ins.task_uuid, $16::text, $17::text, 0, jsonb_build_object('initiator', $7::text, 'via', $18::text[]) FROM ins
  ), st AS (
    INSERT INTO workflow_steps (step_uuid, task_uuid, name, template_step_name, retryable, max_attempts, state)
    SELECT i.u, ins.task_uuid, i.n, i.n, i.r, i.m, CASE WHEN i.root THEN 'enqueued' ELSE 'pending' END
    FROM ins, unnest($19::uuid[], $20::text[], $21::boolean[], $22::int[], $23::boolean[]) AS i(u, n, r, m, root)
    RETURNING step_uuid, task_uuid, name, state
  ), step_tr AS (
    INSERT INTO workflow_step_transitions (step_uuid, task_uuid, from_state, to_state, sort_key, metadata)
    SELECT step_uuid, task_uuid, NULL, state, 0,
      CASE WHEN state = 'enqueued' THEN '{"reason": "task_created", "via": ["pending"]}' ELSE '{"reason": "task_created"}' END::jsonb
    FROM st
  ), edges AS (
    INSERT INTO workflow_step_edges (task_uuid, from_step_uuid, to_step_uuid)
    SELECT ins.task_uuid, e.f, e.t FROM ins, unnest($24::uuid[], $25::uuid[]) AS e(f, t)
  ), holds AS (
    INSERT INTO concurrency_holds (task_uuid, limit_key, max_running)
    SELECT ins.task_uuid, h.k, h.l FROM ins, unnest($30::text[], $31::int[]) AS h(k, l)
  ), msg AS (
    ${insertMessages('$26', workerMessage('st.task_uuid', 'st.step_uuid', 'ins.correlation_id'), "FROM st, ins WHERE st.state = 'enqueued'", priorityVt('$11::int'))}
  )
  SELECT ins.task_uuid, (SELECT count(*)::int FROM msg) AS enqueued,
    CASE WHEN $27 AND EXISTS (SELECT 1 FROM msg) THEN ${notifyQueue('$26::text', '$28')} END AS notified
  FROM ins`;
