import type { Hono } from 'hono';
import { validator } from 'hono-openapi';
import * as v from 'valibot';
import { batchRejected, type BatchItemError } from '../../orchestration/task-bulk-creator.ts';
import type { CreateTaskRequest } from '../../orchestration/task-creator.ts';
import type { HttpContext } from '../context.ts';
import { jsonBody, rejectInvalid, violations } from '../middleware.ts';
import { describe, errors } from '../openapi.ts';
import { CancelledTaskSchema, CreatedTaskBatchSchema, ErrorSchema, TaskListSchema, TaskSchema } from '../openapi-schemas.ts';
import { HttpError, json } from '../responses.ts';
import { cancelTaskQuery, createTaskBody, createTasksBody, listTasksQuery, taskParams } from '../schemas.ts';

/** `/v1/tasks`: create, list, get, cancel. */
export function addTaskRoutes(app: Hono, ctx: HttpContext): void {
  const body = jsonBody(() => ctx.config.web.max_body_bytes);

  app.post(
    '/v1/tasks',
    describe('createTask', 'Create a task from a registered template', {
      201: [TaskSchema, 'created; Location names the task'],
      400: [ErrorSchema, 'invalid body or task input (details.violations lists every problem)'],
      404: errors.notFound,
      409: [ErrorSchema, 'a task with the same identity exists (details.existing_task_uuid)'],
      413: errors.tooLarge,
      415: errors.notJson,
    }),
    body,
    validator('json', createTaskBody, rejectInvalid('task request')),
    async (c) => {
      const created = await ctx.tasker.createTask(c.req.valid('json'));
      ctx.metrics.tasksCreated.set(created.namespace, (ctx.metrics.tasksCreated.get(created.namespace) ?? 0) + 1);
      const task = await ctx.tasker.getTask(created.task_uuid);
      return json(task, 201, { location: `/v1/tasks/${created.task_uuid}` });
    },
  );

  app.post(
    '/v1/tasks/batch',
    describe('createTasks', 'Create many tasks at once: all of them, or none', {
      201: [CreatedTaskBatchSchema, 'all created, in request order'],
      400: [ErrorSchema, 'the body is not {"tasks": [...]}'],
      404: errors.notFound,
      409: [ErrorSchema, 'refused: every failed item is a duplicate (details.errors: index, existing_task_uuid)'],
      413: [ErrorSchema, 'more than [web] max_batch_tasks tasks, or the body is larger than [web] max_batch_body_bytes'],
      415: errors.notJson,
      422: [ErrorSchema, 'refused: details.errors lists each bad item (index, code, message); nothing was created'],
    }),
    jsonBody(() => ctx.config.web.max_batch_body_bytes),
    validator('json', createTasksBody, rejectInvalid('task batch')),
    async (c) => {
      const { tasks } = c.req.valid('json');
      const max = ctx.config.web.max_batch_tasks;
      if (tasks.length > max) {
        throw new HttpError('PAYLOAD_TOO_LARGE', `a batch holds at most ${max} tasks ([web] max_batch_tasks), got ${tasks.length}`, {
          details: { max_batch_tasks: max, tasks: tasks.length, hint: `split it into batches of at most ${max}` },
        });
      }
      const requests: CreateTaskRequest[] = [];
      const refused: BatchItemError[] = [];
      tasks.forEach((item, index) => {
        const parsed = v.safeParse(createTaskBody, item);
        if (parsed.success) requests.push(parsed.output);
        else {
          const list = violations(parsed.issues.map((i) => ({ message: i.message, path: i.path?.map((p) => ({ key: p.key as PropertyKey })) })));
          refused.push({ index, code: 'INPUT_INVALID', message: `invalid task request: ${list.map((p) => `${p.path}: ${p.message}`).join('; ')}`, details: { violations: list } });
        }
      });
      if (refused.length) throw batchRejected(refused, tasks.length);
      const created = await ctx.tasker.createTasks(requests);
      for (const t of created) ctx.metrics.tasksCreated.set(t.namespace, (ctx.metrics.tasksCreated.get(t.namespace) ?? 0) + 1);
      return json({ tasks: created }, 201);
    },
  );

  app.get(
    '/v1/tasks',
    describe('listTasks', 'List tasks, newest first', { 200: [TaskListSchema, 'a page of tasks'], 400: errors.badQuery }),
    validator('query', listTasksQuery, rejectInvalid('query')),
    async (c) => {
      const query = c.req.valid('query');
      const { tasks, total } = await ctx.tasker.listTasks(query);
      return json({ tasks, pagination: { total, limit: query.limit, offset: query.offset } });
    },
  );

  app.get(
    '/v1/tasks/:task_uuid',
    describe('getTask', 'A task with status, counts and steps', { 200: [TaskSchema, 'the task'], 404: errors.notFound }),
    validator('param', taskParams, rejectInvalid('path')),
    async (c) => json(await ctx.tasker.getTask(c.req.valid('param').task_uuid, { steps: true })),
  );

  app.delete(
    '/v1/tasks/:task_uuid',
    describe('cancelTask', 'Cancel a task and its unfinished steps', {
      200: [CancelledTaskSchema, 'the cancelled task and the steps cancelled with it'],
      400: errors.badQuery,
      404: errors.notFound,
      409: [ErrorSchema, 'the task is already finished'],
    }),
    validator('param', taskParams, rejectInvalid('path')),
    validator('query', cancelTaskQuery, rejectInvalid('query')),
    async (c) => {
      const { task_uuid } = c.req.valid('param');
      const query = c.req.valid('query');
      const result = await ctx.tasker.cancelTask(task_uuid, { actor: query.actor ?? 'http-api', reason: query.reason ?? 'cancelled through the HTTP API' });
      const task = await ctx.tasker.getTask(task_uuid);
      return json({ ...task, cancelled_steps: result.cancelled_steps, aborted_steps: result.aborted_steps });
    },
  );
}
