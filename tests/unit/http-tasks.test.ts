import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from './http-harness.ts';

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ maxBodyBytes: 4096 });
});
afterAll(async () => {
  await h?.close();
});

const linear = (even_number: number, extra: Record<string, unknown> = {}) => ({ namespace: 'linear_workflow', name: 'linear_workflow', context: { even_number }, ...extra });
const errorOf = async (res: Response) => ((await res.json()) as { error: { code: string; message: string; details?: Record<string, any> } }).error;

describe('POST /v1/tasks', () => {
  it('creates a task: 201, Location, the task with its counts', async () => {
    const res = await h.request('POST', '/v1/tasks', { body: linear(2, { initiator: 'tests', tags: ['a'], priority: 5, reason: 'because' }) });
    expect(res.status).toBe(201);
    const task = (await res.json()) as Record<string, any>;
    expect(res.headers.get('location')).toBe(`/v1/tasks/${task.task_uuid}`);
    expect(task).toMatchObject({ namespace: 'linear_workflow', name: 'linear_workflow', version: '1.0.0', initiator: 'tests', tags: ['a'], priority: 5, reason: 'because' });
    expect(task.step_counts.total).toBe(4);
    expect((await h.tasker.waitForTask(task.task_uuid)).state).toBe('complete');
  });

  it('lists every problem of an invalid request body', async () => {
    const res = await h.request('POST', '/v1/tasks', { body: { namespace: 7, context: 'x', correlation_id: 'nope', colour: 'red' } });
    expect(res.status).toBe(400);
    const error = await errorOf(res);
    expect(error.code).toBe('BAD_REQUEST');
    expect(error.details!.violations.map((v: { path: string }) => v.path).sort()).toEqual(['colour', 'context', 'correlation_id', 'name', 'namespace']);
  });

  it('says which fields are missing and which are unknown, each in its own words', async () => {
    const res = await h.request('POST', '/v1/tasks', { body: { name: 'linear_workflow', context: [], colour: 'red' } });
    const messages = Object.fromEntries((await errorOf(res)).details!.violations.map((v: { path: string; message: string }) => [v.path, v.message]));
    expect(messages).toEqual({ namespace: 'required field is missing', context: 'expected a JSON object, got an array', colour: 'unknown field' });
  });

  it('answers a body that is an array, a string or null with one "expected an object", not its indexes as unknown fields', async () => {
    for (const [body, got] of [[[linear(2)], 'an array'], [['namespace', 'name'], 'an array'], ['"linear_workflow"', 'a string'], ['null', 'null']] as const) {
      const res = await h.request('POST', '/v1/tasks', { body: typeof body === 'string' ? body : JSON.stringify(body) });
      expect(res.status).toBe(400);
      const error = await errorOf(res);
      expect(error.message).toBe(`invalid task request: (root): expected a JSON object (a task request with namespace, name and context), got ${got}`);
      expect(error.details!.violations).toHaveLength(1);
      expect(error.message).not.toContain('unknown field');
    }
  });

  it("answers 400 with the template's input_schema violations", async () => {
    const res = await h.request('POST', '/v1/tasks', { body: { namespace: 'linear_workflow', name: 'linear_workflow', context: { even_number: 'six' } } });
    expect(res.status).toBe(400);
    const error = await errorOf(res);
    expect(error.details!.tasker_code).toBe('INPUT_INVALID');
    expect(JSON.stringify(error.details!.violations)).toMatch(/even_number/);
  });

  it('answers 404 for an unknown template or version', async () => {
    const res = await h.request('POST', '/v1/tasks', { body: { namespace: 'linear_workflow', name: 'linear_workflow', version: '9.9.9', context: {} } });
    expect(res.status).toBe(404);
    const error = await errorOf(res);
    expect(error.details!.tasker_code).toBe('TEMPLATE_NOT_FOUND');
    expect(error.details!.hint).toMatch(/1\.0\.0/);
  });

  it('answers 409 with the existing uuid for a duplicate idempotency key', async () => {
    const first = await h.request('POST', '/v1/tasks', { body: linear(4, { idempotency_key: 'order-1' }) });
    expect(first.status).toBe(201);
    const { task_uuid } = (await first.json()) as { task_uuid: string };
    const again = await h.request('POST', '/v1/tasks', { body: linear(8, { idempotency_key: 'order-1' }) });
    expect(again.status).toBe(409);
    const error = await errorOf(again);
    expect([error.code, error.details!.existing_task_uuid]).toEqual(['CONFLICT', task_uuid]);
  });

  it('answers 415 for a non-JSON body, 400 for malformed JSON, 413 past max_body_bytes', async () => {
    expect((await h.request('POST', '/v1/tasks', { body: 'namespace=x', headers: { 'content-type': 'application/x-www-form-urlencoded' } })).status).toBe(415);
    const malformed = await h.request('POST', '/v1/tasks', { body: '{"namespace": ' });
    expect([malformed.status, (await errorOf(malformed)).code]).toEqual([400, 'BAD_REQUEST']);
    const big = await h.request('POST', '/v1/tasks', { body: linear(2, { reason: 'x'.repeat(5000) }) });
    expect([big.status, (await errorOf(big)).code]).toEqual([413, 'PAYLOAD_TOO_LARGE']);
  });
});

describe('GET /v1/tasks', () => {
  it('pages newest first and reports the total', async () => {
    for (const n of [10, 12, 14]) expect((await h.request('POST', '/v1/tasks', { body: linear(n) })).status).toBe(201);
    const all = (await (await h.request('GET', '/v1/tasks?namespace=linear_workflow')).json()) as { tasks: any[]; pagination: any };
    expect(all.pagination).toEqual({ total: all.tasks.length, limit: 50, offset: 0 });
    expect(all.tasks.length).toBeGreaterThanOrEqual(5);
    const page = (await (await h.request('GET', '/v1/tasks?limit=2&offset=1')).json()) as { tasks: any[]; pagination: any };
    expect(page.pagination).toEqual({ total: all.pagination.total, limit: 2, offset: 1 });
    expect(page.tasks.map((t) => t.task_uuid)).toEqual(all.tasks.slice(1, 3).map((t) => t.task_uuid));
  });

  it('filters by namespace, name and state', async () => {
    await h.request('POST', '/v1/tasks', { body: { namespace: 'diamond_workflow', name: 'diamond_workflow', context: { even_number: 2 } } });
    const diamond = (await (await h.request('GET', '/v1/tasks?namespace=diamond_workflow')).json()) as { tasks: any[] };
    expect(diamond.tasks.length).toBe(1);
    expect(diamond.tasks.every((t) => t.namespace === 'diamond_workflow')).toBe(true);
    const none = (await (await h.request('GET', '/v1/tasks?name=nothing_like_this')).json()) as { tasks: any[]; pagination: any };
    expect([none.tasks.length, none.pagination.total]).toEqual([0, 0]);
    const cancelled = (await (await h.request('GET', '/v1/tasks?state=cancelled')).json()) as { tasks: any[] };
    expect(cancelled.tasks.every((t) => t.state === 'cancelled')).toBe(true);
  });

  it('rejects bad paging, an unknown state and unknown parameters, naming each', async () => {
    const res = await h.request('GET', '/v1/tasks?limit=0&offset=-1&state=done&status=x');
    expect(res.status).toBe(400);
    const paths = (await errorOf(res)).details!.violations.map((v: { path: string }) => v.path).sort();
    expect(paths).toEqual(['limit', 'offset', 'state', 'status']);
    expect((await h.request('GET', '/v1/tasks?limit=1001')).status).toBe(400);
  });
});

describe('GET /v1/tasks/{uuid}', () => {
  it('returns state, execution status, counts, completion percentage and steps', async () => {
    const { task_uuid } = (await (await h.request('POST', '/v1/tasks', { body: linear(20) })).json()) as { task_uuid: string };
    await h.tasker.waitForTask(task_uuid);
    const res = await h.request('GET', `/v1/tasks/${task_uuid}`);
    expect(res.status).toBe(200);
    const task = (await res.json()) as Record<string, any>;
    expect(task).toMatchObject({ task_uuid, state: 'complete', execution_status: 'all_complete', completion_percentage: 100 });
    expect(task.step_counts).toMatchObject({ total: 4, complete: 4 });
    expect(task.steps.map((s: { name: string }) => s.name)).toEqual(['linear_step_1', 'linear_step_2', 'linear_step_3', 'linear_step_4']);
    expect(task.steps[3].results.result).toEqual({ value: ((20 * 20 + 10) * 3) / 2 });
  });

  it('answers 404 for an unknown or malformed uuid', async () => {
    for (const id of ['01900000-0000-7000-8000-000000000000', 'not-a-uuid']) {
      const res = await h.request('GET', `/v1/tasks/${id}`);
      expect([res.status, (await errorOf(res)).code]).toEqual([404, 'NOT_FOUND']);
    }
  });
});

describe('GET /v1/templates', () => {
  it('lists registered templates', async () => {
    const body = (await (await h.request('GET', '/v1/templates')).json()) as { templates: any[] };
    expect(body.templates).toContainEqual(expect.objectContaining({ namespace: 'linear_workflow', name: 'linear_workflow', version: '1.0.0', steps: 4 }));
  });

  it('returns one template by version or `latest`, and 404 for an unknown one', async () => {
    const one = (await (await h.request('GET', '/v1/templates/linear_workflow/linear_workflow/1.0.0')).json()) as Record<string, any>;
    expect(one.steps.map((s: { name: string }) => s.name)).toContain('linear_step_4');
    expect(one.sourceFile).toBeUndefined();
    expect((await (await h.request('GET', '/v1/templates/linear_workflow/linear_workflow/latest')).json())).toEqual(one);
    const missing = await h.request('GET', '/v1/templates/linear_workflow/nope/1.0.0');
    expect([missing.status, (await errorOf(missing)).code]).toEqual([404, 'NOT_FOUND']);
  });
});

describe('routing', () => {
  it('answers unknown routes with 404 and wrong methods with 405 and Allow, in the error envelope', async () => {
    const missing = await h.request('GET', '/v1/nothing');
    expect([missing.status, (await errorOf(missing)).code]).toEqual([404, 'NOT_FOUND']);
    const wrong = await h.request('PUT', '/v1/tasks');
    expect([wrong.status, wrong.headers.get('allow'), (await errorOf(wrong)).code]).toEqual([405, 'POST, GET, HEAD', 'METHOD_NOT_ALLOWED']);
  });

  it('answers HEAD like GET without a body', async () => {
    const res = await h.request('HEAD', '/v1/templates');
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('');
  });
});
