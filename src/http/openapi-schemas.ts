// The response shapes of the /v1 API as valibot schemas. hono-openapi turns them (and the request schemas
// in schemas.ts, which also validate) into the OpenAPI document; `v.metadata({ ref })` makes each one a
// named component. They describe what the engine returns — responses are not validated against them.
import * as v from 'valibot';
import { ExecutionStatus } from '../orchestration/readiness.ts';
import { TaskState } from '../orchestration/state-machine.ts';
import { HttpErrorCode } from './responses.ts';
import { DLQ_STATUSES, STEP_STATES } from './schemas.ts';

const named = <S extends v.GenericSchema>(ref: string, schema: S, description?: string) =>
  v.pipe(schema, v.metadata({ ref }), ...(description ? [v.description(description)] : []));
const str = v.string();
const nullableStr = v.nullable(v.string());
const dateTime = v.pipe(v.string(), v.isoTimestamp());
const nullableDate = v.nullable(dateTime);
const uuid = v.pipe(v.string(), v.uuid());
const int = v.pipe(v.number(), v.integer());
const anyJson = v.unknown();
const pagination = v.object({ total: int, limit: int, offset: int });
const taskState = v.picklist(Object.values(TaskState));
const stepState = v.picklist(STEP_STATES);

/** The error envelope. */
export const ErrorSchema = named('Error', v.object({
  error: v.object({
    code: v.picklist(Object.values(HttpErrorCode)),
    message: str,
    details: v.optional(v.pipe(v.record(v.string(), v.unknown()), v.description('violations (400), existing_task_uuid (409), errors (batch 409/422: index, code, message), tasker_code, hint'))),
  }),
}));

const stepFields = {
  step_uuid: uuid, name: str, template_step_name: str, state: stepState,
  attempts: int, max_attempts: int, retryable: v.boolean(), inputs: anyJson, results: anyJson, checkpoint: anyJson,
  last_attempted_at: nullableDate, next_attempt_at: nullableDate, claimed_by: nullableStr, lease_expires_at: nullableDate,
  rate_limited_until: v.pipe(nullableDate, v.description('while the step waits for its rate-limit slot: when it comes')),
  created_at: dateTime, updated_at: dateTime, dependencies: v.array(str),
};
/** A step. */
export const StepSchema = named('Step', v.object(stepFields));

const taskFields = {
  task_uuid: uuid, namespace: str, name: str, version: str, state: taskState,
  context: v.record(v.string(), v.unknown()), initiator: nullableStr, source_system: nullableStr, reason: nullableStr,
  tags: v.array(str), priority: int, correlation_id: uuid, parent_correlation_id: v.nullable(uuid),
  created_at: dateTime, updated_at: dateTime, completed_at: nullableDate,
  run_at: v.pipe(nullableDate, v.description('when a delayed task starts (null: it started at creation)')),
  execution_status: v.picklist(Object.values(ExecutionStatus)),
  step_counts: v.object({ total: int, complete: int, in_process: int, pending: int, error: int }),
  completion_percentage: v.number(),
  steps: v.optional(v.pipe(v.array(StepSchema), v.description('only on GET /v1/tasks/{task_uuid}'))),
};

/** A task with its status summary. */
export const TaskSchema = named('Task', v.object(taskFields));

/** A task as `POST /v1/tasks/batch` returns it. */
export const CreatedTaskSchema = named('CreatedTask', v.object({
  task_uuid: uuid, namespace: str, name: str, version: str, state: taskState, correlation_id: uuid, step_count: int,
}));

/** The answer of `POST /v1/tasks/batch`: the created tasks in request order. */
export const CreatedTaskBatchSchema = named('CreatedTaskBatch', v.object({ tasks: v.array(CreatedTaskSchema) }));

/** The answer of a cancellation. */
export const CancelledTaskSchema = named('CancelledTask', v.object({
  ...taskFields,
  cancelled_steps: v.array(uuid),
  aborted_steps: v.pipe(v.array(uuid), v.description('running steps whose handler was told to abort')),
}));

/** A step after a manual action. */
export const StepAfterActionSchema = named('StepAfterAction', v.object({
  ...stepFields,
  from_state: stepState,
  task_state: taskState,
}));

/** A page of tasks. */
export const TaskListSchema = named('TaskList', v.object({ tasks: v.array(TaskSchema), pagination }));
/** The steps of a task. */
export const StepListSchema = named('StepList', v.object({ steps: v.array(StepSchema) }));
/** A step's audit trail. */
export const StepAuditSchema = named('StepAudit', v.object({
  task_uuid: uuid, step_uuid: uuid, name: str,
  transitions: v.array(v.object({ from_state: nullableStr, to_state: str, metadata: anyJson, created_at: dateTime })),
}));
/** The registered templates. */
export const TemplateListSchema = named('TemplateList', v.object({
  templates: v.array(named('TemplateSummary', v.object({ namespace: str, name: str, version: str, description: nullableStr, steps: int }))),
}));
/** One normalized template. */
export const TemplateSchema = named('Template', v.looseObject({}), 'the normalized task template (steps, input_schema, retry settings, …)');
/** A DLQ entry. */
export const DlqEntrySchema = named('DlqEntry', v.object({
  dlq_id: uuid, task_uuid: uuid, namespace: str, name: str, version: str, task_state: taskState,
  reason: str, original_state: str, resolution_status: v.picklist(DLQ_STATUSES), resolution_notes: nullableStr,
  resolved_by: nullableStr, resolved_at: nullableDate, created_at: dateTime,
}));
/** A page of DLQ entries. */
export const DlqListSchema = named('DlqList', v.object({ entries: v.array(DlqEntrySchema), pagination }));
/** The cron schedules (issue 17). */
export const ScheduleListSchema = named('ScheduleList', v.object({
  schedules: v.array(v.object({
    name: str, namespace: str, task: str, version: nullableStr, cron: str, timezone: nullableStr,
    input: v.record(v.string(), v.unknown()), backfill: int, source: str, paused: v.boolean(),
    last_tick_at: nullableDate, last_task_uuid: v.nullable(uuid), next_tick_at: nullableDate,
  })),
}));
/** A page of domain events. */
export const EventListSchema = named('EventList', v.object({
  events: v.array(v.pipe(v.looseObject({}), v.description('a row of the domain_event_log view (README "Domain events")'))),
  next_after: v.pipe(v.nullable(v.string()), v.description('the last event_seq returned; pass it as `after` to follow')),
}));
