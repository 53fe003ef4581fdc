import { TaskState } from '../orchestration/state-machine.ts';
import { schemas } from './openapi-components.ts';
import { DLQ_STATUSES } from './schemas.ts';

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const body = (schema: string, description: string) => ({ description, content: { 'application/json': { schema: ref(schema) } } });
const error = (description: string) => body('Error', description);
const param = (name: string, description: string, schema: Record<string, unknown> = { type: 'string' }) => ({ name, in: 'path', required: true, description, schema });
const query = (name: string, description: string, schema: Record<string, unknown>) => ({ name, in: 'query', required: false, description, schema });

const taskUuid = param('task_uuid', 'the task uuid', { type: 'string', format: 'uuid' });
const step = param('step', 'the step uuid or the step name');
const paging = [
  query('limit', 'page size (1–1000)', { type: 'integer', minimum: 1, maximum: 1000, default: 50 }),
  query('offset', 'rows to skip', { type: 'integer', minimum: 0, default: 0 }),
];
const common = { '401': error('missing or wrong API key (when [web] auth.api_key is set)'), '500': error('internal error') };
const notFound = { '404': error('no such task / step / template') };

/** The OpenAPI 3.1 document of the `/v1` API (a test keeps it in sync with the router). */
export function openApiDocument(version: string): Record<string, unknown> {
  return {
    openapi: '3.1.0',
    info: { title: 'tasker', version, description: 'DAG workflow engine: tasks, steps, templates and the DLQ.' },
    components: {
      schemas,
      securitySchemes: {
        apiKey: { type: 'apiKey', in: 'header', name: 'X-API-Key' },
        bearer: { type: 'http', scheme: 'bearer' },
      },
    },
    security: [{}, { apiKey: [] }, { bearer: [] }],
    paths: {
      '/v1/tasks': {
        post: {
          operationId: 'createTask',
          summary: 'Create a task from a registered template',
          requestBody: { required: true, content: { 'application/json': { schema: ref('CreateTaskRequest') } } },
          responses: {
            '201': body('Task', 'created; Location names the task'),
            '400': error('invalid body or task input (details.violations lists every problem)'),
            ...notFound,
            '409': error('a task with the same identity exists (details.existing_task_uuid)'),
            '413': error('body larger than [web] max_body_bytes'),
            '415': error('body is not JSON'),
            ...common,
          },
        },
        get: {
          operationId: 'listTasks',
          summary: 'List tasks, newest first',
          parameters: [
            ...paging,
            query('namespace', 'only this namespace', { type: 'string' }),
            query('name', 'only this template name', { type: 'string' }),
            query('state', 'only this task state', { type: 'string', enum: Object.values(TaskState) }),
          ],
          responses: { '200': body('TaskList', 'a page of tasks'), '400': error('invalid query'), ...common },
        },
      },
      '/v1/tasks/{task_uuid}': {
        parameters: [taskUuid],
        get: { operationId: 'getTask', summary: 'A task with status, counts and steps', responses: { '200': body('Task', 'the task'), ...notFound, ...common } },
        delete: {
          operationId: 'cancelTask',
          summary: 'Cancel a task and its unfinished steps',
          parameters: [query('reason', 'why (audited)', { type: 'string' }), query('actor', 'who (audited)', { type: 'string' })],
          responses: { '200': body('CancelledTask', 'the cancelled task and the steps cancelled with it'), '400': error('invalid query'), ...notFound, '409': error('the task is already finished'), ...common },
        },
      },
      '/v1/tasks/{task_uuid}/workflow_steps': {
        parameters: [taskUuid],
        get: { operationId: 'listSteps', summary: 'The steps of a task', responses: { '200': body('StepList', 'steps in creation order'), ...notFound, ...common } },
      },
      '/v1/tasks/{task_uuid}/workflow_steps/{step}': {
        parameters: [taskUuid, step],
        get: { operationId: 'getStep', summary: 'One step', responses: { '200': body('Step', 'the step'), ...notFound, ...common } },
        patch: {
          operationId: 'applyStepAction',
          summary: 'A manual step action: reset_for_retry, resolve_manually, complete_manually',
          requestBody: { required: true, content: { 'application/json': { schema: ref('StepAction') } } },
          responses: {
            '200': body('StepAfterAction', 'the step after the action, its previous state and the task state'),
            '400': error('invalid action body'),
            ...notFound,
            '409': error('the step or task is in a state that does not allow this action'),
            '413': error('body too large'),
            '415': error('body is not JSON'),
            ...common,
          },
        },
      },
      '/v1/tasks/{task_uuid}/workflow_steps/{step}/audit': {
        parameters: [taskUuid, step],
        get: { operationId: 'getStepAudit', summary: "A step's state transitions, oldest first", responses: { '200': body('StepAudit', 'the audit trail'), ...notFound, ...common } },
      },
      '/v1/templates': {
        get: { operationId: 'listTemplates', summary: 'Registered templates', responses: { '200': body('TemplateList', 'every registered template version'), ...common } },
      },
      '/v1/templates/{namespace}/{name}/{version}': {
        parameters: [param('namespace', 'template namespace'), param('name', 'template name'), param('version', 'a version, or `latest`')],
        get: { operationId: 'getTemplate', summary: 'One template', responses: { '200': body('Template', 'the template'), ...notFound, ...common } },
      },
      '/v1/dlq': {
        get: {
          operationId: 'listDlq',
          summary: 'Dead letter queue entries (tasks that ran out of options)',
          parameters: [
            ...paging,
            query('status', 'resolution status (pending = open)', { type: 'string', enum: DLQ_STATUSES }),
            query('task_uuid', 'only entries of this task', { type: 'string', format: 'uuid' }),
          ],
          responses: { '200': body('DlqList', 'a page of DLQ entries'), '400': error('invalid query'), ...common },
        },
      },
      '/v1/events': {
        get: {
          operationId: 'listEvents',
          summary: 'Stored domain events, oldest first, with their delivery state per subscriber group',
          parameters: [
            query('name', 'event-name pattern, * wildcards (order.*)', { type: 'string' }),
            query('task_uuid', 'only events of this task', { type: 'string', format: 'uuid' }),
            query('after', 'only events after this event_seq (follow with next_after)', { type: 'string', pattern: '^[0-9]+$' }),
            query('limit', 'page size (1–1000, default 50)', { type: 'integer', minimum: 1, maximum: 1000 }),
          ],
          responses: { '200': body('EventList', 'the newest matching events, or those after `after`'), '400': error('invalid query'), ...common },
        },
      },
    },
  };
}
