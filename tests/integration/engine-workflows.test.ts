// The example workflows run end to end through the engine (templates and handlers discovered from
// examples/), dependents see every completed ancestor's result, and parallel branches run in parallel.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Tasker } from '../../src/engine/index.ts';
import { HandlerRegistry, PermanentError, defineHandler } from '../../src/handlers/index.ts';
import { BACKENDS, startTasker, stopAllTaskers, yamlTemplate, type EngineBackend } from '../helpers/engine.ts';

const valuesOf = async (tasker: Tasker, taskUuid: string) =>
  Object.fromEntries((await tasker.getTaskSteps(taskUuid)).map((s) => [s.name, (s.results as { result?: { value?: unknown } } | null)?.result?.value]));

const EXAMPLES: Array<[string, Record<string, number>]> = [
  ['linear_workflow', { linear_step_1: 36, linear_step_2: 46, linear_step_3: 138, linear_step_4: 69 }],
  ['diamond_workflow', { diamond_start: 36, diamond_branch_b: 61, diamond_branch_c: 72, diamond_end: 133 }],
  [
    'tree_workflow',
    {
      tree_root: 36, tree_branch_left: 37, tree_branch_right: 72, tree_leaf_d: 74, tree_leaf_e: 40, tree_leaf_f: 71, tree_leaf_g: 36,
      tree_final_convergence: 221,
    },
  ],
  [
    'mixed_dag_workflow',
    { dag_init: 36, dag_process_left: 41, dag_process_right: 108, dag_validate: 149, dag_transform: 82, dag_analyze: 101, dag_finalize: 332 },
  ],
];

// a → b → c and a → d; `c` and `d` report which results they were given
const ANCESTORS = yamlTemplate(`
name: ancestors
namespace_name: engine_flow
version: 1.0.0
steps:
  - name: a
    handler: { callable: flow_value }
  - name: b
    dependencies: [a]
    handler: { callable: flow_value }
  - name: c
    dependencies: [b]
    handler: { callable: flow_seen }
  - name: d
    dependencies: [a]
    handler: { callable: flow_seen }
`);

// root → (left, right) → join: left and right each wait for the other to have started
const PARALLEL = yamlTemplate(`
name: parallel_fanout
namespace_name: engine_flow
version: 1.0.0
identity_strategy: always_unique
steps:
  - name: root
    handler: { callable: flow_value }
  - name: left
    dependencies: [root]
    handler: { callable: flow_barrier }
    retry: { max_attempts: 1 }
  - name: right
    dependencies: [root]
    handler: { callable: flow_barrier }
    retry: { max_attempts: 1 }
  - name: join
    dependencies: [left, right]
    handler: { callable: flow_seen }
`);

/** Per task: the branch names that have started, and wake-ups for branches waiting on a sibling. */
const barriers = new Map<string, { arrived: Set<string>; waiters: Array<() => void> }>();

function flowRegistry(): HandlerRegistry {
  const registry = new HandlerRegistry();
  registry.register(defineHandler('flow_value', {}, ({ context }) => ({ value: context.stepName })));
  registry.register(
    defineHandler('flow_seen', {}, ({ context }) => ({
      seen: Object.fromEntries(context.getDependencyResultKeys().sort().map((k) => [k, context.getDependencyResult(k)])),
    })),
  );
  // Each branch waits (with a deadline) until the other branch has started too: if the engine ran them one
  // after another, the first would give up and the task would end in error.
  registry.register(
    defineHandler('flow_barrier', {}, async ({ context }) => {
      const b = barriers.get(context.taskUuid) ?? { arrived: new Set<string>(), waiters: [] };
      barriers.set(context.taskUuid, b);
      b.arrived.add(context.stepName);
      for (const w of b.waiters.splice(0)) w();
      const deadline = Date.now() + 10_000;
      while (b.arrived.size < 2) {
        const left = deadline - Date.now();
        if (left <= 0) throw new PermanentError(`${context.stepName}: the sibling branch never started while this one ran`);
        await new Promise<void>((r) => {
          const t = setTimeout(r, left);
          b.waiters.push(() => {
            clearTimeout(t);
            r();
          });
        });
      }
      return { value: context.stepName, together: [...b.arrived].sort() };
    }),
  );
  return registry;
}

describe.each(BACKENDS)('workflows on %s', (_label, open) => {
  let backend: EngineBackend;

  beforeAll(async () => {
    backend = await open();
  });
  afterAll(async () => {
    await stopAllTaskers();
    await backend?.close();
  });

  describe('the example workflows (templates and handlers discovered from examples/)', () => {
    let tasker: Tasker;
    beforeAll(async () => {
      tasker = await startTasker(backend.url, {
        config: { templates: { paths: ['examples/templates'] }, handlers: { paths: ['examples/handlers'] } },
      });
    });

    it.each(EXAMPLES)('%s with even_number 6 completes with the documented values', async (name, expected) => {
      const created = await tasker.createTask({ namespace: name, name, context: { even_number: 6 } });
      const done = await tasker.waitForTask(created.task_uuid, { timeoutMs: 30_000 });
      expect(done.state).toBe('complete');
      expect(done.completed_at).toBeInstanceOf(Date);
      expect(await valuesOf(tasker, created.task_uuid)).toEqual(expected);
      const steps = await tasker.getTaskSteps(created.task_uuid);
      expect(steps.every((s) => s.state === 'complete' && s.attempts === 1)).toBe(true);
    });

    it('an odd input fails the first step permanently and the task ends in error', async () => {
      const created = await tasker.createTask({ namespace: 'linear_workflow', name: 'linear_workflow', context: { even_number: 7 } });
      const done = await tasker.waitForTask(created.task_uuid, { timeoutMs: 30_000 });
      expect(done.state).toBe('error');
      const steps = await tasker.getTaskSteps(created.task_uuid);
      const first = steps.find((s) => s.name === 'linear_step_1')!;
      expect(first).toMatchObject({ state: 'error', attempts: 1 });
      expect((first.results as { error_message: string }).error_message).toMatch(/even_number must be an even number, got 7/);
      expect(steps.filter((s) => s.name !== 'linear_step_1').every((s) => s.state === 'pending' && s.attempts === 0)).toBe(true);
    });
  });

  describe('in-code templates', () => {
    let tasker: Tasker;
    beforeAll(async () => {
      tasker = await startTasker(backend.url, {
        templates: [ANCESTORS, PARALLEL],
        registry: flowRegistry(),
        config: { worker: { max_concurrent_handlers: 4 } },
      });
    });

    it('a dependent sees the results of every completed ancestor, and only of its ancestors', async () => {
      const created = await tasker.createTask({ namespace: 'engine_flow', name: 'ancestors', context: {} });
      expect((await tasker.waitForTask(created.task_uuid, { timeoutMs: 30_000 })).state).toBe('complete');
      const steps = Object.fromEntries((await tasker.getTaskSteps(created.task_uuid)).map((s) => [s.name, (s.results as { result: unknown }).result]));
      // c's parent is b, but a (b's parent) is handed over too; d is not an ancestor of c
      expect(steps.c).toEqual({ seen: { a: { value: 'a' }, b: { value: 'b' } } });
      expect(steps.d).toEqual({ seen: { a: { value: 'a' } } });
    });

    it('parallel branches run at the same time (each waits for the other to start)', async () => {
      const created = await tasker.createTask({ namespace: 'engine_flow', name: 'parallel_fanout', context: {} });
      const done = await tasker.waitForTask(created.task_uuid, { timeoutMs: 30_000 });
      const steps = await tasker.getTaskSteps(created.task_uuid);
      expect(done.state, JSON.stringify(steps.map((s) => [s.name, s.state, s.results]))).toBe('complete');
      const byName = Object.fromEntries(steps.map((s) => [s.name, s]));
      expect((byName.left.results as { result: unknown }).result).toEqual({ value: 'left', together: ['left', 'right'] });
      expect((byName.join.results as { result: unknown }).result).toEqual({
        seen: {
          left: { value: 'left', together: ['left', 'right'] },
          right: { value: 'right', together: ['left', 'right'] },
          root: { value: 'root' },
        },
      });
      // the two branch executions overlapped in time
      expect(byName.left.last_attempted_at!.getTime()).toBeLessThan(byName.right.updated_at.getTime());
      expect(byName.right.last_attempted_at!.getTime()).toBeLessThan(byName.left.updated_at.getTime());
    });
  });
});
