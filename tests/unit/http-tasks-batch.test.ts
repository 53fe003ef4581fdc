// POST /v1/tasks/batch: many tasks in one request, all created or none, with per-item errors.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from './http-harness.ts';

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ web: { max_batch_tasks: 5 } });
});
afterAll(async () => {
  await h?.close();
});

const linear = (even_number: number, extra: Record<string, unknown> = {}) => ({ namespace: 'linear_workflow', name: 'linear_workflow', context: { even_number }, ...extra });
const errorOf = async (res: Response) => ((await res.json()) as { error: { code: string; message: string; details?: Record<string, any> } }).error;
const taskCount = async () => (await h.tasker.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM tasks`))[0].n;

describe('POST /v1/tasks/batch', () => {
  it('creates every task: 201 with the created tasks in request order, which then run', async () => {
    const res = await h.request('POST', '/v1/tasks/batch', { body: { tasks: [linear(1002), linear(1004, { initiator: 'batch' }), linear(1006)] } });
    expect(res.status).toBe(201);
    const { tasks } = (await res.json()) as { tasks: Array<Record<string, any>> };
    expect(tasks).toHaveLength(3);
    expect(tasks[0]).toMatchObject({ namespace: 'linear_workflow', name: 'linear_workflow', version: '1.0.0', step_count: 4 });
    const contexts = await Promise.all(tasks.map(async (t) => (await h.tasker.getTask(t.task_uuid)).context));
    expect(contexts).toEqual([{ even_number: 1002 }, { even_number: 1004 }, { even_number: 1006 }]);
    for (const t of tasks) expect((await h.tasker.waitForTask(t.task_uuid, { timeoutMs: 60_000 })).state).toBe('complete');
  });

  it('answers 422 listing each bad item (shape or input_schema) by index, and creates nothing', async () => {
    const before = await taskCount();
    const res = await h.request('POST', '/v1/tasks/batch', { body: { tasks: [linear(2002), { namespace: 'linear_workflow', colour: 'red', context: {} }, linear(2004)] } });
    expect(res.status).toBe(422);
    const error = await errorOf(res);
    expect(error.code).toBe('UNPROCESSABLE');
    expect(error.details!.tasker_code).toBe('TASK_BATCH_REJECTED');
    expect(error.details!.errors).toEqual([expect.objectContaining({ index: 1, code: 'INPUT_INVALID' })]);
    expect(error.details!.errors[0].details.violations.map((v: { path: string }) => v.path).sort()).toEqual(['colour', 'name']);

    const schema = await h.request('POST', '/v1/tasks/batch', { body: { tasks: [linear(2006), { namespace: 'linear_workflow', name: 'linear_workflow', context: { even_number: 'six' } }, { namespace: 'nope', name: 'nope', context: {} }] } });
    expect(schema.status).toBe(422);
    expect((await errorOf(schema)).details!.errors.map((e: { index: number; code: string }) => [e.index, e.code])).toEqual([[1, 'INPUT_INVALID'], [2, 'TEMPLATE_NOT_FOUND']]);
    expect(await taskCount()).toBe(before);
  });

  it('answers 409 when the only problems are duplicates, naming the existing task', async () => {
    const first = await h.request('POST', '/v1/tasks/batch', { body: { tasks: [linear(3002)] } });
    const [existing] = ((await first.json()) as { tasks: Array<{ task_uuid: string }> }).tasks;
    const before = await taskCount();
    const res = await h.request('POST', '/v1/tasks/batch', { body: { tasks: [linear(3004), linear(3002)] } });
    expect(res.status).toBe(409);
    const error = await errorOf(res);
    expect(error.code).toBe('CONFLICT');
    expect(error.details!.errors).toEqual([expect.objectContaining({ index: 1, code: 'TASK_DUPLICATE', details: { existing_task_uuid: existing.task_uuid } })]);
    expect(await taskCount()).toBe(before);
  });

  it('answers 413 beyond [web] max_batch_tasks and 400 for a body that is not {tasks: [...]}', async () => {
    const big = await h.request('POST', '/v1/tasks/batch', { body: { tasks: Array.from({ length: 6 }, (_, i) => linear(4000 + 2 * i)) } });
    expect(big.status).toBe(413);
    expect((await errorOf(big)).message).toBe('a batch holds at most 5 tasks ([web] max_batch_tasks), got 6');
    for (const body of [[linear(2)], { tasks: linear(2) }, { tasks: [], extra: 1 }]) {
      const res = await h.request('POST', '/v1/tasks/batch', { body });
      expect(res.status).toBe(400);
      expect((await errorOf(res)).message).toMatch(/^invalid task batch: /);
    }
    const empty = await h.request('POST', '/v1/tasks/batch', { body: { tasks: [] } });
    expect(empty.status).toBe(201);
    expect(await empty.json()).toEqual({ tasks: [] });
  });

  it('is in the OpenAPI document', async () => {
    const doc = (await (await h.request('GET', '/openapi.json')).json()) as { paths: Record<string, Record<string, { operationId: string; responses: Record<string, unknown> }>> };
    expect(doc.paths['/v1/tasks/batch'].post.operationId).toBe('createTasks');
    expect(Object.keys(doc.paths['/v1/tasks/batch'].post.responses)).toEqual(expect.arrayContaining(['201', '409', '413', '422']));
  });
});
