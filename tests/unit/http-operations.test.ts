// Cancel, manual step actions and the DLQ over HTTP. The engine here runs no worker, so tasks stay unfinished.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from './http-harness.ts';

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ roles: { orchestrator: true, worker: false } });
});
afterAll(async () => {
  await h?.close();
});

const errorOf = async (res: Response) => ((await res.json()) as { error: { code: string; message: string; details?: Record<string, any> } }).error;
async function createLinear(even_number: number): Promise<string> {
  const res = await h.request('POST', '/v1/tasks', { body: { namespace: 'linear_workflow', name: 'linear_workflow', context: { even_number } } });
  expect(res.status).toBe(201);
  return ((await res.json()) as { task_uuid: string }).task_uuid;
}
const stepPath = (task: string, step: string) => `/v1/tasks/${task}/workflow_steps/${step}`;

describe('DELETE /v1/tasks/{uuid}', () => {
  it('cancels an unfinished task and its steps, recording who and why', async () => {
    const task = await createLinear(2);
    const res = await h.request('DELETE', `/v1/tasks/${task}?actor=ops&reason=customer%20withdrew`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as Record<string, any>;
    expect(body.state).toBe('cancelled');
    expect(body.cancelled_steps.length).toBe(4);
    const steps = (await (await h.request('GET', `/v1/tasks/${task}/workflow_steps`)).json()) as { steps: Array<{ state: string }> };
    expect(steps.steps.every((s) => s.state === 'cancelled')).toBe(true);
    const audit = (await (await h.request('GET', `${stepPath(task, 'linear_step_1')}/audit`)).json()) as { transitions: Array<{ to_state: string; metadata: any }> };
    expect(audit.transitions.at(-1)).toMatchObject({ to_state: 'cancelled', metadata: { actor: 'ops', reason: 'customer withdrew' } });
  });

  it('answers 409 for a finished task, 404 for an unknown one, 400 for unknown parameters', async () => {
    const task = await createLinear(4);
    expect((await h.request('DELETE', `/v1/tasks/${task}`)).status).toBe(200);
    const again = await h.request('DELETE', `/v1/tasks/${task}`);
    expect(again.status).toBe(409);
    expect((await errorOf(again)).details!.tasker_code).toBe('TASK_TERMINAL');
    expect((await h.request('DELETE', '/v1/tasks/01900000-0000-7000-8000-000000000000')).status).toBe(404);
    expect((await h.request('DELETE', `/v1/tasks/${task}?force=yes`)).status).toBe(400);
  });
});

describe('PATCH /v1/tasks/{uuid}/workflow_steps/{step}', () => {
  it('completes a step manually with a result its dependents can read, and the next step is enqueued', async () => {
    const task = await createLinear(6);
    const res = await h.request('PATCH', stepPath(task, 'linear_step_1'), { body: { action: 'complete_manually', result: { value: 36 }, actor: 'ops', reason: 'computed by hand' } });
    expect(res.status).toBe(200);
    const step = (await res.json()) as Record<string, any>;
    expect(step).toMatchObject({ name: 'linear_step_1', state: 'complete', from_state: 'enqueued' });
    expect(step.results.result).toEqual({ value: 36 });
    const next = (await (await h.request('GET', stepPath(task, 'linear_step_2'))).json()) as { state: string };
    expect(next.state).toBe('enqueued');
    const audit = (await (await h.request('GET', `${stepPath(task, 'linear_step_1')}/audit`)).json()) as { transitions: Array<{ to_state: string; metadata: any }> };
    expect(audit.transitions.at(-1)).toMatchObject({ to_state: 'complete', metadata: { action: 'complete_manually', actor: 'ops', reason: 'computed by hand' } });
  });

  it('resolves a step manually by uuid, with the default actor', async () => {
    const task = await createLinear(8);
    const { steps } = (await (await h.request('GET', `/v1/tasks/${task}/workflow_steps`)).json()) as { steps: Array<{ step_uuid: string; name: string }> };
    const res = await h.request('PATCH', stepPath(task, steps[0].step_uuid), { body: { action: 'resolve_manually' } });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { state: string }).state).toBe('resolved_manually');
    const audit = (await (await h.request('GET', `${stepPath(task, steps[0].name)}/audit`)).json()) as { transitions: Array<{ metadata: any }> };
    expect(audit.transitions.at(-1)!.metadata.actor).toBe('http-api');
  });

  it('resets a failed step for retry (attempts back to 0)', async () => {
    const task = await createLinear(10);
    await h.tasker.db.query(`UPDATE workflow_steps SET state = 'error', attempts = 3 WHERE task_uuid = $1 AND name = 'linear_step_1'`, [task]);
    const res = await h.request('PATCH', stepPath(task, 'linear_step_1'), { body: { action: 'reset_for_retry', reason: 'upstream fixed' } });
    expect(res.status).toBe(200);
    const step = (await res.json()) as { state: string; attempts: number; from_state: string };
    expect(step.from_state).toBe('error');
    expect(step.attempts).toBe(0);
    expect(['pending', 'enqueued']).toContain(step.state);
  });

  it('answers 409 for an action the step state does not allow, and 404 for an unknown step or task', async () => {
    const task = await createLinear(12);
    const res = await h.request('PATCH', stepPath(task, 'linear_step_2'), { body: { action: 'reset_for_retry' } });
    expect(res.status).toBe(409);
    const error = await errorOf(res);
    expect([error.code, error.details!.tasker_code]).toEqual(['CONFLICT', 'STATE_TRANSITION_INVALID']);
    expect((await h.request('PATCH', stepPath(task, 'nope'), { body: { action: 'resolve_manually' } })).status).toBe(404);
    expect((await h.request('PATCH', stepPath('01900000-0000-7000-8000-000000000000', 'x'), { body: { action: 'resolve_manually' } })).status).toBe(404);
  });

  it('answers 409 TASK_TERMINAL for a step of a cancelled task', async () => {
    const task = await createLinear(14);
    await h.request('DELETE', `/v1/tasks/${task}`);
    const res = await h.request('PATCH', stepPath(task, 'linear_step_1'), { body: { action: 'resolve_manually' } });
    expect([res.status, (await errorOf(res)).details!.tasker_code]).toEqual([409, 'TASK_TERMINAL']);
  });

  it('requires a JSON object result for complete_manually', async () => {
    const task = await createLinear(16);
    const res = await h.request('PATCH', stepPath(task, 'linear_step_1'), { body: { action: 'complete_manually', result: [1, 2] } });
    expect(res.status).toBe(400);
    expect((await errorOf(res)).details!.violations[0].path).toBe('result');
  });
});

describe('GET /v1/dlq', () => {
  it('lists entries newest first with paging and filters on status and task', async () => {
    const empty = (await (await h.request('GET', '/v1/dlq')).json()) as { entries: unknown[]; pagination: unknown };
    expect(empty).toEqual({ entries: [], pagination: { total: 0, limit: 50, offset: 0 } });
    const a = await createLinear(18);
    const b = await createLinear(20);
    for (const [task, status] of [[a, 'pending'], [b, 'resolved']]) {
      await h.tasker.db.query(`INSERT INTO tasks_dlq (task_uuid, reason, original_state, snapshot, resolution_status) VALUES ($1, 'staleness', 'steps_in_process', '{}', $2)`, [task, status]);
    }
    const all = (await (await h.request('GET', '/v1/dlq?limit=1')).json()) as { entries: Array<Record<string, any>>; pagination: any };
    expect(all.pagination).toEqual({ total: 2, limit: 1, offset: 0 });
    expect(all.entries[0]).toMatchObject({ task_uuid: b, namespace: 'linear_workflow', reason: 'staleness', resolution_status: 'resolved' });
    const open = (await (await h.request('GET', '/v1/dlq?status=pending')).json()) as { entries: Array<{ task_uuid: string }> };
    expect(open.entries.map((e) => e.task_uuid)).toEqual([a]);
    const one = (await (await h.request('GET', `/v1/dlq?task_uuid=${b}`)).json()) as { entries: Array<{ task_uuid: string }> };
    expect(one.entries.map((e) => e.task_uuid)).toEqual([b]);
  });

  it('rejects an unknown status or a malformed task uuid', async () => {
    const res = await h.request('GET', '/v1/dlq?status=open&task_uuid=x');
    expect(res.status).toBe(400);
    expect((await errorOf(res)).details!.violations.map((v: { path: string }) => v.path).sort()).toEqual(['status', 'task_uuid']);
  });
});
