// Template lifecycle fields of the original system honoured by the staleness sweep: staleness_action,
// auto_fail_on_timeout, auto_dlq_on_timeout (real PostgreSQL).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveConfig, type Tasker } from '../../src/engine/index.ts';
import { listDlq } from '../../src/orchestration/dlq.ts';
import { sweepStaleTasks } from '../../src/orchestration/staleness.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/db.ts';
import { startTasker, stopAllTaskers, yamlTemplate } from '../helpers/engine.ts';

const template = (name: string, lifecycle: string) => yamlTemplate(`
name: ${name}
namespace_name: ops_lifecycle
version: "1.0"
lifecycle: { max_steps_in_process_minutes: 5, ${lifecycle} }
steps:
  - name: only
    handler: { callable: nobody_runs_this }
`);
const TEMPLATES = [
  template('default_action', ''),
  template('error_only', 'staleness_action: error'),
  template('no_dlq', 'auto_dlq_on_timeout: false'),
  template('dlq_only', 'auto_fail_on_timeout: false'),
  template('untouched', 'staleness_action: none'),
  template('neither', 'auto_fail_on_timeout: false, auto_dlq_on_timeout: false'),
];

let database: TestDatabase;
let tasker: Tasker;
const uuids: Record<string, string> = {};

beforeAll(async () => {
  database = await createTestDatabase('tasker_lifecycle');
  tasker = await startTasker(database.url, { templates: TEMPLATES, roles: { orchestrator: true, worker: false }, config: { orchestration: { staleness: { enabled: false } } } });
  for (const t of TEMPLATES) {
    const uuid = (await tasker.createTask({ namespace: 'ops_lifecycle', name: t.name, context: {} })).task_uuid;
    uuids[t.name] = uuid;
    await tasker.db.query(`UPDATE tasks SET updated_at = now() - interval '10 minutes' WHERE task_uuid = $1`, [uuid]);
    await tasker.db.query(`UPDATE workflow_steps SET updated_at = now() - interval '10 minutes' WHERE task_uuid = $1`, [uuid]);
  }
});

afterAll(async () => {
  await stopAllTaskers();
  await database?.drop();
});

const dlqCount = async (name: string) => (await listDlq(tasker.db, { taskUuid: uuids[name] })).total;

describe('the staleness sweep follows the template lifecycle', () => {
  it('fails and dead-letters by default, and as each field says otherwise', async () => {
    const moved = await sweepStaleTasks(tasker.db, resolveConfig({}));
    const byName = Object.fromEntries(Object.entries(uuids).map(([name, uuid]) => [name, moved.find((m) => m.taskUuid === uuid)]));
    expect(byName.default_action).toMatchObject({ failed: true, dlqId: expect.any(String) });
    expect(byName.error_only).toMatchObject({ failed: true, dlqId: null });
    expect(byName.no_dlq).toMatchObject({ failed: true, dlqId: null });
    expect(byName.dlq_only).toMatchObject({ failed: false, dlqId: expect.any(String) });
    expect(byName.untouched).toBeUndefined();
    expect(byName.neither).toBeUndefined();

    const state = async (name: string) => (await tasker.getTask(uuids[name])).state;
    expect(await state('default_action')).toBe('error');
    expect(await state('error_only')).toBe('error');
    expect(await state('no_dlq')).toBe('error');
    expect(await state('dlq_only')).toBe('steps_in_process');
    expect(await state('untouched')).toBe('steps_in_process');
    expect(await state('neither')).toBe('steps_in_process');
    expect([await dlqCount('default_action'), await dlqCount('error_only'), await dlqCount('no_dlq'), await dlqCount('dlq_only')]).toEqual([1, 0, 0, 1]);
  });

  it('reports a dead-lettered task it leaves running only once', async () => {
    expect(await sweepStaleTasks(tasker.db, resolveConfig({}))).toEqual([]);
    expect(await dlqCount('dlq_only')).toBe(1);
  });
});
