// Decision points (DESIGN §6.7) on PostgreSQL: the conditional_approval example at its thresholds, branch
// closure and deferred convergence, no_branches, rejected outcomes, max_steps_per_decision and idempotency.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Tasker } from '../../src/engine/index.ts';
import { Decision, HandlerRegistry, defineDecisionHandler, defineHandler } from '../../src/handlers/index.ts';
import { createDecisionHook } from '../../src/orchestration/decisions.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/db.ts';
import { startTasker, stopAllTaskers, stopTasker, yamlTemplate } from '../helpers/engine.ts';

// start → choose (decision) → a → a_next, b → b_next; join waits for whichever *_next exist; after_join follows join
const BRANCHING = yamlTemplate(`
name: branching
namespace_name: dyn_decision
version: 1.0.0
steps:
  - name: start
    handler: { callable: dyn_echo }
  - name: choose
    type: decision
    dependencies: [start]
    handler: { callable: dyn_route }
  - name: a
    dependencies: [choose]
    handler: { callable: dyn_echo }
  - name: a_next
    dependencies: [a]
    handler: { callable: dyn_echo }
  - name: b
    dependencies: [choose]
    handler: { callable: dyn_echo }
  - name: b_next
    dependencies: [b]
    handler: { callable: dyn_echo }
  - name: join
    type: deferred_convergence
    dependencies: [a_next, b_next]
    handler: { callable: dyn_echo }
  - name: after_join
    dependencies: [join]
    handler: { callable: dyn_echo }
`);

function registry(): HandlerRegistry {
  const r = new HandlerRegistry();
  r.register(defineHandler('dyn_echo', {}, ({ context }) => ({ seen: Object.keys(context.dependencyResults).sort() })));
  r.register(defineDecisionHandler('dyn_route', {}, ({ context }) => {
    const route = context.getInput<string[] | null>('route');
    return route && route.length ? Decision.route(route) : Decision.skip('nothing to do');
  }));
  return r;
}

let database: TestDatabase;
let tasker: Tasker;

const stepsOf = async (uuid: string) => Object.fromEntries((await tasker.getTaskSteps(uuid)).map((s) => [s.name, s]));
const run = async (namespace: string, name: string, context: Record<string, unknown>) => {
  const task = await tasker.createTask({ namespace, name, context, idempotency_key: `${name}-${JSON.stringify(context)}-${Math.random()}` });
  return tasker.waitForTask(task.task_uuid, { timeoutMs: 30_000 });
};

beforeAll(async () => {
  database = await createTestDatabase('tasker_dyn_decision');
  tasker = await startTasker(database.url, {
    config: { templates: { paths: ['examples/templates'] }, handlers: { paths: ['examples/handlers'] } },
    templates: [BRANCHING],
    registry: registry(),
  });
});

afterAll(async () => {
  await stopAllTaskers();
  await database?.drop();
});

describe('conditional_approval routes by amount', () => {
  it.each([
    [0, ['auto_approve'], ['auto']],
    [999.99, ['auto_approve'], ['auto']],
    [1000, ['manager_approval'], ['manager']],
    [4999.99, ['manager_approval'], ['manager']],
    [5000, ['finance_review', 'manager_approval'], ['finance', 'manager']],
    [25_000, ['finance_review', 'manager_approval'], ['finance', 'manager']],
  ])('amount %s creates %j and finalize_approval lists %j', async (amount, branches, approvals) => {
    const done = await run('conditional_approval', 'conditional_approval', { amount, requester: 'ana' });
    expect(done.state).toBe('complete');
    const steps = await stepsOf(done.task_uuid);
    expect(Object.keys(steps).sort()).toEqual(['finalize_approval', 'routing_decision', 'validate_request', ...branches].sort());
    expect(Object.values(steps).every((s) => s.state === 'complete')).toBe(true);
    expect(steps.finalize_approval.dependencies).toEqual(branches);
    expect((steps.finalize_approval.results as { result: unknown }).result).toEqual({ approved: true, approvals, amount });
  });
});

describe('branch creation', () => {
  it('creates the chosen branch, the steps that follow it alone, and the convergence steps after it', async () => {
    const done = await run('dyn_decision', 'branching', { route: ['a'] });
    expect(done.state).toBe('complete');
    const steps = await stepsOf(done.task_uuid);
    expect(Object.keys(steps).sort()).toEqual(['a', 'a_next', 'after_join', 'choose', 'join', 'start']);
    expect(steps.join.dependencies).toEqual(['a_next']);
    expect(steps.after_join.dependencies).toEqual(['join']);
    expect((steps.after_join.results as { result: { seen: string[] } }).result.seen).toEqual(['a', 'a_next', 'choose', 'join', 'start']);
  });

  it('wires the convergence step to every branch that was created', async () => {
    const done = await run('dyn_decision', 'branching', { route: ['a', 'b'] });
    expect(done.state).toBe('complete');
    const steps = await stepsOf(done.task_uuid);
    expect(Object.keys(steps)).toHaveLength(8);
    expect(steps.join.dependencies).toEqual(['a_next', 'b_next']);
  });

  it('lets a no_branches decision finish the task without creating anything', async () => {
    const done = await run('dyn_decision', 'branching', { route: [] });
    expect(done.state).toBe('complete');
    expect(Object.keys(await stepsOf(done.task_uuid)).sort()).toEqual(['choose', 'start']);
  });

  it('is idempotent: applying the same outcome again creates nothing', async () => {
    const done = await run('dyn_decision', 'branching', { route: ['b'] });
    const before = await tasker.getTaskSteps(done.task_uuid);
    const choose = before.find((s) => s.name === 'choose')!;
    await tasker.db.transaction((tx) =>
      createDecisionHook({ maxStepsPerDecision: 100 })(tx, { ...choose, task_uuid: done.task_uuid }, BRANCHING),
    );
    const after = await tasker.getTaskSteps(done.task_uuid);
    expect(after.map((s) => [s.name, s.state, s.dependencies])).toEqual(before.map((s) => [s.name, s.state, s.dependencies]));
  });
});

describe('rejected outcomes', () => {
  it.each([
    [['start'], `'start'`],
    [['nope'], `'nope'`],
    [['a', 'zzz'], `'zzz'`],
  ])('a decision choosing %j fails permanently, naming the bad step and the allowed ones', async (route, named) => {
    const done = await run('dyn_decision', 'branching', { route });
    expect(done.state).toBe('error');
    const steps = await stepsOf(done.task_uuid);
    expect(Object.keys(steps).sort()).toEqual(['choose', 'start']);
    expect(steps.choose.state).toBe('error');
    const results = steps.choose.results as { success: boolean; error_type: string; error_message: string; retryable: boolean; metadata: { rejected_result: unknown } };
    expect(results.success).toBe(false);
    expect(results.retryable).toBe(false);
    expect(results.error_type).toBe('decision_error');
    expect(results.error_message).toContain(named);
    expect(results.error_message).toContain('allowed: a, a_next, b, b_next, join, after_join');
    expect(results.metadata.rejected_result).toMatchObject({ success: true, result: { decision_point_outcome: { type: 'create_steps', step_names: route } } });
    const audit = await tasker.db.query<{ from_state: string; to_state: string }>(
      `SELECT from_state, to_state FROM workflow_step_transitions WHERE step_uuid = $1 ORDER BY id`, [steps.choose.step_uuid],
    );
    expect(audit.slice(-2).map((t) => `${t.from_state}→${t.to_state}`)).toEqual(['enqueued_for_orchestration→complete', 'complete→error']);
  });
});

describe('orchestration.max_steps_per_decision', () => {
  it('fails a decision whose branches and their followers exceed the limit', async () => {
    await stopTasker(tasker);
    tasker = await startTasker(database.url, { config: { orchestration: { max_steps_per_decision: 4 } }, templates: [BRANCHING], registry: registry() });
    // a, a_next, join, after_join = 4: allowed
    expect((await run('dyn_decision', 'branching', { route: ['a'] })).state).toBe('complete');
    // + b, b_next = 6: refused
    const done = await run('dyn_decision', 'branching', { route: ['a', 'b'] });
    expect(done.state).toBe('error');
    const steps = await stepsOf(done.task_uuid);
    expect((steps.choose.results as { error_message: string }).error_message).toMatch(/would create 6 steps, more than orchestration\.max_steps_per_decision \(4\)/);
    expect(Object.keys(steps).sort()).toEqual(['choose', 'start']);
  });
});
