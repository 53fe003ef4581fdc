// End to end on real PostgreSQL: handler files written for the original TypeScript worker (examples/index with
// ALL_EXAMPLE_HANDLERS, dsl_examples/index with ALL_DSL_HANDLERS) run unchanged but for the import line, with
// original-format templates (version "1.0", lifecycle fields, handler.method, resolver: class_lookup), and the
// original TaskerClient drives them in-process and over HTTP.
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Tasker } from '../../src/engine/index.ts';
import { TaskerClient, TaskerClientError, getTaskerClient, type Logger } from '../../src/index.ts';
import { createHttpApp, startHttpServer } from '../../src/http/index.ts';
import { getRuntime, type ServerHandle } from '../../src/runtime/index.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/db.ts';
import { ROOT, startTasker, stopAllTaskers } from '../helpers/engine.ts';

const FIXTURE = resolve(ROOT, 'tests/fixtures/original-worker');
const KEY = 'compat-test-key';
const lines: Array<{ level: string; message: string; fields?: Record<string, unknown> }> = [];
const capture = (level: string) => (message: string, fields?: Record<string, unknown>) => void lines.push({ level, message, fields });
const logger: Logger = { debug: capture('debug'), info: capture('info'), warn: capture('warn'), error: capture('error'), child: () => logger };

let database: TestDatabase;
let tasker: Tasker;
let server: ServerHandle;

beforeAll(async () => {
  database = await createTestDatabase('tasker_compat');
  tasker = await startTasker(database.url, {
    logger,
    config: { templates: { paths: [resolve(FIXTURE, 'templates')] }, handlers: { paths: [resolve(FIXTURE, 'handlers')] }, web: { auth: { api_key: KEY } } },
  });
  const runtime = await getRuntime();
  server = await startHttpServer(createHttpApp({ tasker, runtime }), runtime, '127.0.0.1:0');
});

afterAll(async () => {
  await server?.close();
  await stopAllTaskers();
  await database?.drop();
});

describe('original-worker handler files', () => {
  it('are discovered from examples/index and dsl_examples/index', () => {
    expect(tasker.handlers.map((h) => h.name).sort()).toEqual([
      'Compat.BatchAggregator', 'Compat.BatchAnalyzer', 'Compat.BatchWorker', 'Compat.Multi', 'Compat.Router', 'CompatDsl.FastPath', 'CompatDsl.SlowPath',
    ]);
  });

  it('run a batch workflow with createCursorConfigs / batchSuccess, applyBatchable workers and aggregateWorkerResults', async () => {
    const client = getTaskerClient();
    const task = await client.createTask({ name: 'batch_import', namespace: 'compat_batch', context: { total_items: 10 } });
    expect(task).toMatchObject({ namespace: 'compat_batch', version: '1.0', status: expect.any(String), initiator: 'tasker-core-typescript', source_system: 'tasker-core' });
    expect((await tasker.waitForTask(task.task_uuid, { timeoutMs: 30_000 })).state).toBe('complete');
    const steps = await client.listTaskSteps(task.task_uuid);
    expect(steps.map((s) => s.name).sort()).toEqual(['aggregate', 'analyze', 'process_batch_001', 'process_batch_002', 'process_batch_003']);
    const worker = steps.find((s) => s.name === 'process_batch_003')!;
    expect(worker.results?.result).toMatchObject({ batch_worker_outcome: { items_processed: 2, items_succeeded: 2, last_cursor: 9 } });
    const aggregate = await client.getStep(task.task_uuid, steps.find((s) => s.name === 'aggregate')!.step_uuid);
    expect(aggregate).toMatchObject({ current_state: 'complete', dependencies_satisfied: true, total_parents: 3, completed_parents: 3 });
    expect(aggregate.results?.result).toMatchObject({ total_processed: 10, total_succeeded: 10, batch_count: 3, success_rate: 1, error_count: 0 });
    expect(lines).toContainEqual(expect.objectContaining({ level: 'info', message: 'aggregated batch results', fields: expect.objectContaining({ batch_count: 3 }) }));
  });

  it('run an analyzer written with createBatchOutcome / batchAnalyzerSuccess, and the no-batches path', async () => {
    const viaOutcome = await tasker.createTask({ namespace: 'compat_batch', name: 'batch_import', context: { total_items: 9, mode: 'outcome' } });
    expect((await tasker.waitForTask(viaOutcome.task_uuid, { timeoutMs: 30_000 })).state).toBe('complete');
    const names = (await tasker.getTaskSteps(viaOutcome.task_uuid)).map((s) => s.name).sort();
    expect(names).toEqual(['aggregate', 'analyze', 'process_batch_001', 'process_batch_002', 'process_batch_003']);
    const empty = await tasker.createTask({ namespace: 'compat_batch', name: 'batch_import', context: { total_items: 0 } });
    expect((await tasker.waitForTask(empty.task_uuid, { timeoutMs: 30_000 })).state).toBe('complete');
    const noOp = (await tasker.getTaskSteps(empty.task_uuid)).find((s) => s.name.startsWith('process_batch_'));
    expect((noOp?.results as { result: Record<string, unknown> }).result).toMatchObject({ no_op: true, message: 'No batches to process' });
  });

  it('dispatch handler.method, fall back to call() with a warning, resolve class_lookup paths and route decisions', async () => {
    const client = getTaskerClient(tasker);
    const task = await client.createTask({ name: 'routing', namespace: 'compat_routing', context: { amount: 42 } });
    expect((await tasker.waitForTask(task.task_uuid, { timeoutMs: 30_000 })).state).toBe('complete');
    const byName = Object.fromEntries((await client.listTaskSteps(task.task_uuid)).map((s) => [s.name, s]));
    expect(byName.validate.results?.result).toEqual({ invoked_method: 'validate', amount: 42 });
    expect(byName.audit.results?.result).toEqual({ invoked_method: 'call' });
    expect(byName.standalone.results?.result).toEqual({ via: 'class_lookup' });
    expect(byName.route.results?.result).toMatchObject({ decision_point_outcome: { type: 'create_steps', step_names: ['fast_path'] }, routing_context: { amount: 42 } });
    expect(byName.fast_path.results?.result).toEqual({ path: 'fast', routed: true });
    expect(byName.slow_path).toBeUndefined();
    expect(lines.filter((l) => l.level === 'warn' && l.message.includes("has no method 'teleport'"))).toHaveLength(1);
    expect(lines).toContainEqual(expect.objectContaining({ message: 'multi call ran', fields: expect.objectContaining({ handler: 'Compat.Multi' }) }));
  });
});

describe('TaskerClient', () => {
  it('answers in-process with the original response shapes', async () => {
    const client = getTaskerClient();
    const created = await client.createTask({ name: 'batch_import', namespace: 'compat_batch', context: { total_items: 3 }, tags: ['t'], idempotencyKey: 'in-process-1' });
    await tasker.waitForTask(created.task_uuid, { timeoutMs: 30_000 });
    const task = await client.getTask(created.task_uuid);
    expect(task).toMatchObject({ status: 'complete', execution_status: 'all_complete', completion_percentage: 100, tags: ['t'], recommended_action: 'finalize_task', health_status: 'healthy' });
    expect(task.steps.every((s) => s.current_state === 'complete' && s.task_uuid === created.task_uuid)).toBe(true);
    expect(typeof task.created_at).toBe('string');
    const page = await client.listTasks({ namespace: 'compat_batch', limit: 1 });
    expect(page.pagination).toMatchObject({ limit: 1, offset: 0, has_more: true });
    expect(page.tasks).toHaveLength(1);
    const analyze = task.steps.find((s) => s.name === 'analyze')!;
    const audit = await client.getStepAuditHistory(created.task_uuid, analyze.workflow_step_uuid);
    expect(audit.map((a) => a.to_state)).toEqual(['enqueued', 'in_progress', 'enqueued_for_orchestration', 'complete']);
    expect(audit[1]).toMatchObject({ step_name: 'analyze', from_state: 'enqueued', worker_uuid: tasker.workerId, success: false });
    expect(audit[3]).toMatchObject({ success: true, result: expect.objectContaining({ success: true }) });
    expect(await client.healthCheck()).toEqual({ healthy: true });
    const err = await client.getTask('0192f2a4-0000-7000-8000-000000000000').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TaskerClientError);
    expect(err).toMatchObject({ code: 'TASK_NOT_FOUND', recoverable: false });
  });

  it('answers over HTTP with the same shapes and error codes', async () => {
    const client = new TaskerClient({ url: `http://127.0.0.1:${server.port}`, apiKey: KEY });
    const created = await client.createTask({ name: 'batch_import', namespace: 'compat_batch', context: { total_items: 4 } });
    await tasker.waitForTask(created.task_uuid, { timeoutMs: 30_000 });
    const local = await getTaskerClient().getTask(created.task_uuid);
    const remote = await client.getTask(created.task_uuid);
    expect(remote).toEqual(local);
    const steps = await client.listTaskSteps(created.task_uuid);
    expect(await client.getStep(created.task_uuid, steps[0].step_uuid)).toEqual(steps[0]);
    expect((await client.getStepAuditHistory(created.task_uuid, steps[0].step_uuid)).length).toBeGreaterThan(2);
    expect(await client.healthCheck()).toEqual({ healthy: true });
    expect((await client.listTasks({ status: 'complete', namespace: 'compat_batch' })).tasks.every((t) => t.status === 'complete')).toBe(true);

    const pending = await client.createTask({ name: 'batch_import', namespace: 'nope', context: {} }).catch((e: unknown) => e);
    expect(pending).toMatchObject({ name: 'TaskerClientError', code: 'TEMPLATE_NOT_FOUND', status: 404, recoverable: false });
    const unauthorized = await new TaskerClient({ url: `http://127.0.0.1:${server.port}` }).getTask(created.task_uuid).catch((e: unknown) => e);
    expect(unauthorized).toMatchObject({ status: 401, recoverable: false });
    const unreachable = await new TaskerClient({ url: 'http://127.0.0.1:9' }).getTask(created.task_uuid).catch((e: unknown) => e);
    expect(unreachable).toMatchObject({ recoverable: true });
  });

  it('cancels a task in-process', async () => {
    const client = getTaskerClient();
    const routing = await client.createTask({ name: 'routing', namespace: 'compat_routing', context: {}, idempotencyKey: 'cancel-me' });
    await client.cancelTask(routing.task_uuid);
    expect((await client.getTask(routing.task_uuid)).status).toMatch(/cancelled|complete/);
  });
});
