// Bulk task creation (issue 16): createTasks writes a whole batch in one statement or nothing, lists every
// refused item (index, code, message), and enqueues each new task's first steps at once.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Tasker } from '../../src/engine/index.ts';
import { TaskerClient } from '../../src/client/index.ts';
import { TaskerError } from '../../src/errors.ts';
import { HandlerRegistry, defineHandler } from '../../src/handlers/index.ts';
import type { BatchItemError } from '../../src/orchestration/task-bulk-creator.ts';
import { postgresBackend, startTasker, stopAllTaskers, yamlTemplate, type EngineBackend } from '../helpers/engine.ts';

const single = yamlTemplate(`
name: bulk_single
namespace_name: engine_bulk
version: 1.0.0
identity_strategy: strict
input_schema:
  type: object
  required: [n]
  properties:
    n: { type: integer, minimum: 0 }
steps:
  - name: only
    handler: { callable: bulk_echo }
`);

const diamond = yamlTemplate(`
name: bulk_diamond
namespace_name: engine_bulk_other
version: 1.0.0
identity_strategy: always_unique
steps:
  - name: start
    handler: { callable: bulk_echo }
  - name: left
    handler: { callable: bulk_echo }
    dependencies: [start]
  - name: right
    handler: { callable: bulk_echo }
    dependencies: [start]
  - name: join
    handler: { callable: bulk_echo }
    dependencies: [left, right]
`);

async function rejection(promise: Promise<unknown>): Promise<TaskerError> {
  try {
    await promise;
  } catch (err) {
    expect(err).toBeInstanceOf(TaskerError);
    return err as TaskerError;
  }
  throw new Error('expected the call to be rejected');
}

describe('bulk task creation on PostgreSQL', () => {
  let backend: EngineBackend;
  let creator: Tasker;
  let runner: Tasker;

  beforeAll(async () => {
    backend = await postgresBackend();
    const registry = new HandlerRegistry();
    registry.register(defineHandler('bulk_echo', {}, ({ context }) => ({ input: context.inputData })));
    // one engine without roles (so created tasks stay as written), one that runs them
    creator = await startTasker(backend.url, {
      templates: [single, diamond], registry, roles: { orchestrator: false, worker: false },
      config: { orchestration: { max_task_input_bytes: 2048 } },
    });
  });
  afterAll(async () => {
    await stopAllTaskers();
    await backend?.close();
  });

  const count = async (sql: string) => (await creator.db.query<{ n: number }>(sql))[0].n;
  const counts = async () => ({
    tasks: await count(`SELECT count(*)::int AS n FROM tasks`),
    steps: await count(`SELECT count(*)::int AS n FROM workflow_steps`),
    edges: await count(`SELECT count(*)::int AS n FROM workflow_step_edges`),
    messages: await count(`SELECT count(*)::int AS n FROM queue_messages`),
    task_transitions: await count(`SELECT count(*)::int AS n FROM task_transitions`),
    step_transitions: await count(`SELECT count(*)::int AS n FROM workflow_step_transitions`),
  });

  it('creates 20,000 tasks in one call, in request order, with their first steps enqueued', async () => {
    const before = await counts();
    const requests = Array.from({ length: 20_000 }, (_, n) => ({ namespace: 'engine_bulk', name: 'bulk_single', context: { n }, initiator: 'bulk-test' }));
    const created = await creator.createTasks(requests);
    expect(created).toHaveLength(20_000);
    expect(created[0]).toMatchObject({ namespace: 'engine_bulk', name: 'bulk_single', version: '1.0.0', state: 'steps_in_process', step_count: 1 });
    const rows = await creator.db.query<{ task_uuid: string; n: number }>(
      `SELECT task_uuid, (context->>'n')::int AS n FROM tasks WHERE task_uuid = ANY($1::uuid[])`, [[created[0].task_uuid, created[12_345].task_uuid, created[19_999].task_uuid]]);
    expect(new Map(rows.map((r) => [r.task_uuid, r.n]))).toEqual(new Map([[created[0].task_uuid, 0], [created[12_345].task_uuid, 12_345], [created[19_999].task_uuid, 19_999]]));
    const after = await counts();
    expect(after.tasks - before.tasks).toBe(20_000);
    expect(after.steps - before.steps).toBe(20_000);
    expect(after.messages - before.messages).toBe(20_000);
    // one task row (null → steps_in_process, via pending, initializing, enqueuing_steps) and one step row (null → enqueued), as single creation writes
    const single = await creator.createTask({ namespace: 'engine_bulk', name: 'bulk_single', context: { n: 1_000_000 } });
    const perTask = await creator.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM task_transitions WHERE task_uuid = $1`, [single.task_uuid]);
    expect((after.task_transitions - before.task_transitions) / 20_000).toBe(perTask[0].n);
    expect((after.step_transitions - before.step_transitions) / 20_000).toBe(1);
    const initiators = await count(`SELECT count(*)::int AS n FROM task_transitions WHERE sort_key = 0 AND metadata->>'initiator' = 'bulk-test'`);
    expect(initiators).toBe(20_000);
  }, 240_000);

  it('writes the steps and edges of several templates and namespaces, enqueuing only the root steps', async () => {
    const before = await counts();
    const created = await creator.createTasks([
      { namespace: 'engine_bulk_other', name: 'bulk_diamond', context: {} },
      { namespace: 'engine_bulk', name: 'bulk_single', context: { n: 2_000_001 } },
      { namespace: 'engine_bulk_other', name: 'bulk_diamond', context: {} },
    ]);
    expect(created.map((t) => t.step_count)).toEqual([4, 1, 4]);
    const after = await counts();
    expect(after.steps - before.steps).toBe(9);
    expect(after.edges - before.edges).toBe(8);
    expect(after.messages - before.messages).toBe(3);
    const enqueued = await creator.db.query<{ name: string }>(`SELECT name FROM workflow_steps WHERE task_uuid = $1 AND state = 'enqueued'`, [created[0].task_uuid]);
    expect(enqueued.map((s) => s.name)).toEqual(['start']);
    const queues = await creator.db.query<{ queue_name: string }>(
      `SELECT DISTINCT queue_name FROM queue_messages WHERE message->>'task_uuid' = ANY($1::text[]) ORDER BY 1`, [created.map((t) => t.task_uuid)]);
    expect(queues.map((q) => q.queue_name)).toEqual(['worker_engine_bulk_other_queue', 'worker_engine_bulk_queue'].sort());
  });

  it('refuses duplicates inside the batch and against existing tasks, naming the index and the existing uuid, and writes nothing', async () => {
    const [existing] = await creator.createTasks([{ namespace: 'engine_bulk', name: 'bulk_single', context: { n: 3_000_000 } }]);
    const before = await counts();
    const err = await rejection(creator.createTasks([
      { namespace: 'engine_bulk', name: 'bulk_single', context: { n: 3_000_001 } },
      { namespace: 'engine_bulk', name: 'bulk_single', context: { n: 3_000_000 } },
      { namespace: 'engine_bulk', name: 'bulk_single', context: { n: 3_000_001 } },
    ]));
    expect(err.code).toBe('TASK_BATCH_REJECTED');
    expect(err.details?.errors).toEqual([
      expect.objectContaining({ index: 1, code: 'TASK_DUPLICATE', details: { existing_task_uuid: existing.task_uuid } }),
      expect.objectContaining({ index: 2, code: 'TASK_DUPLICATE', details: { duplicate_of_index: 0 } }),
    ]);
    // without the in-batch duplicate, the one against the table is found (after the statement refused it)
    const err2 = await rejection(creator.createTasks([
      { namespace: 'engine_bulk', name: 'bulk_single', context: { n: 3_000_001 } },
      { namespace: 'engine_bulk', name: 'bulk_single', context: { n: 3_000_000 } },
    ]));
    expect(err2.code).toBe('TASK_BATCH_REJECTED');
    const errors = err2.details?.errors as BatchItemError[];
    expect(errors).toEqual([{ index: 1, code: 'TASK_DUPLICATE', message: expect.stringContaining(existing.task_uuid), details: { existing_task_uuid: existing.task_uuid } }]);
    expect(err2.message).toContain('#1 TASK_DUPLICATE');
    expect(await counts()).toEqual(before);
  });

  it('refuses a batch with bad items, listing each one with its code, and writes none of the good ones', async () => {
    const before = await counts();
    const err = await rejection(creator.createTasks([
      { namespace: 'engine_bulk', name: 'bulk_single', context: { n: 4_000_000 } },
      { namespace: 'engine_bulk', name: 'bulk_single', context: { n: -1 } },
      { namespace: 'engine_bulk', name: 'no_such_template', context: {} },
      { namespace: 'engine_bulk', name: 'bulk_single', context: { n: 4_000_001, pad: 'x'.repeat(4096) } },
      { namespace: 'engine_bulk', name: 'bulk_single', context: { n: 4_000_002 }, priority: 1.5 },
      { namespace: 'engine_bulk', name: 'bulk_single', context: { n: 4_000_003 } },
    ]));
    expect(err.code).toBe('TASK_BATCH_REJECTED');
    const errors = err.details?.errors as BatchItemError[];
    expect(errors.map((e) => [e.index, e.code])).toEqual([[1, 'INPUT_INVALID'], [2, 'TEMPLATE_NOT_FOUND'], [3, 'INPUT_TOO_LARGE'], [4, 'INPUT_INVALID']]);
    expect(errors[0].message).toContain('input_schema');
    expect(err.message).toMatch(/^4 of 6 task request\(s\) refused, nothing was created/);
    expect(await counts()).toEqual(before);
  });

  it('an empty batch creates nothing; single createTask keeps its own errors', async () => {
    expect(await creator.createTasks([])).toEqual([]);
    const dup = await rejection(creator.createTask({ namespace: 'engine_bulk', name: 'bulk_single', context: { n: 0 } }));
    expect(dup.code).toBe('TASK_DUPLICATE');
    expect(dup.details?.existing_task_uuid).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('TaskerClient.createTasks creates a batch in order, and reports a refused one with its code', async () => {
    const client = new TaskerClient(creator);
    const created = await client.createTasks([
      { namespace: 'engine_bulk', name: 'bulk_single', context: { n: 5_000_000 } },
      { namespace: 'engine_bulk', name: 'bulk_single', context: { n: 5_000_001 } },
    ]);
    expect(created.map((t) => [t.status, t.step_count])).toEqual([['steps_in_process', 1], ['steps_in_process', 1]]);
    expect((await client.getTask(created[1].task_uuid)).context).toEqual({ n: 5_000_001 });
    await expect(client.createTasks([{ namespace: 'engine_bulk', name: 'bulk_single', context: { n: 5_000_000 } }])).rejects.toMatchObject({ code: 'TASK_BATCH_REJECTED', recoverable: false });
  });

  it('tasks created in bulk run to completion on an engine with roles', async () => {
    const registry = new HandlerRegistry();
    registry.register(defineHandler('bulk_echo', {}, ({ context }) => ({ input: context.inputData })));
    runner = await startTasker(backend.url, { templates: [single, diamond], registry });
    const created = await runner.createTasks(Array.from({ length: 5 }, () => ({ namespace: 'engine_bulk_other', name: 'bulk_diamond', context: {} })));
    for (const t of created) expect((await runner.waitForTask(t.task_uuid, { timeoutMs: 180_000 })).state).toBe('complete');
  }, 240_000);
});
