import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from './http-harness.ts';

let h: Harness;
let taskUuid: string;
beforeAll(async () => {
  h = await startHarness();
  const res = await h.request('POST', '/v1/tasks', { body: { namespace: 'diamond_workflow', name: 'diamond_workflow', context: { even_number: 6 } } });
  taskUuid = ((await res.json()) as { task_uuid: string }).task_uuid;
  await h.tasker.waitForTask(taskUuid);
});
afterAll(async () => {
  await h?.close();
});

const errorOf = async (res: Response) => ((await res.json()) as { error: { code: string; message: string; details?: Record<string, any> } }).error;

describe('GET /v1/tasks/{uuid}/workflow_steps', () => {
  it('lists the steps with their dependencies and results', async () => {
    const res = await h.request('GET', `/v1/tasks/${taskUuid}/workflow_steps`);
    expect(res.status).toBe(200);
    const { steps } = (await res.json()) as { steps: Array<Record<string, any>> };
    expect(steps.length).toBe(4);
    expect(steps.every((s) => s.state === 'complete')).toBe(true);
    const end = steps.find((s) => s.dependencies.length === 2);
    expect(end).toBeDefined();
  });

  it('answers 404 for an unknown task', async () => {
    const res = await h.request('GET', '/v1/tasks/01900000-0000-7000-8000-000000000000/workflow_steps');
    expect([res.status, (await errorOf(res)).details!.tasker_code]).toEqual([404, 'TASK_NOT_FOUND']);
  });
});

describe('GET /v1/tasks/{uuid}/workflow_steps/{step}', () => {
  it('finds a step by name and by uuid', async () => {
    const { steps } = (await (await h.request('GET', `/v1/tasks/${taskUuid}/workflow_steps`)).json()) as { steps: Array<Record<string, any>> };
    const first = steps[0];
    const byName = (await (await h.request('GET', `/v1/tasks/${taskUuid}/workflow_steps/${first.name}`)).json()) as Record<string, any>;
    const byUuid = (await (await h.request('GET', `/v1/tasks/${taskUuid}/workflow_steps/${first.step_uuid.toUpperCase()}`)).json()) as Record<string, any>;
    expect(byName.step_uuid).toBe(first.step_uuid);
    expect(byUuid).toEqual(byName);
  });

  it('answers 404 STEP_NOT_FOUND listing the task steps for an unknown step', async () => {
    const res = await h.request('GET', `/v1/tasks/${taskUuid}/workflow_steps/no_such_step`);
    expect(res.status).toBe(404);
    const error = await errorOf(res);
    expect(error.details!.tasker_code).toBe('STEP_NOT_FOUND');
    expect(error.details!.steps.length).toBe(4);
  });
});

describe('GET /v1/tasks/{uuid}/workflow_steps/{step}/audit', () => {
  it('returns the transitions from pending to complete, oldest first', async () => {
    const { steps } = (await (await h.request('GET', `/v1/tasks/${taskUuid}/workflow_steps`)).json()) as { steps: Array<Record<string, any>> };
    const res = await h.request('GET', `/v1/tasks/${taskUuid}/workflow_steps/${steps[0].name}/audit`);
    expect(res.status).toBe(200);
    const audit = (await res.json()) as { step_uuid: string; transitions: Array<{ from_state: string | null; to_state: string }> };
    expect(audit.step_uuid).toBe(steps[0].step_uuid);
    const path = audit.transitions.map((t) => t.to_state);
    expect(path[0]).toBe('enqueued'); // created ready: one audit row, via pending
    expect(path.at(-1)).toBe('complete');
    expect(path).toContain('in_progress');
  });

  it('answers 404 for an unknown step', async () => {
    expect((await h.request('GET', `/v1/tasks/${taskUuid}/workflow_steps/nope/audit`)).status).toBe(404);
  });
});

describe('PATCH /v1/tasks/{uuid}/workflow_steps/{step}', () => {
  it('validates the action body, listing every problem', async () => {
    const unknown = await h.request('PATCH', `/v1/tasks/${taskUuid}/workflow_steps/x`, { body: { action: 'explode' } });
    expect(unknown.status).toBe(400);
    const noResult = await h.request('PATCH', `/v1/tasks/${taskUuid}/workflow_steps/x`, { body: { action: 'complete_manually', actor: 5, extra: 1 } });
    expect(noResult.status).toBe(400);
    const paths = (await errorOf(noResult)).details!.violations.map((v: { path: string }) => v.path).sort();
    expect(paths).toEqual(['actor', 'extra', 'result']);
    const array = await h.request('PATCH', `/v1/tasks/${taskUuid}/workflow_steps/x`, { body: JSON.stringify([{ action: 'reset_for_retry' }]) });
    expect(array.status).toBe(400);
    expect((await errorOf(array)).message).toBe('invalid step action: (root): expected a JSON object (a step action with an action field), got an array');
    expect((await h.request('PATCH', `/v1/tasks/${taskUuid}/workflow_steps/x`, { body: 'action=reset', headers: { 'content-type': 'text/plain' } })).status).toBe(415);
  });
});
