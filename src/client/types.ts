// The original worker's client request options and response types (snake_case, as its API returns them).

/** Options of `createTask`: only `name` is required. */
export interface CreateTaskOptions {
  name: string;
  /** Default `default`. */
  namespace?: string;
  context?: Record<string, unknown>;
  /** Default: the latest registered version. */
  version?: string;
  /** Default `tasker-core-typescript`. */
  initiator?: string;
  /** Default `tasker-core`. */
  sourceSystem?: string;
  /** Default `Task requested`. */
  reason?: string;
  tags?: string[];
  priority?: number;
  /** Default: a new uuid. */
  correlationId?: string;
  parentCorrelationId?: string;
  idempotencyKey?: string;
}

/** Options of `listTasks`: paging (limit 50, offset 0) and filters. */
export interface ListTasksOptions {
  limit?: number;
  offset?: number;
  namespace?: string;
  /** A task state (`complete`, `steps_in_process`, …). */
  status?: string;
}

/** Readiness of one step, as embedded in a {@link TaskResponse}. */
export interface StepReadinessStatus {
  workflow_step_uuid: string;
  task_uuid: string;
  /** tasker has no named-step uuids: the template step name. */
  named_step_uuid: string;
  name: string;
  current_state: string;
  dependencies_satisfied: boolean;
  retry_eligible: boolean;
  ready_for_execution: boolean;
  last_failure_at: string | null;
  next_retry_at: string | null;
  total_parents: number;
  completed_parents: number;
  attempts: number;
  max_attempts: number;
  backoff_request_seconds: number | null;
  last_attempted_at: string | null;
}

/** A task with its execution summary and step readiness. */
/** A task as {@link TaskerClient.createTasks} returns it (no status summary: that would be one read per task). */
export interface CreatedTaskResponse {
  task_uuid: string;
  namespace: string;
  name: string;
  version: string;
  status: string;
  correlation_id: string;
  step_count: number;
}

/** A task with its execution summary. */
export interface TaskResponse {
  task_uuid: string;
  name: string;
  namespace: string;
  version: string;
  status: string;
  created_at: string;
  updated_at: string;
  completed_at: string | null;
  context: Record<string, unknown>;
  initiator: string;
  source_system: string;
  reason: string;
  priority: number | null;
  tags: string[] | null;
  correlation_id: string;
  parent_correlation_id: string | null;
  total_steps: number;
  pending_steps: number;
  in_progress_steps: number;
  completed_steps: number;
  failed_steps: number;
  ready_steps: number;
  execution_status: string;
  recommended_action: string;
  completion_percentage: number;
  health_status: string;
  steps: StepReadinessStatus[];
}

/** Paging facts of a list response. */
export interface PaginationInfo {
  total: number;
  limit: number;
  offset: number;
  has_more: boolean;
}

/** A page of tasks. */
export interface TaskListResponse {
  tasks: TaskResponse[];
  pagination: PaginationInfo;
}

/** What cancelling a task reports. */
export interface CancelTaskResponse {
  cancelled: boolean;
}

/** One step with its results and readiness. */
export interface StepResponse {
  step_uuid: string;
  task_uuid: string;
  name: string;
  created_at: string;
  updated_at: string;
  completed_at: string | null;
  results: Record<string, unknown> | null;
  current_state: string;
  dependencies_satisfied: boolean;
  retry_eligible: boolean;
  ready_for_execution: boolean;
  total_parents: number;
  completed_parents: number;
  attempts: number;
  max_attempts: number;
  last_failure_at: string | null;
  next_retry_at: string | null;
  last_attempted_at: string | null;
}

/** One audited transition of a step. */
export interface StepAuditResponse {
  audit_uuid: string;
  workflow_step_uuid: string;
  transition_uuid: string;
  task_uuid: string;
  recorded_at: string;
  worker_uuid?: string;
  correlation_id?: string;
  success: boolean;
  execution_time_ms?: number;
  result?: Record<string, unknown>;
  step_name: string;
  from_state?: string;
  to_state: string;
}

/** Health of the orchestration API. */
export interface HealthCheckResponse {
  healthy: boolean;
}
