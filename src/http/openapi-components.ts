import { ExecutionStatus } from '../orchestration/readiness.ts';
import { TaskState } from '../orchestration/state-machine.ts';
import { DLQ_STATUSES, STEP_STATES } from './schemas.ts';

const str = { type: 'string' };
const nullableStr = { type: ['string', 'null'] };
const dateTime = { type: 'string', format: 'date-time' };
const nullableDate = { type: ['string', 'null'], format: 'date-time' };
const uuid = { type: 'string', format: 'uuid' };
const int = { type: 'integer' };
const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const pagination = { type: 'object', required: ['total', 'limit', 'offset'], properties: { total: int, limit: int, offset: int } };

/** The `components.schemas` of the OpenAPI document. */
export const schemas: Record<string, unknown> = {
  Error: {
    type: 'object',
    required: ['error'],
    properties: {
      error: {
        type: 'object',
        required: ['code', 'message'],
        properties: {
          code: {
            type: 'string',
            enum: ['BAD_REQUEST', 'NOT_FOUND', 'CONFLICT', 'UNAUTHORIZED', 'UNSUPPORTED_MEDIA_TYPE', 'PAYLOAD_TOO_LARGE', 'METHOD_NOT_ALLOWED', 'INTERNAL', 'SERVICE_UNAVAILABLE'],
          },
          message: str,
          details: { type: 'object', description: 'violations (400), existing_task_uuid (409), tasker_code, hint', additionalProperties: true },
        },
      },
    },
  },
  CreateTaskRequest: {
    type: 'object',
    additionalProperties: false,
    required: ['namespace', 'name', 'context'],
    properties: {
      namespace: str,
      name: str,
      version: { ...nullableStr, description: 'latest registered version when omitted' },
      context: { type: 'object', description: "the task input, validated against the template's input_schema" },
      initiator: nullableStr,
      source_system: nullableStr,
      reason: nullableStr,
      tags: { type: 'array', items: str },
      priority: { type: 'integer', minimum: -1000, maximum: 1000 },
      correlation_id: { ...uuid, type: ['string', 'null'] },
      parent_correlation_id: { ...uuid, type: ['string', 'null'] },
      idempotency_key: { ...nullableStr, description: 'wins over the template identity strategy; a repeat is a 409 with the existing task uuid' },
    },
  },
  StepAction: {
    type: 'object',
    additionalProperties: false,
    required: ['action'],
    properties: {
      action: { type: 'string', enum: ['reset_for_retry', 'resolve_manually', 'complete_manually'] },
      reason: nullableStr,
      actor: nullableStr,
      result: { type: 'object', description: 'required for complete_manually: the result object dependent steps will read' },
    },
  },
  Step: {
    type: 'object',
    properties: {
      step_uuid: uuid, name: str, template_step_name: str, state: { type: 'string', enum: STEP_STATES },
      attempts: int, max_attempts: int, retryable: { type: 'boolean' }, inputs: {}, results: {}, checkpoint: {},
      last_attempted_at: nullableDate, next_attempt_at: nullableDate, claimed_by: nullableStr, lease_expires_at: nullableDate,
      created_at: dateTime, updated_at: dateTime, dependencies: { type: 'array', items: str },
    },
  },
  Task: {
    type: 'object',
    properties: {
      task_uuid: uuid, namespace: str, name: str, version: str, state: { type: 'string', enum: Object.values(TaskState) },
      context: { type: 'object' }, initiator: nullableStr, source_system: nullableStr, reason: nullableStr,
      tags: { type: 'array', items: str }, priority: int, correlation_id: uuid, parent_correlation_id: { ...uuid, type: ['string', 'null'] },
      created_at: dateTime, updated_at: dateTime, completed_at: nullableDate,
      execution_status: { type: 'string', enum: Object.values(ExecutionStatus) },
      step_counts: { type: 'object', properties: { total: int, complete: int, in_process: int, pending: int, error: int } },
      completion_percentage: { type: 'number' },
      steps: { type: 'array', items: ref('Step'), description: 'only on GET /v1/tasks/{task_uuid}' },
    },
  },
  CancelledTask: {
    allOf: [
      ref('Task'),
      { type: 'object', properties: { cancelled_steps: { type: 'array', items: uuid }, aborted_steps: { type: 'array', items: uuid, description: 'running steps whose handler was told to abort' } } },
    ],
  },
  StepAfterAction: {
    allOf: [ref('Step'), { type: 'object', properties: { from_state: { type: 'string', enum: STEP_STATES }, task_state: { type: 'string', enum: Object.values(TaskState) } } }],
  },
  TaskList: { type: 'object', required: ['tasks', 'pagination'], properties: { tasks: { type: 'array', items: ref('Task') }, pagination } },
  StepList: { type: 'object', required: ['steps'], properties: { steps: { type: 'array', items: ref('Step') } } },
  StepAudit: {
    type: 'object',
    properties: {
      task_uuid: uuid, step_uuid: uuid, name: str,
      transitions: { type: 'array', items: { type: 'object', properties: { from_state: nullableStr, to_state: str, metadata: {}, created_at: dateTime } } },
    },
  },
  TemplateSummary: { type: 'object', properties: { namespace: str, name: str, version: str, description: nullableStr, steps: int } },
  TemplateList: { type: 'object', properties: { templates: { type: 'array', items: ref('TemplateSummary') } } },
  Template: { type: 'object', description: 'the normalized task template (steps, input_schema, retry settings, …)', additionalProperties: true },
  DlqEntry: {
    type: 'object',
    properties: {
      dlq_id: uuid, task_uuid: uuid, namespace: str, name: str, version: str, task_state: { type: 'string', enum: Object.values(TaskState) },
      reason: str, original_state: str, resolution_status: { type: 'string', enum: DLQ_STATUSES }, resolution_notes: nullableStr,
      resolved_by: nullableStr, resolved_at: nullableDate, created_at: dateTime,
    },
  },
  EventList: {
    type: 'object',
    required: ['events', 'next_after'],
    properties: {
      events: { type: 'array', items: { type: 'object', description: 'a row of the domain_event_log view (README "Domain events")', additionalProperties: true } },
      next_after: { type: ['string', 'null'], description: 'the last event_seq returned; pass it as `after` to follow' },
    },
  },
  DlqList: { type: 'object', required: ['entries', 'pagination'], properties: { entries: { type: 'array', items: ref('DlqEntry') }, pagination } },
};
