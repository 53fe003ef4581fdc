// The dashboard's queries on 100,000 tasks (seeded in SQL: 30 days of tasks, 2% unfinished, one step
// each, three transitions per step): every plan is driven by an index — no sequential scan of tasks, workflow_steps
// or workflow_step_transitions — and the listing pages by keyset. Plans, not timings, are asserted.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTasker, type Tasker } from '../../src/engine/index.ts';
import { OVERVIEW_SQL, listTaskPage, taskPageSql, type TaskPageFilter } from '../../src/web/queries.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/db.ts';

const TASKS = 100_000;
const BIG = ['tasks', 'workflow_steps', 'workflow_step_transitions'];
let database: TestDatabase;
let tasker: Tasker;

interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  'Index Name'?: string;
  Plans?: PlanNode[];
}

function nodes(plan: PlanNode): PlanNode[] {
  return [plan, ...(plan.Plans ?? []).flatMap(nodes)];
}

async function plan(sql: string, params: unknown[] = []): Promise<PlanNode[]> {
  const rows = await tasker.db.query<{ 'QUERY PLAN': Array<{ Plan: PlanNode }> }>(`EXPLAIN (FORMAT JSON) ${sql}`, params);
  return nodes(rows[0]['QUERY PLAN'][0].Plan);
}

/** Asserts no sequential scan of a big table and at least one index scan; returns the indexes used. */
async function expectIndexed(sql: string, params: unknown[] = []): Promise<string[]> {
  const all = await plan(sql, params);
  const seq = all.filter((n) => n['Node Type'] === 'Seq Scan' && BIG.includes(n['Relation Name'] ?? ''));
  expect(seq.map((n) => n['Relation Name']), sql).toEqual([]);
  const indexes = all.filter((n) => n['Index Name']).map((n) => n['Index Name']!);
  expect(indexes.length, sql).toBeGreaterThan(0);
  return indexes;
}

beforeAll(async () => {
  database = await createTestDatabase('tasker_ui_plans');
  tasker = createTasker({
    config: { common: { database: { url: database.url, schema: 'tasker' } }, templates: { paths: ['examples/templates'] }, handlers: { paths: ['examples/handlers'] } },
    roles: { orchestrator: false, worker: false },
  });
  await tasker.start();
  await tasker.db.query(`
    INSERT INTO tasks (task_uuid, named_task_id, namespace, name, version, state, correlation_id, identity_hash, created_at, updated_at, completed_at, worker_queue)
    SELECT gen_random_uuid(), nt.named_task_id, nt.namespace, nt.name, nt.version,
           CASE WHEN i % 100 = 0 THEN 'steps_in_process' WHEN i % 100 = 1 THEN 'pending' WHEN i % 10 = 2 THEN 'error' WHEN i % 10 = 3 THEN 'cancelled' ELSE 'complete' END,
           gen_random_uuid(), 'seed-' || i, at, at, CASE WHEN i % 100 > 1 THEN at + interval '3 seconds' END,
           'worker_' || nt.namespace || '_queue'
    FROM generate_series(1, ${TASKS}) i
    CROSS JOIN LATERAL (SELECT now() - (i * 26) * interval '1 second' AS at) t
    CROSS JOIN LATERAL (SELECT * FROM named_tasks ORDER BY named_task_id OFFSET i % (SELECT count(*) FROM named_tasks) LIMIT 1) nt`);
  await tasker.db.query(`
    INSERT INTO workflow_steps (step_uuid, task_uuid, name, template_step_name, state, created_at, updated_at)
    SELECT gen_random_uuid(), task_uuid, 'only', 'only',
           CASE state WHEN 'steps_in_process' THEN 'in_progress' WHEN 'pending' THEN 'pending' WHEN 'complete' THEN 'complete' WHEN 'error' THEN 'error' ELSE 'cancelled' END,
           created_at, updated_at
    FROM tasks`);
  await tasker.db.query(`
    INSERT INTO workflow_step_transitions (step_uuid, task_uuid, from_state, to_state, metadata, created_at)
    SELECT s.step_uuid, s.task_uuid, x.from_state, x.to_state, x.metadata, s.created_at + x.delay
    FROM workflow_steps s CROSS JOIN (VALUES
      (NULL, 'pending', NULL::jsonb, interval '0'),
      ('enqueued', 'in_progress', '{"worker": "w1", "attempt": 1}'::jsonb, interval '1 second'),
      ('enqueued_for_orchestration', 'complete', NULL::jsonb, interval '2 seconds')) AS x(from_state, to_state, metadata, delay)
    ORDER BY s.created_at, x.delay`);
  await tasker.db.query('VACUUM ANALYZE tasks');
  await tasker.db.query('VACUUM ANALYZE workflow_steps');
  await tasker.db.query('VACUUM ANALYZE workflow_step_transitions');
}, 300_000);

afterAll(async () => {
  await tasker?.stop();
  await database?.drop();
});

describe(`dashboard queries on ${TASKS.toLocaleString('en')} tasks`, () => {
  it('lists tasks newest first through an index, with and without filters', async () => {
    const [{ ns, name, corr }] = await tasker.db.query<{ ns: string; name: string; corr: string }>(`SELECT namespace AS ns, name, correlation_id AS corr FROM tasks LIMIT 1`);
    const filters: TaskPageFilter[] = [
      { limit: 50 },
      { limit: 50, state: 'error' },
      { limit: 50, namespace: ns },
      { limit: 50, namespace: ns, name },
      { limit: 50, correlation_id: corr },
      { limit: 50, created_after: new Date(Date.now() - 86_400_000).toISOString(), created_before: new Date(Date.now() - 3_600_000).toISOString() },
    ];
    for (const f of filters) {
      const { sql, params } = taskPageSql(f);
      await expectIndexed(sql, params);
    }
    const used = await expectIndexed(taskPageSql({ limit: 50 }).sql, taskPageSql({ limit: 50 }).params);
    expect(used).toContain('tasks_created_idx');
  });

  it('pages by keyset: the next page starts after the last row, newest first, through the index', async () => {
    const first = await listTaskPage(tasker.db, { limit: 50 });
    expect(first.tasks).toHaveLength(50);
    expect(first.next_cursor).not.toBeNull();
    const second = await listTaskPage(tasker.db, { limit: 50, cursor: first.next_cursor! });
    expect(second.tasks).toHaveLength(50);
    const last = first.tasks[49];
    const next = second.tasks[0];
    expect(next.created_at.getTime()).toBeLessThanOrEqual(last.created_at.getTime());
    expect(new Set([...first.tasks, ...second.tasks].map((t) => t.task_uuid)).size).toBe(100);
    const deep = taskPageSql({ limit: 50, state: 'complete', cursor: second.next_cursor! });
    await expectIndexed(deep.sql, deep.params);
  });

  it('computes the overview from indexes: active tasks, the last 24 hours, the last hour of transitions', async () => {
    expect(await expectIndexed(OVERVIEW_SQL.states)).toEqual(expect.arrayContaining(['tasks_active_idx']));
    expect((await plan(OVERVIEW_SQL.states)).some((n) => n['Index Name'] === 'tasks_created_idx' || n['Index Name'] === 'tasks_state_created_idx')).toBe(true);
    expect(await expectIndexed(OVERVIEW_SQL.throughput)).toContain('workflow_step_transitions_created_brin');
    expect(await expectIndexed(OVERVIEW_SQL.workers)).toContain('workflow_step_transitions_created_brin');
    await expectIndexed(OVERVIEW_SQL.inFlight);
  });
});
