// Manual step actions (DESIGN §6.11) on PostgreSQL: a task in `error` runs on after reset_for_retry,
// resolve_manually or complete_manually (whose result dependents read), every action audited; clear errors.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Tasker } from '../../src/engine/index.ts';
import { isTaskerError } from '../../src/errors.ts';
import { HandlerRegistry, PermanentError, defineHandler } from '../../src/handlers/index.ts';
import { applyStepAction } from '../../src/orchestration/step-actions.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/db.ts';
import { startTasker, stopAllTaskers, yamlTemplate } from '../helpers/engine.ts';

// a fails for good unless the task input says `heal_after_reset` and it was reset; b reads a's value
const FRAGILE = yamlTemplate(`
name: fragile
namespace_name: ops_actions
version: 1.0.0
steps:
  - name: a
    handler: { callable: ops_a }
    retry: { max_attempts: 1 }
  - name: b
    dependencies: [a]
    handler: { callable: ops_b }
`);

let database: TestDatabase;
let tasker: Tasker;

beforeAll(async () => {
  database = await createTestDatabase('tasker_ops_actions');
  const registry = new HandlerRegistry();
  registry.register(defineHandler('ops_a', {}, async ({ context }) => {
    const resets = await tasker.db.query(`SELECT 1 FROM workflow_step_transitions WHERE step_uuid = $1 AND from_state = 'error' AND to_state = 'pending'`, [context.stepUuid]);
    if (resets.length === 0) throw new PermanentError('a is broken');
    return { value: 7 };
  }));
  registry.register(defineHandler('ops_b', {}, ({ context }) => ({ a_value: context.getDependencyResult('a')?.value ?? null })));
  tasker = await startTasker(database.url, { templates: [FRAGILE], registry });
});

afterAll(async () => {
  await stopAllTaskers();
  await database?.drop();
});

const failedTask = async () => {
  const task = await tasker.createTask({ namespace: 'ops_actions', name: 'fragile', context: {}, idempotency_key: String(Math.random()) });
  const done = await tasker.waitForTask(task.task_uuid);
  expect(done.state).toBe('error');
  return task.task_uuid;
};
const steps = async (uuid: string) => Object.fromEntries((await tasker.getTaskSteps(uuid)).map((s) => [s.name, s]));
const lastTransition = async (table: 'task_transitions' | 'workflow_step_transitions', column: string, id: string, to: string) =>
  (await tasker.db.query<{ from_state: string; metadata: Record<string, unknown> }>(
    `SELECT from_state, metadata FROM ${table} WHERE ${column} = $1 AND to_state = $2 ORDER BY id DESC LIMIT 1`, [id, to]))[0];

describe('step actions revive a failed task', () => {
  it('reset_for_retry: error → pending with attempts 0, the step runs again and the task completes', async () => {
    const uuid = await failedTask();
    const result = await tasker.stepAction(uuid, 'a', { action: 'reset_for_retry', actor: 'ana', reason: 'fixed the upstream' });
    expect(result).toMatchObject({ from_state: 'error', to_state: 'pending', step_name: 'a' });
    const done = await tasker.waitForTask(uuid);
    expect(done.state).toBe('complete');
    const s = await steps(uuid);
    expect(s.a.attempts).toBe(1);
    expect((s.b.results as { result: unknown }).result).toEqual({ a_value: 7 });
    expect(await lastTransition('workflow_step_transitions', 'step_uuid', s.a.step_uuid, 'pending')).toEqual({
      from_state: 'error', metadata: { action: 'reset_for_retry', actor: 'ana', reason: 'fixed the upstream' },
    });
    expect(await lastTransition('task_transitions', 'task_uuid', uuid, 'pending')).toEqual({
      from_state: 'error', metadata: { action: 'reset_for_retry', actor: 'ana', reason: 'fixed the upstream', step: 'a' },
    });
  });

  it('complete_manually: stores the given result as a StepHandlerResult that dependents read', async () => {
    const uuid = await failedTask();
    const s0 = await steps(uuid);
    await tasker.stepAction(uuid, s0.a.step_uuid, { action: 'complete_manually', actor: 'bo', reason: 'done by hand', result: { value: 42 } });
    expect((await tasker.waitForTask(uuid)).state).toBe('complete');
    const s = await steps(uuid);
    expect(s.a.state).toBe('complete');
    expect(s.a.results).toMatchObject({ success: true, result: { value: 42 }, metadata: { manual: true, actor: 'bo', reason: 'done by hand' } });
    expect((s.b.results as { result: unknown }).result).toEqual({ a_value: 42 });
  });

  it('resolve_manually: satisfies dependents without a result of its own', async () => {
    const uuid = await failedTask();
    await tasker.stepAction(uuid, 'a', { action: 'resolve_manually', actor: 'cy', reason: 'not needed' });
    expect((await tasker.waitForTask(uuid)).state).toBe('complete');
    const s = await steps(uuid);
    expect(s.a.state).toBe('resolved_manually');
    expect((s.b.results as { result: unknown }).result).toEqual({ a_value: null });
    expect((await lastTransition('workflow_step_transitions', 'step_uuid', s.a.step_uuid, 'resolved_manually')).metadata).toEqual({ action: 'resolve_manually', actor: 'cy', reason: 'not needed' });
  });
});

describe('step action errors', () => {
  it('names the current state and the allowed ones for an invalid move', async () => {
    const uuid = await failedTask();
    await tasker.stepAction(uuid, 'a', { action: 'resolve_manually' });
    await tasker.waitForTask(uuid);
    const err = await applyStepAction(tasker.db, uuid, 'a', { action: 'reset_for_retry' }).catch((e: unknown) => e);
    expect(isTaskerError(err, 'TASK_TERMINAL')).toBe(true);

    const other = await failedTask();
    const bad = await applyStepAction(tasker.db, other, 'b', { action: 'reset_for_retry' }).catch((e: unknown) => e);
    expect(isTaskerError(bad, 'STATE_TRANSITION_INVALID')).toBe(true);
    expect((bad as Error).message).toBe(`cannot reset_for_retry step 'b': it is pending; reset_for_retry applies to steps in state error`);
  });

  it('reports unknown steps, tasks and actions, and complete_manually without a result', async () => {
    const uuid = await failedTask();
    const noStep = await applyStepAction(tasker.db, uuid, 'nope', { action: 'resolve_manually' }).catch((e: unknown) => e);
    expect(isTaskerError(noStep, 'STEP_NOT_FOUND')).toBe(true);
    expect((noStep as { hint: string }).hint).toBe('its steps: a, b');
    const noTask = await applyStepAction(tasker.db, '0192f2a4-0000-7000-8000-000000000000', 'a', { action: 'resolve_manually' }).catch((e: unknown) => e);
    expect(isTaskerError(noTask, 'TASK_NOT_FOUND')).toBe(true);
    const noResult = await applyStepAction(tasker.db, uuid, 'a', { action: 'complete_manually' }).catch((e: unknown) => e);
    expect(isTaskerError(noResult, 'INPUT_INVALID')).toBe(true);
    const noAction = await applyStepAction(tasker.db, uuid, 'a', { action: 'explode' as never }).catch((e: unknown) => e);
    expect(isTaskerError(noAction, 'INPUT_INVALID')).toBe(true);
    expect((await tasker.getTask(uuid)).state).toBe('error');
  });
});
