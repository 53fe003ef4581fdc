import type { HttpContext } from '../context.ts';
import { readJsonBody, validate } from '../body.ts';
import { json } from '../responses.ts';
import type { Router } from '../router.ts';
import { stepActionBody } from '../schemas.ts';
import { getTransitions, type StepView } from '../../orchestration/task-queries.ts';
import { TaskerError } from '../../errors.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Finds a step of a task by uuid or by name; TASK_NOT_FOUND / STEP_NOT_FOUND otherwise. */
async function findStep(ctx: HttpContext, taskUuid: string, step: string): Promise<StepView> {
  await ctx.tasker.getTask(taskUuid);
  const steps = await ctx.tasker.getTaskSteps(taskUuid);
  const found = UUID.test(step) ? steps.find((s) => s.step_uuid === step.toLowerCase()) : steps.find((s) => s.name === step);
  if (!found) {
    throw new TaskerError('STEP_NOT_FOUND', `task ${taskUuid} has no step ${JSON.stringify(step)}`, {
      details: { task_uuid: taskUuid, step, steps: steps.map((s) => s.name) },
    });
  }
  return found;
}

/** `/v1/tasks/{task_uuid}/workflow_steps`: list, get, manual actions, audit trail. */
export function addStepRoutes(router: Router<HttpContext>): void {
  router.add('GET', '/v1/tasks/:task_uuid/workflow_steps', async (ctx, { params }) => {
    await ctx.tasker.getTask(params.task_uuid);
    return json({ steps: await ctx.tasker.getTaskSteps(params.task_uuid) });
  });

  router.add('GET', '/v1/tasks/:task_uuid/workflow_steps/:step', async (ctx, { params }) => {
    return json(await findStep(ctx, params.task_uuid, params.step));
  });

  router.add('PATCH', '/v1/tasks/:task_uuid/workflow_steps/:step', async (ctx, { params, request }) => {
    const body = validate(stepActionBody, await readJsonBody(request, ctx.config.web.max_body_bytes), 'step action');
    const step = await findStep(ctx, params.task_uuid, params.step);
    const done = await ctx.tasker.stepAction(params.task_uuid, step.step_uuid, {
      action: body.action,
      actor: body.actor ?? 'http-api',
      reason: body.reason ?? `${body.action} through the HTTP API`,
      result: 'result' in body ? body.result : undefined,
    });
    const after = await findStep(ctx, params.task_uuid, step.step_uuid);
    return json({ ...after, from_state: done.from_state, task_state: done.task_state });
  });

  router.add('GET', '/v1/tasks/:task_uuid/workflow_steps/:step/audit', async (ctx, { params }) => {
    const step = await findStep(ctx, params.task_uuid, params.step);
    const transitions = await getTransitions(ctx.tasker.db, params.task_uuid, step.step_uuid);
    return json({ task_uuid: params.task_uuid, step_uuid: step.step_uuid, name: step.name, transitions });
  });
}
