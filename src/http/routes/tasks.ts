import type { Hono } from 'hono';
import { validator } from 'hono-openapi';
import type { HttpContext } from '../context.ts';
import { jsonBody, rejectInvalid } from '../middleware.ts';
import { describe, errors } from '../openapi.ts';
import { CancelledTaskSchema, ErrorSchema, TaskListSchema, TaskSchema } from '../openapi-schemas.ts';
import { json } from '../responses.ts';
import { cancelTaskQuery, createTaskBody, listTasksQuery, taskParams } from '../schemas.ts';

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
