// Batch processing (DESIGN §6.8) on PostgreSQL: the csv_processing example (1,000 rows, empty file), worker
// inputs and edges, continue_on_failure and fail_fast, max_batch_workers and idempotency.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Tasker } from '../../src/engine/index.ts';
import { HandlerRegistry, PermanentError, defineBatchAnalyzer, defineBatchWorker, defineHandler } from '../../src/handlers/index.ts';
import { createBatchHook } from '../../src/orchestration/batches.ts';
import type { TaskTemplate } from '../../src/templates/types.ts';
import { createTestDatabase, waitFor, type TestDatabase } from '../helpers/db.ts';
import { startTasker, stopAllTaskers, stopTasker, yamlTemplate } from '../helpers/engine.ts';

const batchTemplate = (name: string, strategy: string): TaskTemplate => yamlTemplate(`
name: ${name}
namespace_name: dyn_batch
version: 1.0.0
steps:
  - name: plan
    type: batchable
    handler: { callable: dyn_plan }
    batch_config: { batch_size: 10, worker_template: work, cursor_field: item, failure_strategy: ${strategy} }
  - name: work
    type: batch_worker
    dependencies: [plan]
    handler: { callable: dyn_work }
    retry: { max_attempts: 1 }
  - name: collect
    type: deferred_convergence
    dependencies: [work]
    handler: { callable: dyn_collect }
`);
const CONTINUE = batchTemplate('batch_continue', 'continue_on_failure');
const FAIL_FAST = batchTemplate('batch_fail_fast', 'fail_fast');

// fail_fast bookkeeping: which workers are blocked in their handler, which saw their AbortSignal fire
const running = new Set<string>();
const aborted: string[] = [];

function registry(): HandlerRegistry {
  const r = new HandlerRegistry();
  r.register(defineBatchAnalyzer('dyn_plan', { workerTemplate: 'work' }, ({ context }) => ({
    totalItems: context.getInput<number>('items'),
    workerCount: context.getInput<number>('workers'),
  })));
  r.register(defineBatchWorker('dyn_work', {}, async ({ context, batchContext }) => {
    const id = batchContext!.batchId;
    const failing = context.getInputOr<string[]>('fail', []);
    if (failing.includes(id)) {
      if (context.getInput('block')) await waitFor(() => running.size >= Number(context.getInput<number>('workers')) - 1, { what: 'the other workers to start' });
      throw new PermanentError(`batch ${id} is broken`);
    }
    if (context.getInput('block')) {
      running.add(id);
      await new Promise((resolve) => context.signal.addEventListener('abort', resolve, { once: true }));
      aborted.push(id);
      return { never: 'recorded' };
    }
    return { sum: (batchContext!.startCursor + batchContext!.endCursor - 1) * batchContext!.batchSize / 2 };
  }));
  r.register(defineHandler('dyn_collect', {}, ({ context }) => {
    const workers = Object.entries(context.dependencyResults).filter(([name]) => name.startsWith('work_'));
    return {
      succeeded: workers.filter(([, v]) => (v as { success: boolean }).success).map(([k]) => k).sort(),
      failed: workers.filter(([, v]) => !(v as { success: boolean }).success).map(([k, v]) => [k, (v as { error_message: string }).error_message]),
    };
  }));
  return r;
}

let database: TestDatabase;
let tasker: Tasker;

const stepsOf = async (uuid: string) => Object.fromEntries((await tasker.getTaskSteps(uuid)).map((s) => [s.name, s]));
const run = async (namespace: string, name: string, context: Record<string, unknown>) => {
  const task = await tasker.createTask({ namespace, name, context, idempotency_key: `${name}-${Math.random()}` });
  return tasker.waitForTask(task.task_uuid, { timeoutMs: 30_000 });
};

beforeAll(async () => {
  database = await createTestDatabase('tasker_dyn_batch');
  tasker = await startTasker(database.url, {
    config: { templates: { paths: ['examples/templates'] }, handlers: { paths: ['examples/handlers'] } },
    templates: [CONTINUE, FAIL_FAST],
    registry: registry(),
  });
});

afterAll(async () => {
  await stopAllTaskers();
  await database?.drop();
});

describe('csv_processing', () => {
  it('splits 1,000 rows over 5 workers and aggregates exact totals', async () => {
    const done = await run('csv_processing', 'csv_processing', { csv_file_path: 'examples/data/products.csv' });
    expect(done.state).toBe('complete');
    const steps = await stepsOf(done.task_uuid);
    const workers = ['001', '002', '003', '004', '005'].map((id) => `process_csv_batch_${id}`);
    expect(Object.keys(steps).sort()).toEqual(['aggregate_csv_results', 'analyze_csv', ...workers]);
    expect(steps.aggregate_csv_results.dependencies).toEqual(workers);
    for (const [i, name] of workers.entries()) {
      expect(steps[name].dependencies).toEqual(['analyze_csv']);
      expect(steps[name].template_step_name).toBe('process_csv_batch');
      expect(steps[name].inputs).toEqual({
        cursor: { batch_id: name.slice(-3), start_cursor: i * 200, end_cursor: (i + 1) * 200, batch_size: 200 },
        batch_metadata: { cursor_field: 'row_number', failure_strategy: 'continue_on_failure' },
        is_no_op: false,
        __template_step_name: 'process_csv_batch',
      });
      expect(steps[name].max_attempts).toBe(3);
    }
    expect((steps.aggregate_csv_results.results as { result: unknown }).result).toEqual({
      total_rows: 1000,
      total_inventory_value: 1376405,
      categories: { books: 200, clothing: 200, electronics: 200, home: 200, toys: 200 },
      batch_count: 5,
      worker_count: 5,
      scenario: 'with_batches',
    });
  });

  it('takes the no-batches path for a header-only file: one no-op worker, zero totals', async () => {
    const done = await run('csv_processing', 'csv_processing', { csv_file_path: 'examples/data/empty.csv' });
    expect(done.state).toBe('complete');
    const steps = await stepsOf(done.task_uuid);
    expect(Object.keys(steps).sort()).toEqual(['aggregate_csv_results', 'analyze_csv', 'process_csv_batch_001']);
    expect(steps.process_csv_batch_001.inputs).toMatchObject({ is_no_op: true, __template_step_name: 'process_csv_batch' });
    expect((steps.aggregate_csv_results.results as { result: unknown }).result).toEqual({
      total_rows: 0, total_inventory_value: 0, categories: {}, batch_count: 0, worker_count: 0, scenario: 'no_batches',
    });
  });

  it('is idempotent: applying the batch outcome again creates nothing', async () => {
    const done = await run('csv_processing', 'csv_processing', { csv_file_path: 'examples/data/products.csv' });
    const before = await tasker.getTaskSteps(done.task_uuid);
    const analyze = before.find((s) => s.name === 'analyze_csv')!;
    const template = tasker.templates.find((t) => t.name === 'csv_processing')!;
    await tasker.db.transaction((tx) => createBatchHook({ maxBatchWorkers: 1000 })(tx, { ...analyze, task_uuid: done.task_uuid }, template));
    const after = await tasker.getTaskSteps(done.task_uuid);
    expect(after.map((s) => [s.name, s.state, s.dependencies])).toEqual(before.map((s) => [s.name, s.state, s.dependencies]));
  });
});

describe('failure strategies', () => {
  it('continue_on_failure: a permanently failed worker does not block; the convergence step sees it', async () => {
    const done = await run('dyn_batch', 'batch_continue', { items: 40, workers: 4, fail: ['002'] });
    expect(done.state).toBe('complete');
    const steps = await stepsOf(done.task_uuid);
    expect(steps.work_002.state).toBe('error');
    expect(steps.collect.state).toBe('complete');
    expect((steps.collect.results as { result: unknown }).result).toEqual({
      succeeded: ['work_001', 'work_003', 'work_004'],
      failed: [['work_002', 'batch 002 is broken']],
    });
    expect(done.execution_status).toBe('all_complete');
  });

  it('fail_fast: the first permanent failure cancels the other workers (their handlers are aborted) and fails the task', async () => {
    running.clear();
    aborted.length = 0;
    const done = await run('dyn_batch', 'batch_fail_fast', { items: 40, workers: 4, fail: ['001'], block: true });
    expect(done.state).toBe('error');
    const steps = await stepsOf(done.task_uuid);
    expect(steps.work_001.state).toBe('error');
    for (const id of ['002', '003', '004']) expect(steps[`work_${id}`].state).toBe('cancelled');
    expect(steps.collect.state).toBe('pending');
    await waitFor(() => aborted.length === 3, { what: 'the blocked handlers to see their AbortSignal' });
    expect(aborted.sort()).toEqual(['002', '003', '004']);
    const audit = await tasker.db.query<{ metadata: { reason: string; failed_step: string } }>(
      `SELECT metadata FROM workflow_step_transitions WHERE step_uuid = $1 AND to_state = 'cancelled'`, [steps.work_003.step_uuid],
    );
    expect(audit[0].metadata).toMatchObject({ reason: 'fail_fast', failed_step: 'work_001' });
  });
});

describe('orchestration.max_batch_workers', () => {
  it('fails a batchable step that asks for more workers than allowed', async () => {
    await stopTasker(tasker);
    tasker = await startTasker(database.url, { config: { orchestration: { max_batch_workers: 3 } }, templates: [CONTINUE, FAIL_FAST], registry: registry() });
    expect((await run('dyn_batch', 'batch_continue', { items: 30, workers: 3 })).state).toBe('complete');
    const done = await run('dyn_batch', 'batch_continue', { items: 40, workers: 4 });
    expect(done.state).toBe('error');
    const steps = await stepsOf(done.task_uuid);
    expect(Object.keys(steps)).toEqual(['plan']);
    expect((steps.plan.results as { error_message: string }).error_message).toBe(
      `batchable step 'plan' asked for 4 batch workers, more than orchestration.max_batch_workers (3)`,
    );
  });
});
