import { TaskerError } from '../errors.ts';
import type { Queryable } from '../db/types.ts';
import { executionStatus, type ExecutionStatus, type TaskReadiness, computeReadiness } from './readiness.ts';

/** A step as shown by `task steps`, `GET …/workflow_steps`. */
export interface StepView {
  step_uuid: string;
  name: string;
  template_step_name: string;
  state: string;
  attempts: number;
  max_attempts: number;
  retryable: boolean;
  inputs: unknown;
  results: unknown;
  checkpoint: unknown;
  last_attempted_at: Date | null;
  next_attempt_at: Date | null;
  claimed_by: string | null;
  lease_expires_at: Date | null;
  /** While a claimed step waits for its rate-limit slot: when that slot comes (issue 17). */
  rate_limited_until: Date | null;
  created_at: Date;
  updated_at: Date;
  dependencies: string[];
}

/** A task with its status summary (and steps when asked). */
export interface TaskView {
  task_uuid: string;
  namespace: string;
  name: string;
  version: string;
  state: string;
  context: unknown;
  initiator: string | null;
  source_system: string | null;
  reason: string | null;
  tags: unknown;
  priority: number;
  correlation_id: string;
  parent_correlation_id: string | null;
  created_at: Date;
  updated_at: Date;
  completed_at: Date | null;
  /** When a delayed task starts (null: it started at creation). */
  run_at: Date | null;
  execution_status: ExecutionStatus;
  step_counts: { total: number; complete: number; in_process: number; pending: number; error: number };
  completion_percentage: number;
  steps?: StepView[];
}

const TASK_COLUMNS = `task_uuid, namespace, name, version, state, context, initiator, source_system, reason, tags, priority,
  correlation_id, parent_correlation_id, created_at, updated_at, completed_at, run_at`;

function summarize(row: Omit<TaskView, 'execution_status' | 'step_counts' | 'completion_percentage'>, r: TaskReadiness | undefined): TaskView {
  const total = r?.total ?? 0;
  const complete = r?.done ?? 0;
  return {
    ...row,
    execution_status: executionStatus(r),
    step_counts: { total, complete, in_process: r?.inProcess ?? 0, pending: r?.waiting ?? 0, error: r?.errors ?? 0 },
    completion_percentage: total === 0 ? 100 : Math.round((complete / total) * 1000) / 10,
  };
}

/** Steps of a task with their parent names, in creation order. */
export async function getTaskSteps(q: Queryable, taskUuid: string): Promise<StepView[]> {
  return q.query<StepView>(
    `SELECT s.step_uuid, s.name, s.template_step_name, s.state, s.attempts, s.max_attempts, s.retryable, s.inputs, s.results,
            s.checkpoint, s.last_attempted_at, s.next_attempt_at, s.claimed_by, s.lease_expires_at, s.rate_limited_until, s.created_at, s.updated_at,
            coalesce((SELECT array_agg(p.name ORDER BY p.name) FROM workflow_step_edges e JOIN workflow_steps p ON p.step_uuid = e.from_step_uuid
                      WHERE e.to_step_uuid = s.step_uuid), '{}') AS dependencies
     FROM workflow_steps s WHERE s.task_uuid = $1 ORDER BY s.created_at, s.step_uuid`,
    [taskUuid],
  );
}

/** One task with status, counts and (optionally) steps; TASK_NOT_FOUND when absent. */
export async function getTask(q: Queryable, taskUuid: string, options: { steps?: boolean } = {}): Promise<TaskView> {
  if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(taskUuid)) {
    throw new TaskerError('TASK_NOT_FOUND', `${JSON.stringify(taskUuid)} is not a task uuid`, { hint: 'task uuids look like 0192f2a4-…; see tasker task list' });
  }
  const rows = await q.query<Omit<TaskView, 'execution_status' | 'step_counts' | 'completion_percentage'>>(
    `SELECT ${TASK_COLUMNS} FROM tasks WHERE task_uuid = $1`,
    [taskUuid],
  );
  if (rows.length === 0) throw new TaskerError('TASK_NOT_FOUND', `no task ${taskUuid}`, { hint: 'see tasker task list' });
  const readiness = await computeReadiness(q, [taskUuid]);
  const view = summarize(rows[0], readiness.get(taskUuid));
  if (options.steps) view.steps = await getTaskSteps(q, taskUuid);
  return view;
}

/** Filters and paging for {@link listTasks}. */
export interface TaskFilter {
  namespace?: string;
  name?: string;
  state?: string;
  limit?: number;
  offset?: number;
}

/** Tasks, newest first, with status summaries. */
export async function listTasks(q: Queryable, filter: TaskFilter = {}): Promise<{ tasks: TaskView[]; total: number }> {
  const limit = Math.min(Math.max(filter.limit ?? 50, 1), 1000);
  const offset = Math.max(filter.offset ?? 0, 0);
  // only the filters given become conditions (values stay parameters), so each combination gets a plan
  // that can use its index even with generic plans (plan_cache_mode = force_generic_plan)
  const params: unknown[] = [];
  const conditions = (['namespace', 'name', 'state'] as const)
    .filter((key) => filter[key] !== undefined && filter[key] !== null)
    .map((key) => {
      params.push(filter[key]);
      return `${key} = $${params.length}`;
    });
  const where = conditions.length ? conditions.join(' AND ') : 'true';
  const rows = await q.query<Omit<TaskView, 'execution_status' | 'step_counts' | 'completion_percentage'>>(
    `SELECT ${TASK_COLUMNS} FROM tasks WHERE ${where} ORDER BY created_at DESC, task_uuid DESC LIMIT $${params.length + 1} OFFSET $${params.length + 2}`,
    [...params, limit, offset],
  );
  const count = await q.query<{ n: number }>(`SELECT count(*)::int AS n FROM tasks WHERE ${where}`, params);
  const readiness = rows.length ? await computeReadiness(q, rows.map((r) => r.task_uuid)) : new Map();
  return { tasks: rows.map((r) => summarize(r, readiness.get(r.task_uuid))), total: count[0]?.n ?? 0 };
}

/** The audit trail of a step (or of the task when `stepUuid` is null). */
export async function getTransitions(q: Queryable, taskUuid: string, stepUuid: string | null): Promise<Array<Record<string, unknown>>> {
  return stepUuid
    ? q.query(`SELECT from_state, to_state, metadata, created_at FROM workflow_step_transitions WHERE step_uuid = $1 ORDER BY id`, [stepUuid])
    : q.query(`SELECT from_state, to_state, metadata, created_at FROM task_transitions WHERE task_uuid = $1 ORDER BY id`, [taskUuid]);
}
