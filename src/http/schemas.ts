import * as v from 'valibot';
import { DlqResolutions } from '../orchestration/dlq.ts';
import { StepState, TaskState } from '../orchestration/state-machine.ts';

const isObject = (value: unknown): boolean => typeof value === 'object' && value !== null && !Array.isArray(value);

/** How a value that is not an object is named in messages. */
const describeReceived = (value: unknown): string =>
  Array.isArray(value) ? 'an array' : value === null ? 'null' : typeof value === 'string' ? 'a string' : `a ${typeof value}`;

/** A JSON object (not an array, not null). */
const jsonObject = v.pipe(
  v.custom<Record<string, unknown>>(isObject, (i) => `expected a JSON object, got ${describeReceived(i.input)}`),
);
const text = (max: number) => v.pipe(v.string('expected a string'), v.maxLength(max, `at most ${max} characters`));
const optionalText = (max: number) => v.optional(v.nullable(text(max)));
const name = v.pipe(v.string('expected a string'), v.nonEmpty('must not be empty'), v.maxLength(128, 'at most 128 characters'));
const uuid = v.pipe(v.string('expected a string'), v.uuid('expected a UUID'));
/**
 * The message of a body object's own issues: valibot gives a strictObject one message for a wrong type,
 * a missing key and an unknown key alike, so tell them apart here.
 */
const fieldIssue = (issue: v.BaseIssue<unknown>): string => {
  if (issue.expected === 'never') return 'unknown field';
  if (issue.received === 'undefined') return 'required field is missing';
  return `expected a JSON object, got ${issue.received}`;
};
/** A request body: a JSON object — an array, whose indexes would read as unknown fields, is refused as a whole. */
const bodyObject = <S extends v.GenericSchema<Record<string, unknown>, unknown>>(what: string, schema: S) =>
  v.pipe(v.custom<Record<string, unknown>>(isObject, (i) => `expected a JSON object (${what}), got ${describeReceived(i.input)}`), schema);

/** Body of `POST /v1/tasks`. */
export const createTaskBody = bodyObject('a task request with namespace, name and context', v.strictObject(
  {
    namespace: name,
    name,
    version: v.optional(v.nullable(name)),
    context: jsonObject,
    initiator: optionalText(256),
    source_system: optionalText(256),
    reason: optionalText(1024),
    tags: v.optional(v.array(text(128), 'expected an array of strings')),
    priority: v.optional(v.pipe(v.number('expected an integer'), v.integer('expected an integer'), v.minValue(-1000), v.maxValue(1000))),
    correlation_id: v.optional(v.nullable(uuid)),
    parent_correlation_id: v.optional(v.nullable(uuid)),
    idempotency_key: v.optional(v.nullable(v.pipe(text(255), v.nonEmpty('must not be empty')))),
    run_at: v.optional(v.nullable(v.pipe(v.string('expected an ISO 8601 time'), v.isoTimestamp('expected an ISO 8601 time such as 2026-12-02T12:00:00Z')))),
    delay_seconds: v.optional(v.nullable(v.pipe(v.number('expected a number of seconds'), v.minValue(0), v.maxValue(366 * 86400)))),
  },
  fieldIssue,
));

/** Body of `POST /v1/tasks/batch`: `{tasks: [...]}`; each item is checked against {@link createTaskBody} by the route. */
export const createTasksBody = bodyObject('{"tasks": [task requests]}', v.strictObject(
  { tasks: v.array(v.unknown(), 'expected an array of task requests') },
  fieldIssue,
));

const actor = optionalText(256);

/** Body of `PATCH /v1/tasks/{task_uuid}/workflow_steps/{step}`: one manual action. */
export const stepActionBody = bodyObject('a step action with an action field', v.variant(
  'action',
  [
    v.strictObject({ action: v.literal('reset_for_retry'), reason: optionalText(1024), actor }, fieldIssue),
    v.strictObject({ action: v.literal('resolve_manually'), reason: optionalText(1024), actor }, fieldIssue),
    v.strictObject(
      {
        action: v.literal('complete_manually'),
        reason: optionalText(1024),
        actor,
        result: v.custom<Record<string, unknown>>(isObject, 'complete_manually needs a result: a JSON object that dependent steps will read'),
      },
      fieldIssue,
    ),
  ],
  'expected an object with action reset_for_retry, resolve_manually or complete_manually',
));

const pageInt = (min: number, max: number) =>
  v.pipe(v.string(), v.regex(/^\d+$/, 'expected a non-negative integer'), v.transform(Number), v.minValue(min, `at least ${min}`), v.maxValue(max, `at most ${max}`));

/** Paging query parameters: `limit` (1–1000, default 50) and `offset` (default 0). */
const paging = {
  limit: v.optional(pageInt(1, 1000), '50'),
  offset: v.optional(pageInt(0, 1_000_000_000), '0'),
};

/** Query of `GET /v1/tasks`. */
export const listTasksQuery = v.strictObject(
  {
    ...paging,
    namespace: v.optional(name),
    name: v.optional(name),
    state: v.optional(v.picklist(Object.values(TaskState), `expected one of ${Object.values(TaskState).join(', ')}`)),
  },
  'unknown query parameter',
);

/** The DLQ statuses a listing can filter on: `pending` (open) and the resolutions. */
export const DLQ_STATUSES = ['pending', ...DlqResolutions];

/** Query of `GET /v1/dlq`. */
export const listDlqQuery = v.strictObject(
  {
    ...paging,
    status: v.optional(v.picklist(DLQ_STATUSES, `expected one of ${DLQ_STATUSES.join(', ')}`)),
    task_uuid: v.optional(uuid),
  },
  'unknown query parameter',
);

/** Body of `PATCH /v1/dlq/{dlq_id}`: closes an open entry with a resolution (kept with who and why). */
export const resolveDlqBody = bodyObject('a DLQ resolution with a resolution field', v.strictObject(
  {
    resolution: v.picklist(DlqResolutions, `expected one of ${DlqResolutions.join(', ')}`),
    notes: optionalText(4096),
    actor,
  },
  fieldIssue,
));

/** Path parameter of `/v1/dlq/{dlq_id}`. */
export const dlqParams = v.object({ dlq_id: v.pipe(v.string(), v.description('the DLQ entry id')) });

/** Query of `DELETE /v1/tasks/{task_uuid}`: who cancels and why (kept in the audit trail). */
export const cancelTaskQuery = v.strictObject({ actor: optionalText(256), reason: optionalText(1024) }, 'unknown query parameter');

/** The step states, for documentation. */
export const STEP_STATES = Object.values(StepState);

const pathParam = (description: string) => v.pipe(v.string(), v.description(description));

/** Path parameters of `/v1/tasks/{task_uuid}` (any string: one that is no uuid is a 404, like an unknown one). */
export const taskParams = v.object({ task_uuid: pathParam('the task uuid') });

/** Path parameters of `/v1/tasks/{task_uuid}/workflow_steps/{step}`. */
export const stepParams = v.object({ task_uuid: pathParam('the task uuid'), step: pathParam('the step uuid or the step name') });

/** Path parameters of `/v1/templates/{namespace}/{name}/{version}`. */
export const templateParams = v.object({
  namespace: pathParam('template namespace'),
  name: pathParam('template name'),
  version: pathParam('a version, or `latest`'),
});
