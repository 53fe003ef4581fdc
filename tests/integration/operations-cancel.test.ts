// Cancellation (DESIGN §6.11) on PostgreSQL: task and unfinished steps → cancelled with audit, worker messages
// dropped, running handlers aborted (in-process and through NOTIFY from another connection), late results
// fenced out, and the error cases.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../src/db/types.ts';
import type { Tasker } from '../../src/engine/index.ts';
import { isTaskerError } from '../../src/errors.ts';
import { HandlerRegistry, defineHandler } from '../../src/handlers/index.ts';
import { cancelTask } from '../../src/orchestration/task-cancel.ts';
import { completeSteps } from '../../src/worker/step-completer.ts';
import { createTestDatabase, openTestDb, waitFor, type TestDatabase } from '../helpers/db.ts';
import { startTasker, stopAllTaskers, yamlTemplate } from '../helpers/engine.ts';

// hold blocks until its AbortSignal fires; after depends on it
const HOLD = yamlTemplate(`
name: hold
namespace_name: ops_cancel
version: 1.0.0
steps:
  - name: hold
    handler: { callable: ops_hold }
  - name: after
    dependencies: [hold]
    handler: { callable: ops_after }
`);

const started = new Set<string>();
const aborted = new Map<string, number>();

let database: TestDatabase;
let tasker: Tasker;
let other: Db;

beforeAll(async () => {
  database = await createTestDatabase('tasker_ops_cancel');
  const registry = new HandlerRegistry();
  registry.register(defineHandler('ops_hold', {}, async ({ context }) => {
    started.add(context.taskUuid);
    await new Promise((resolve) => context.signal.addEventListener('abort', resolve, { once: true }));
    aborted.set(context.taskUuid, Date.now());
    return { finished: true };
  }));
  registry.register(defineHandler('ops_after', {}, () => ({ ran: true })));
  tasker = await startTasker(database.url, { templates: [HOLD], registry });
  other = await openTestDb(database.url);
});

afterAll(async () => {
  await stopAllTaskers();
  await other?.close();
  await database?.drop();
});

const startHeld = async () => {
  const task = await tasker.createTask({ namespace: 'ops_cancel', name: 'hold', context: {}, idempotency_key: String(Math.random()) });
  await waitFor(() => started.has(task.task_uuid), { what: 'the hold handler to start' });
  return task.task_uuid;
};

describe('cancelTask', () => {
  it('cancels the task and its unfinished steps, audits who and why, drops messages and aborts the running handler', async () => {
    const uuid = await startHeld();
    const result = await tasker.cancelTask(uuid, { actor: 'ops@example.com', reason: 'no longer needed' });
    expect(result.previous_state).toBe('steps_in_process');
    expect(result.cancelled_steps).toHaveLength(2);
    expect(result.aborted_steps).toHaveLength(1);
    await waitFor(() => aborted.has(uuid), { what: 'the handler to see its AbortSignal' });

    const view = await tasker.getTask(uuid, { steps: true });
    expect(view.state).toBe('cancelled');
    expect(view.steps!.map((s) => [s.name, s.state])).toEqual([['hold', 'cancelled'], ['after', 'cancelled']]);
    const taskAudit = await tasker.db.query<{ from_state: string; to_state: string; metadata: unknown }>(
      `SELECT from_state, to_state, metadata FROM task_transitions WHERE task_uuid = $1 ORDER BY id DESC LIMIT 1`, [uuid]);
    expect(taskAudit[0]).toEqual({ from_state: 'steps_in_process', to_state: 'cancelled', metadata: { actor: 'ops@example.com', reason: 'no longer needed', action: 'cancel_task' } });
    const stepAudit = await tasker.db.query<{ from_state: string; metadata: { actor: string } }>(
      `SELECT from_state, metadata FROM workflow_step_transitions WHERE task_uuid = $1 AND to_state = 'cancelled' ORDER BY from_state`, [uuid]);
    expect(stepAudit.map((a) => [a.from_state, a.metadata.actor])).toEqual([['in_progress', 'ops@example.com'], ['pending', 'ops@example.com']]);
    const messages = await tasker.db.query(`SELECT 1 FROM queue_messages WHERE message->>'task_uuid' = $1 AND queue_name LIKE 'worker_%'`, [uuid]);
    expect(messages).toHaveLength(0);
    // the aborted handler's result is not recorded
    await waitFor(() => tasker.worker!.inFlight === 0, { what: 'the aborted handler to be let go' });
    const [hold] = await tasker.db.query<{ results: unknown }>(`SELECT results FROM workflow_steps WHERE task_uuid = $1 AND name = 'hold'`, [uuid]);
    expect(hold.results).toBeNull();
  });

  it('reaches a handler in this process through NOTIFY when another connection cancels (well before the heartbeat)', async () => {
    const uuid = await startHeld();
    const at = Date.now();
    await cancelTask(other, uuid, { actor: 'cli', reason: 'from elsewhere' });
    // the lease heartbeat runs every 10 s with the default 30 s lease: 5 s can only be the notification
    await waitFor(() => aborted.has(uuid), { timeoutMs: 5_000, what: 'the NOTIFY to abort the handler' });
    expect(aborted.get(uuid)! - at).toBeLessThan(5_000);
    expect((await tasker.getTask(uuid)).state).toBe('cancelled');
  });

  it('fences out a late result of a cancelled step', async () => {
    const uuid = await startHeld();
    const [step] = await tasker.db.query<{ step_uuid: string; claim_token: string }>(
      `SELECT step_uuid, claim_token FROM workflow_steps WHERE task_uuid = $1 AND name = 'hold'`, [uuid]);
    const [msg] = await tasker.db.query<{ msg_id: string }>(`SELECT msg_id::text FROM queue_messages WHERE message->>'step_uuid' = $1`, [step.step_uuid]);
    await tasker.cancelTask(uuid);
    const accepted = await completeSteps(tasker.db, [{ stepUuid: step.step_uuid, claimToken: step.claim_token, msgId: msg.msg_id, success: true, resultsJson: JSON.stringify({ success: true, result: { late: true } }) }], false);
    expect(accepted.size).toBe(0);
    const [after] = await tasker.db.query<{ state: string; results: unknown }>(`SELECT state, results FROM workflow_steps WHERE step_uuid = $1`, [step.step_uuid]);
    expect(after).toEqual({ state: 'cancelled', results: null });
  });

  it('refuses a finished task with TASK_TERMINAL and an unknown one with TASK_NOT_FOUND', async () => {
    const uuid = await startHeld();
    await tasker.cancelTask(uuid);
    const again = await tasker.cancelTask(uuid).catch((e: unknown) => e);
    expect(isTaskerError(again, 'TASK_TERMINAL')).toBe(true);
    expect((again as Error).message).toContain('already cancelled');
    for (const bad of ['0192f2a4-0000-7000-8000-000000000000', 'not-a-uuid']) {
      const err = await cancelTask(tasker.db, bad).catch((e: unknown) => e);
      expect(isTaskerError(err, 'TASK_NOT_FOUND')).toBe(true);
    }
  });
});
