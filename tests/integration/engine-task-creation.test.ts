// Task creation through the engine (DESIGN §6.4): input validation, identity strategies and duplicates,
// template lookup by version.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Tasker } from '../../src/engine/index.ts';
import { TaskerError } from '../../src/errors.ts';
import { HandlerRegistry, defineHandler } from '../../src/handlers/index.ts';
import { BACKENDS, startTasker, stopAllTaskers, yamlTemplate, type EngineBackend } from '../helpers/engine.ts';

const orderTemplate = (identity: string, name = `order_${identity}`) =>
  yamlTemplate(`
name: ${name}
namespace_name: engine_create
version: 1.0.0
identity_strategy: ${identity}
input_schema:
  type: object
  required: [order_id, amount]
  properties:
    order_id: { type: integer, minimum: 1 }
    amount: { type: number }
    currency: { type: string, minLength: 3, maxLength: 3 }
steps:
  - name: echo
    handler: { callable: create_echo }
`);

const versioned = (version: string) =>
  yamlTemplate(`
name: versioned
namespace_name: engine_create
version: ${version}
identity_strategy: always_unique
steps:
  - name: which
    handler:
      callable: create_echo
      initialization: { version: "${version}" }
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

describe.each(BACKENDS)('task creation on %s', (_label, open) => {
  let backend: EngineBackend;
  let tasker: Tasker;

  beforeAll(async () => {
    backend = await open();
    const registry = new HandlerRegistry();
    registry.register(defineHandler('create_echo', {}, ({ context }) => ({ version: context.stepConfig.version ?? null, input: context.inputData })));
    tasker = await startTasker(backend.url, {
      // 1.10.0 is the latest: versions compare numerically, not as text
      templates: [orderTemplate('strict'), orderTemplate('caller_provided'), orderTemplate('always_unique'), versioned('1.0.0'), versioned('1.10.0'), versioned('1.2.0')],
      registry,
    });
  });
  afterAll(async () => {
    await stopAllTaskers();
    await backend?.close();
  });

  const taskCount = async () => (await tasker.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM tasks`))[0].n;

  it('creates a task, enqueues its first step at once and runs it', async () => {
    const created = await tasker.createTask({ namespace: 'engine_create', name: 'order_strict', context: { order_id: 1, amount: 9.5 }, initiator: 'test' });
    expect(created).toMatchObject({ namespace: 'engine_create', name: 'order_strict', version: '1.0.0', step_count: 1 });
    expect(created.task_uuid).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    const done = await tasker.waitForTask(created.task_uuid, { timeoutMs: 30_000 });
    expect(done).toMatchObject({ state: 'complete', initiator: 'test', context: { order_id: 1, amount: 9.5 } });
  });

  it('rejects invalid input with INPUT_INVALID listing every schema violation, and creates nothing', async () => {
    const before = await taskCount();
    const err = await rejection(
      tasker.createTask({ namespace: 'engine_create', name: 'order_strict', context: { order_id: 0, currency: 'EURO', extra: true } }),
    );
    expect(err.code).toBe('INPUT_INVALID');
    const violations = err.details?.violations as Array<{ path: string; message: string }>;
    // one violation per problem: the missing field, the too-small id, the too-long currency
    expect(violations.map((v) => v.path).sort()).toEqual(['amount', 'currency', 'order_id']);
    for (const v of violations) expect(err.message).toContain(`${v.path} ${v.message}`);
    expect(await taskCount()).toBe(before);
  });

  it('rejects a second task with the same identity with TASK_DUPLICATE carrying the existing uuid', async () => {
    const first = await tasker.createTask({ namespace: 'engine_create', name: 'order_strict', context: { order_id: 2, amount: 1 } });
    // same input, keys in another order: same identity
    const err = await rejection(tasker.createTask({ namespace: 'engine_create', name: 'order_strict', context: { amount: 1, order_id: 2 } }));
    expect(err.code).toBe('TASK_DUPLICATE');
    expect(err.details?.existing_task_uuid).toBe(first.task_uuid);
    expect(err.message).toContain(first.task_uuid);
    // a different input is a different task
    const other = await tasker.createTask({ namespace: 'engine_create', name: 'order_strict', context: { order_id: 3, amount: 1 } });
    expect(other.task_uuid).not.toBe(first.task_uuid);
  });

  it('dedupes on idempotency_key whatever the input, and requires one for caller_provided templates', async () => {
    const first = await tasker.createTask({ namespace: 'engine_create', name: 'order_caller_provided', context: { order_id: 4, amount: 1 }, idempotency_key: 'k-1' });
    const err = await rejection(
      tasker.createTask({ namespace: 'engine_create', name: 'order_caller_provided', context: { order_id: 5, amount: 2 }, idempotency_key: 'k-1' }),
    );
    expect(err).toMatchObject({ code: 'TASK_DUPLICATE', details: { existing_task_uuid: first.task_uuid } });
    const missing = await rejection(tasker.createTask({ namespace: 'engine_create', name: 'order_caller_provided', context: { order_id: 6, amount: 1 } }));
    expect(missing.code).toBe('INPUT_INVALID');
    expect(missing.message).toMatch(/idempotency_key/);
    // the key wins over a strict template's input hash too
    const a = await tasker.createTask({ namespace: 'engine_create', name: 'order_strict', context: { order_id: 7, amount: 1 }, idempotency_key: 'k-2' });
    const dup = await rejection(tasker.createTask({ namespace: 'engine_create', name: 'order_strict', context: { order_id: 8, amount: 1 }, idempotency_key: 'k-2' }));
    expect(dup.details?.existing_task_uuid).toBe(a.task_uuid);
  });

  it('always_unique allows the same input again', async () => {
    const input = { order_id: 9, amount: 1 };
    const a = await tasker.createTask({ namespace: 'engine_create', name: 'order_always_unique', context: input });
    const b = await tasker.createTask({ namespace: 'engine_create', name: 'order_always_unique', context: input });
    expect(a.task_uuid).not.toBe(b.task_uuid);
    for (const t of [a, b]) expect((await tasker.waitForTask(t.task_uuid, { timeoutMs: 30_000 })).state).toBe('complete');
  });

  it('an unknown template, namespace or version is TEMPLATE_NOT_FOUND', async () => {
    for (const req of [
      { namespace: 'engine_create', name: 'no_such_template' },
      { namespace: 'no_such_namespace', name: 'versioned' },
    ]) {
      expect((await rejection(tasker.createTask({ ...req, context: {} }))).code).toBe('TEMPLATE_NOT_FOUND');
    }
    const err = await rejection(tasker.createTask({ namespace: 'engine_create', name: 'versioned', version: '9.9.9', context: {} }));
    expect(err.code).toBe('TEMPLATE_NOT_FOUND');
    expect(err.message).toContain('9.9.9');
    expect(err.hint).toMatch(/1\.10\.0, 1\.2\.0, 1\.0\.0/);
  });

  it('picks the latest version when none is given, and the asked one when given', async () => {
    const latest = await tasker.createTask({ namespace: 'engine_create', name: 'versioned', context: {} });
    expect(latest.version).toBe('1.10.0');
    const older = await tasker.createTask({ namespace: 'engine_create', name: 'versioned', version: '1.2.0', context: {} });
    expect(older.version).toBe('1.2.0');
    for (const [t, version] of [[latest, '1.10.0'], [older, '1.2.0']] as const) {
      await tasker.waitForTask(t.task_uuid, { timeoutMs: 30_000 });
      const [step] = await tasker.getTaskSteps(t.task_uuid);
      expect(step.results).toMatchObject({ success: true, result: { version } });
    }
  });
});
