// tasker's task/step views → the original client's response shapes (timestamps as ISO strings).
import type { StepView, TaskView } from '../orchestration/task-queries.ts';
import type { StepAuditResponse, StepReadinessStatus, StepResponse, TaskResponse } from './types.ts';

/** A transition row of a step's audit trail (as `getTransitions` and `GET …/audit` return it). */
export interface TransitionRow {
  from_state: string | null;
  to_state: string;
  metadata: Record<string, unknown> | null;
  created_at: Date | string;
}

/** A view as it arrives in-process (Dates) or over HTTP (ISO strings). */
type Wire<T> = { [K in keyof T]: T[K] extends Date ? Date | string : T[K] extends Date | null ? Date | string | null : T[K] };

const iso = (value: Date | string | null | undefined): string | null => (value == null ? null : new Date(value).toISOString());
const DONE = new Set(['complete', 'resolved_manually']);
const ACTIONS: Record<string, string> = {
  has_ready_steps: 'execute_ready_steps',
  processing: 'wait_for_completion',
  blocked_by_failures: 'handle_failures',
  all_complete: 'finalize_task',
  waiting_for_dependencies: 'wait_for_dependencies',
};

function readiness(step: Wire<StepView>, steps: Array<Wire<StepView>>, now: number) {
  const parents = steps.filter((s) => step.dependencies.includes(s.name));
  const completed = parents.filter((p) => DONE.has(p.state)).length;
  const satisfied = completed === step.dependencies.length;
  const retryEligible = step.attempts === 0 || (step.retryable && step.attempts < step.max_attempts);
  const backedOff = step.next_attempt_at == null || new Date(step.next_attempt_at).getTime() <= now;
  const waiting = step.state === 'pending' || step.state === 'waiting_for_retry';
  return {
    dependencies_satisfied: satisfied,
    retry_eligible: retryEligible,
    ready_for_execution: waiting && satisfied && retryEligible && backedOff,
    total_parents: step.dependencies.length,
    completed_parents: completed,
    attempts: step.attempts,
    max_attempts: step.max_attempts,
    last_failure_at: step.state === 'error' || step.state === 'waiting_for_retry' ? iso(step.updated_at) : null,
    next_retry_at: iso(step.next_attempt_at),
    last_attempted_at: iso(step.last_attempted_at),
  };
}

/** A step's readiness entry of a {@link TaskResponse}. */
export function toStepReadiness(taskUuid: string, step: Wire<StepView>, steps: Array<Wire<StepView>>, now = Date.now()): StepReadinessStatus {
  return {
    workflow_step_uuid: step.step_uuid,
    task_uuid: taskUuid,
    named_step_uuid: step.template_step_name,
    name: step.name,
    current_state: step.state,
    backoff_request_seconds: null,
    ...readiness(step, steps, now),
  };
}

/** A task view (with its steps when it has them) as a {@link TaskResponse}. */
export function toTaskResponse(task: Wire<TaskView>): TaskResponse {
  const now = Date.now();
  const steps = task.steps ?? [];
  const ready = steps.map((s) => toStepReadiness(task.task_uuid, s, steps, now));
  return {
    task_uuid: task.task_uuid,
    name: task.name,
    namespace: task.namespace,
    version: task.version,
    status: task.state,
    created_at: iso(task.created_at)!,
    updated_at: iso(task.updated_at)!,
    completed_at: iso(task.completed_at),
    context: (task.context ?? {}) as Record<string, unknown>,
    initiator: task.initiator ?? '',
    source_system: task.source_system ?? '',
    reason: task.reason ?? '',
    priority: task.priority ?? null,
    tags: Array.isArray(task.tags) ? (task.tags as string[]) : null,
    correlation_id: task.correlation_id,
    parent_correlation_id: task.parent_correlation_id ?? null,
    total_steps: task.step_counts.total,
    pending_steps: task.step_counts.pending,
    in_progress_steps: task.step_counts.in_process,
    completed_steps: task.step_counts.complete,
    failed_steps: task.step_counts.error,
    ready_steps: ready.filter((s) => s.ready_for_execution).length,
    execution_status: task.execution_status,
    recommended_action: ACTIONS[task.execution_status] ?? 'none',
    completion_percentage: task.completion_percentage,
    health_status: task.execution_status === 'blocked_by_failures' ? 'blocked' : 'healthy',
    steps: ready,
  };
}

/** A step view as a {@link StepResponse}; `steps` are all steps of its task (for dependency readiness). */
export function toStepResponse(taskUuid: string, step: Wire<StepView>, steps: Array<Wire<StepView>>): StepResponse {
  return {
    step_uuid: step.step_uuid,
    task_uuid: taskUuid,
    name: step.name,
    created_at: iso(step.created_at)!,
    updated_at: iso(step.updated_at)!,
    completed_at: DONE.has(step.state) ? iso(step.updated_at) : null,
    results: (step.results ?? null) as Record<string, unknown> | null,
    current_state: step.state,
    ...readiness(step, steps, Date.now()),
  };
}

/** A step's transitions as {@link StepAuditResponse}s (oldest first). */
export function toStepAudit(taskUuid: string, step: Wire<StepView>, rows: TransitionRow[]): StepAuditResponse[] {
  return rows.map((row, i) => {
    const meta = row.metadata ?? {};
    const id = `${step.step_uuid}:${i + 1}`;
    const entry: StepAuditResponse = {
      audit_uuid: id,
      workflow_step_uuid: step.step_uuid,
      transition_uuid: id,
      task_uuid: taskUuid,
      recorded_at: iso(row.created_at)!,
      success: row.to_state === 'enqueued_for_orchestration' || row.to_state === 'complete',
      step_name: step.name,
      to_state: row.to_state,
    };
    if (row.from_state) entry.from_state = row.from_state;
    const worker = meta.worker_id ?? meta.claimed_by ?? meta.worker;
    if (typeof worker === 'string') entry.worker_uuid = worker;
    if (typeof meta.duration_ms === 'number') entry.execution_time_ms = meta.duration_ms;
    if (row.to_state === 'complete' && step.results && typeof step.results === 'object') entry.result = step.results as Record<string, unknown>;
    return entry;
  });
}

export type { Wire };
