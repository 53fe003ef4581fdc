// Staleness and the DLQ (DESIGN §6.11) on PostgreSQL: a task nobody works on goes to `error` with a DLQ entry
// (through the orchestrator's periodic pass, thresholds in seconds), template lifecycle overrides, live leases
// count as activity, and the DLQ list/show/resolve operations.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveConfig, type Tasker } from '../../src/engine/index.ts';
import { isTaskerError } from '../../src/errors.ts';
import { getDlqEntry, listDlq, resolveDlqEntry } from '../../src/orchestration/dlq.ts';
import { stalenessThresholds, sweepStaleTasks } from '../../src/orchestration/staleness.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/db.ts';
import { startTasker, stopAllTaskers, stopTasker, yamlTemplate } from '../helpers/engine.ts';

// no worker consumes these namespaces: their tasks sit in steps_in_process with an enqueued step
const template = (name: string, lifecycle = '') => yamlTemplate(`
name: ${name}
namespace_name: ops_stale
version: 1.0.0
${lifecycle}
steps:
  - name: only
    handler: { callable: nobody_runs_this }
`);
const PLAIN = template('plain');
const SHORT = template('short_lived', 'lifecycle: { max_steps_in_process_minutes: 5 }');

let database: TestDatabase;
let tasker: Tasker;

beforeAll(async () => {
  database = await createTestDatabase('tasker_ops_stale');
});

afterAll(async () => {
  await stopAllTaskers();
  await database?.drop();
});

const create = async (name: string) =>
  (await tasker.createTask({ namespace: 'ops_stale', name, context: {}, idempotency_key: String(Math.random()) })).task_uuid;

describe('the orchestrator moves stale tasks to error and the DLQ', () => {
  it('dead-letters a task idle longer than its state threshold, with a snapshot', async () => {
    tasker = await startTasker(database.url, {
      templates: [PLAIN, SHORT],
      roles: { orchestrator: true, worker: false },
      config: { orchestration: { staleness: { steps_in_process_seconds: 1, check_interval_seconds: 1 } } },
    });
    const uuid = await create('plain');
    expect((await tasker.getTask(uuid)).state).toBe('steps_in_process');
    const done = await tasker.waitForTask(uuid, { timeoutMs: 15_000 });
    expect(done.state).toBe('error');

    const audit = await tasker.db.query<{ from_state: string; to_state: string; metadata: { reason: string } }>(
      `SELECT from_state, to_state, metadata FROM task_transitions WHERE task_uuid = $1 AND metadata->>'reason' = 'staleness' ORDER BY id`, [uuid]);
    expect(audit.map((a) => `${a.from_state}→${a.to_state}`)).toEqual(['steps_in_process→evaluating_results', 'evaluating_results→blocked_by_failures', 'blocked_by_failures→error']);

    const { entries, total } = await listDlq(tasker.db, { status: 'pending', taskUuid: uuid });
    expect(total).toBe(1);
    expect(entries[0]).toMatchObject({ task_uuid: uuid, namespace: 'ops_stale', name: 'plain', task_state: 'error', original_state: 'steps_in_process', resolution_status: 'pending' });
    expect(entries[0].reason).toBe('staleness_timeout: no activity for more than 1 s in state steps_in_process');
    expect(entries[0].snapshot).toBeUndefined();
    const entry = await getDlqEntry(tasker.db, entries[0].dlq_id);
    const snapshot = entry.snapshot as { task: { task_uuid: string; state: string }; steps: Array<{ name: string; state: string }> };
    expect(snapshot.task).toMatchObject({ task_uuid: uuid, state: 'steps_in_process' });
    expect(snapshot.steps.map((s) => [s.name, s.state])).toEqual([['only', 'enqueued']]);
    await stopTasker(tasker);
  });
});

describe('thresholds', () => {
  const backdate = async (uuid: string, minutes: number) => {
    await tasker.db.query(`UPDATE tasks SET updated_at = now() - make_interval(mins => $2) WHERE task_uuid = $1`, [uuid, minutes]);
    await tasker.db.query(`UPDATE workflow_steps SET updated_at = now() - make_interval(mins => $2) WHERE task_uuid = $1`, [uuid, minutes]);
  };

  it('reads *_seconds over *_minutes from the config', () => {
    expect(stalenessThresholds(resolveConfig({})).steps_in_process).toBe(30 * 60);
    expect(stalenessThresholds(resolveConfig({ orchestration: { staleness: { steps_in_process_seconds: 7 } } })).steps_in_process).toBe(7);
  });

  it('applies a template lifecycle override and counts a live lease as activity', async () => {
    tasker = await startTasker(database.url, { templates: [PLAIN, SHORT], roles: { orchestrator: true, worker: false }, config: { orchestration: { staleness: { enabled: false } } } });
    const plain = await create('plain');
    const short = await create('short_lived');
    const leased = await create('short_lived');
    for (const uuid of [plain, short, leased]) await backdate(uuid, 10);
    // a handler still heart-beating on the last one
    await tasker.db.query(`UPDATE workflow_steps SET state = 'in_progress', lease_expires_at = now() + interval '1 minute' WHERE task_uuid = $1`, [leased]);

    const moved = await sweepStaleTasks(tasker.db, resolveConfig({}));
    expect(moved.map((m) => m.taskUuid)).toEqual([short]);
    expect(moved[0]).toMatchObject({ originalState: 'steps_in_process', thresholdSeconds: 300 });
    expect((await tasker.getTask(short)).state).toBe('error');
    expect((await tasker.getTask(plain)).state).toBe('steps_in_process');
    expect((await tasker.getTask(leased)).state).toBe('steps_in_process');
    // 40 minutes idle is past the config default of 30 for the plain template too
    await backdate(plain, 40);
    expect((await sweepStaleTasks(tasker.db, resolveConfig({}))).map((m) => m.taskUuid)).toEqual([plain]);
  });
});

describe('DLQ operations', () => {
  it('resolves a pending entry once, recording who and why', async () => {
    const { entries } = await listDlq(tasker.db, { status: 'pending' });
    expect(entries.length).toBeGreaterThanOrEqual(3);
    const id = entries[0].dlq_id;
    const resolved = await resolveDlqEntry(tasker.db, id, { status: 'discarded', notes: 'test data', actor: 'ops' });
    expect(resolved).toMatchObject({ resolution_status: 'discarded', resolution_notes: 'test data', resolved_by: 'ops' });
    expect(resolved.resolved_at).toBeInstanceOf(Date);
    expect((await listDlq(tasker.db, { status: 'discarded' })).entries.map((e) => e.dlq_id)).toEqual([id]);
    expect((await listDlq(tasker.db, { status: 'pending' })).total).toBe(entries.length - 1);

    const twice = await resolveDlqEntry(tasker.db, id, { status: 'resolved' }).catch((e: unknown) => e);
    expect(isTaskerError(twice, 'STATE_TRANSITION_INVALID')).toBe(true);
    expect((twice as Error).message).toContain('already discarded');
    const badStatus = await resolveDlqEntry(tasker.db, entries[1].dlq_id, { status: 'gone' as never }).catch((e: unknown) => e);
    expect(isTaskerError(badStatus, 'INPUT_INVALID')).toBe(true);
    for (const missing of ['0192f2a4-0000-7000-8000-000000000000', 'nope']) {
      expect(isTaskerError(await getDlqEntry(tasker.db, missing).catch((e: unknown) => e), 'DLQ_ENTRY_NOT_FOUND')).toBe(true);
    }
  });

  it('pages the list newest first', async () => {
    const all = await listDlq(tasker.db);
    const page = await listDlq(tasker.db, { limit: 1, offset: 1 });
    expect(page.total).toBe(all.total);
    expect(page.entries.map((e) => e.dlq_id)).toEqual([all.entries[1].dlq_id]);
  });
});
