import type { HttpContext } from '../context.ts';
import { readJsonBody, validate } from '../body.ts';
import { json } from '../responses.ts';
import type { Router } from '../router.ts';
import { cancelTaskQuery, createTaskBody, listTasksQuery, queryObject } from '../schemas.ts';

/** `/v1/tasks`: create, list, get, cancel. */
export function addTaskRoutes(router: Router<HttpContext>): void {
  router.add('POST', '/v1/tasks', async (ctx, { request }) => {
    const body = validate(createTaskBody, await readJsonBody(request, ctx.config.web.max_body_bytes), 'task request');
    const created = await ctx.tasker.createTask(body);
    ctx.metrics.tasksCreated.set(created.namespace, (ctx.metrics.tasksCreated.get(created.namespace) ?? 0) + 1);
    const task = await ctx.tasker.getTask(created.task_uuid);
    return json(task, 201, { location: `/v1/tasks/${created.task_uuid}` });
  });

  router.add('GET', '/v1/tasks', async (ctx, { url }) => {
    const query = validate(listTasksQuery, queryObject(url), 'query');
    const { tasks, total } = await ctx.tasker.listTasks(query);
    return json({ tasks, pagination: { total, limit: query.limit, offset: query.offset } });
  });

  router.add('GET', '/v1/tasks/:task_uuid', async (ctx, { params }) => {
    return json(await ctx.tasker.getTask(params.task_uuid, { steps: true }));
  });

  router.add('DELETE', '/v1/tasks/:task_uuid', async (ctx, { params, url }) => {
    const query = validate(cancelTaskQuery, queryObject(url), 'query');
    const result = await ctx.tasker.cancelTask(params.task_uuid, { actor: query.actor ?? 'http-api', reason: query.reason ?? 'cancelled through the HTTP API' });
    const task = await ctx.tasker.getTask(params.task_uuid);
    return json({ ...task, cancelled_steps: result.cancelled_steps, aborted_steps: result.aborted_steps });
  });
}
