import type { Hono } from 'hono';
import { validator } from 'hono-openapi';
import type { HttpContext } from '../context.ts';
import { jsonBody, rejectInvalid } from '../middleware.ts';
import { describe, errors } from '../openapi.ts';
import { ErrorSchema, StepAfterActionSchema, StepAuditSchema, StepListSchema, StepSchema } from '../openapi-schemas.ts';
import { json } from '../responses.ts';
import { stepActionBody, stepParams, taskParams } from '../schemas.ts';
import { getTransitions, type StepView } from '../../orchestration/task-queries.ts';
import { TaskerError } from '../../errors.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Finds a step of a task by uuid or by name; TASK_NOT_FOUND / STEP_NOT_FOUND otherwise. */
export async function findStep(ctx: HttpContext, taskUuid: string, step: string): Promise<StepView> {
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
export function addStepRoutes(app: Hono, ctx: HttpContext): void {
  const path = rejectInvalid('path');

  app.get(
    '/v1/tasks/:task_uuid/workflow_steps',
    describe('listSteps', 'The steps of a task', { 200: [StepListSchema, 'steps in creation order'], 404: errors.notFound }),
    validator('param', taskParams, path),
    async (c) => {
      const { task_uuid } = c.req.valid('param');
      await ctx.tasker.getTask(task_uuid);
      return json({ steps: await ctx.tasker.getTaskSteps(task_uuid) });
    },
  );

  app.get(
    '/v1/tasks/:task_uuid/workflow_steps/:step',
    describe('getStep', 'One step', { 200: [StepSchema, 'the step'], 404: errors.notFound }),
    validator('param', stepParams, path),
    async (c) => json(await findStep(ctx, c.req.valid('param').task_uuid, c.req.valid('param').step)),
  );

  app.patch(
    '/v1/tasks/:task_uuid/workflow_steps/:step',
    describe('applyStepAction', 'A manual step action: reset_for_retry, resolve_manually, complete_manually', {
      200: [StepAfterActionSchema, 'the step after the action, its previous state and the task state'],
      400: [ErrorSchema, 'invalid action body'],
      404: errors.notFound,
      409: [ErrorSchema, 'the step or task is in a state that does not allow this action'],
      413: errors.tooLarge,
      415: errors.notJson,
    }),
    validator('param', stepParams, path),
    jsonBody(() => ctx.config.web.max_body_bytes),
    validator('json', stepActionBody, rejectInvalid('step action')),
    async (c) => {
      const params = c.req.valid('param');
      const body = c.req.valid('json');
      const step = await findStep(ctx, params.task_uuid, params.step);
      const done = await ctx.tasker.stepAction(params.task_uuid, step.step_uuid, {
        action: body.action,
        actor: body.actor ?? 'http-api',
        reason: body.reason ?? `${body.action} through the HTTP API`,
        result: 'result' in body ? body.result : undefined,
      });
      const after = await findStep(ctx, params.task_uuid, step.step_uuid);
      return json({ ...after, from_state: done.from_state, task_state: done.task_state });
    },
  );

  app.get(
    '/v1/tasks/:task_uuid/workflow_steps/:step/audit',
    describe('getStepAudit', "A step's state transitions, oldest first", { 200: [StepAuditSchema, 'the audit trail'], 404: errors.notFound }),
    validator('param', stepParams, path),
    async (c) => {
      const params = c.req.valid('param');
      const step = await findStep(ctx, params.task_uuid, params.step);
      const transitions = await getTransitions(ctx.tasker.db, params.task_uuid, step.step_uuid);
      return json({ task_uuid: params.task_uuid, step_uuid: step.step_uuid, name: step.name, transitions });
    },
  );
}
