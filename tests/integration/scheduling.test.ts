// Scheduling (issue 17): delayed tasks start on time, cron schedules create exactly one task per tick across
// processes with bounded catch-up, pause/resume/trigger, and task priority in the claim order.
import postgres from 'postgres';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Tasker } from '../../src/engine/index.ts';
import { HandlerRegistry, defineHandler } from '../../src/handlers/index.ts';
import { listSchedules, setSchedulePaused, triggerSchedule } from '../../src/scheduling/schedule-store.ts';
import { TemplateStore } from '../../src/templates/store.ts';
import { waitFor } from '../helpers/db.ts';
import {
  BACKENDS, createLedger, killAllProcesses, postgresBackend, spawnEngine, startTasker, stopAllTaskers, yamlTemplate,
  type EngineBackend, type EngineProcess,
} from '../helpers/engine.ts';

const delayedTemplate = yamlTemplate(`
name: delayed_echo
namespace_name: sched
version: 1.0.0
identity_strategy: always_unique
steps:
  - name: only
    handler: { callable: sched_started }
`);

const scheduledTemplate = yamlTemplate(`
name: every_second
namespace_name: sched
version: 1.0.0
schedules:
  - cron: "* * * * * *"
    name: sched_every_second
    input: { from: schedule }
steps:
  - name: only
    handler: { callable: sched_started }
`);

const rateTemplate = yamlTemplate(`
name: rated
namespace_name: sched_rate
version: 1.0.0
identity_strategy: always_unique
rate_limit: { per_second: 10 }
steps:
  - name: call
    handler: { callable: rated_call }
`);

/** Runs 80 rate-limited tasks on `engines` (sharing `starts`); returns the handler start times, sorted. */
async function runRated(engines: Tasker[], starts: number[]): Promise<{ starts: number[]; waited: number }> {
  const uuids: string[] = [];
  for (let i = 0; i < 80; i++) uuids.push((await engines[i % engines.length].createTask({ namespace: 'sched_rate', name: 'rated', context: { i } })).task_uuid);
  // the wait is visible on the steps while they wait for their slot
  const waited = await waitFor(async () => {
    const [{ n }] = await engines[0].db.query<{ n: number }>(`SELECT count(*)::int AS n FROM workflow_steps WHERE rate_limited_until IS NOT NULL`);
    return n > 0 ? n : null;
  }, { timeoutMs: 20_000, what: 'a step waiting for its rate-limit slot' });
  await waitFor(() => starts.length >= 80, { timeoutMs: 60_000, what: 'every rated task to start' });
  return { starts: [...starts].sort((a, b) => a - b), waited };
}

/** The most starts in any 5-second window. */
function maxIn5s(starts: number[]): number {
  let best = 0;
  for (let i = 0, j = 0; i < starts.length; i++) {
    while (starts[i] - starts[j] >= 5000) j++;
    best = Math.max(best, i - j + 1);
  }
  return best;
}

describe.each(BACKENDS)('delayed tasks and schedules on %s', (_label, open) => {
  let backend: EngineBackend;
  let tasker: Tasker;
  const startedAt = new Map<string, number>();
  const rated: number[] = [];

  beforeAll(async () => {
    backend = await open();
    const registry = new HandlerRegistry();
    registry.register(defineHandler('sched_started', {}, ({ context }) => {
      if (!startedAt.has(context.taskUuid)) startedAt.set(context.taskUuid, Date.now());
      return { ok: true };
    }));
    registry.register(defineHandler('rated_call', {}, () => {
      rated.push(Date.now());
      return {};
    }));
    // a sweep every 10 s: a delayed task that starts on time was started by the scheduler's timer, not the net
    tasker = await startTasker(backend.url, { registry, templates: [delayedTemplate, scheduledTemplate, rateTemplate], config: { orchestration: { sweep_interval_ms: 10_000 } } });
  }, 120_000);
  afterAll(async () => {
    await stopAllTaskers();
    await backend?.close();
  });

  it('a delayed task exists at once in pending with its run_at, has nothing enqueued, and starts within 100 ms of that time', async () => {
    const before = Date.now();
    const created = await tasker.createTask({ namespace: 'sched', name: 'delayed_echo', context: { n: 1 }, delay_seconds: 1.5 });
    expect(created.state).toBe('pending');
    const runAt = Date.parse(created.run_at as string);
    expect(runAt).toBeGreaterThanOrEqual(before + 1500);
    const view = await tasker.getTask(created.task_uuid, { steps: true });
    expect(view.state).toBe('pending');
    expect(view.run_at?.getTime()).toBe(runAt);
    expect(view.steps?.map((s) => s.state)).toEqual(['pending']);
    const [{ n }] = await tasker.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM queue_messages WHERE message->>'task_uuid' = $1`, [created.task_uuid]);
    expect(n).toBe(0);

    const started = await waitFor(() => startedAt.get(created.task_uuid), { timeoutMs: 20_000, what: 'the delayed task to start' });
    const lateness = started - runAt;
    expect(lateness, `started ${lateness} ms after run_at`).toBeGreaterThanOrEqual(0);
    expect(lateness, `started ${lateness} ms after run_at`).toBeLessThan(100);
    await tasker.waitForTask(created.task_uuid, { timeoutMs: 20_000 });
  }, 60_000);

  it('run_at as an ISO time starts then; a run_at in the past starts at once; both run_at and delay_seconds is rejected', async () => {
    const at = new Date(Date.now() + 1000).toISOString();
    const timed = await tasker.createTask({ namespace: 'sched', name: 'delayed_echo', context: { n: 2 }, run_at: at });
    expect(timed.run_at).toBe(at);
    const past = await tasker.createTask({ namespace: 'sched', name: 'delayed_echo', context: { n: 3 }, run_at: '2020-01-01T00:00:00Z' });
    expect(past.state).toBe('steps_in_process');
    expect(past.run_at).toBeUndefined();
    await expect(tasker.createTask({ namespace: 'sched', name: 'delayed_echo', context: {}, run_at: at, delay_seconds: 1 })).rejects.toMatchObject({ code: 'INPUT_INVALID' });
    await expect(tasker.createTask({ namespace: 'sched', name: 'delayed_echo', context: {}, run_at: 'tomorrow' })).rejects.toMatchObject({ code: 'INPUT_INVALID' });
    const started = await waitFor(() => startedAt.get(timed.task_uuid), { timeoutMs: 20_000, what: 'the run_at task to start' });
    expect(started).toBeGreaterThanOrEqual(Date.parse(at));
  }, 60_000);

  it('bulk creation (createTasks) makes delayed tasks too: pending with run_at, started on time', async () => {
    const created = await tasker.createTasks([
      { namespace: 'sched', name: 'delayed_echo', context: { bulk: 1 }, delay_seconds: 1 },
      { namespace: 'sched', name: 'delayed_echo', context: { bulk: 2 } },
    ]);
    expect(created.map((t) => t.state)).toEqual(['pending', 'steps_in_process']);
    const runAt = Date.parse(created[0].run_at as string);
    const started = await waitFor(() => startedAt.get(created[0].task_uuid), { timeoutMs: 20_000, what: 'the bulk-created delayed task to start' });
    expect(started).toBeGreaterThanOrEqual(runAt);
    expect(started - runAt).toBeLessThan(250);
  }, 60_000);

  it('a template schedule with a seconds field creates one task per tick; pause stops it, resume continues from now, trigger creates one at once', async () => {
    const count = async () => (await tasker.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM tasks WHERE name = 'every_second' AND initiator = 'schedule'`))[0].n;
    await waitFor(async () => (await count()) >= 3, { timeoutMs: 30_000, what: 'three scheduled tasks' });
    const ticks = await tasker.db.query<{ reason: string }>(`SELECT reason FROM tasks WHERE name = 'every_second' AND initiator = 'schedule' ORDER BY reason`);
    expect(new Set(ticks.map((t) => t.reason)).size).toBe(ticks.length);
    const [row] = await tasker.db.query<{ context: unknown }>(`SELECT context FROM tasks WHERE name = 'every_second' LIMIT 1`);
    expect(row.context).toEqual({ from: 'schedule' });

    const paused = await setSchedulePaused(tasker.db, 'sched_every_second', true);
    expect(paused.paused).toBe(true);
    expect(paused.next_tick_at).toBeNull();
    // a pass already running when the pause committed may still finish its tick
    await new Promise((r) => setTimeout(r, 1200));
    const whilePaused = await count();
    await new Promise((r) => setTimeout(r, 2000));
    expect(await count(), 'no task while paused').toBe(whilePaused);

    const { task } = await triggerSchedule(tasker.db, new TemplateStore(), 'sched_every_second', { notify: true, maxInputBytes: 1 << 20 });
    expect(await count()).toBe(whilePaused + 1);
    await tasker.waitForTask(task.task_uuid, { timeoutMs: 20_000 });

    await setSchedulePaused(tasker.db, 'sched_every_second', false);
    // resumed from now: the ~3 ticks missed while paused are not created, the next ones are
    await waitFor(async () => (await count()) >= whilePaused + 3, { timeoutMs: 30_000, what: 'ticks after resume' });
    expect(await count()).toBeLessThanOrEqual(whilePaused + 1 + 4);
    const [view] = (await listSchedules(tasker.db)).filter((s) => s.name === 'sched_every_second');
    expect(view).toMatchObject({ namespace: 'sched', task: 'every_second', cron: '* * * * * *', paused: false });
    await expect(setSchedulePaused(tasker.db, 'no_such_schedule', true)).rejects.toMatchObject({ code: 'SCHEDULE_NOT_FOUND' });
  }, 90_000);

  it('a template rate limit of 10/s admits at most 55 starts in any 5 s, and the wait shows on the steps', async () => {
    const { starts, waited } = await runRated([tasker], rated);
    expect(waited).toBeGreaterThan(0);
    expect(maxIn5s(starts), 'starts in the busiest 5 s').toBeLessThanOrEqual(55);
    expect(maxIn5s(starts), 'the limit still lets work through').toBeGreaterThanOrEqual(40);
  }, 90_000);
});

describe('schedules and priority on PostgreSQL across processes', () => {
  let backend: EngineBackend;
  let sql: postgres.Sql;
  const procs: EngineProcess[] = [];

  beforeAll(async () => {
    backend = await postgresBackend();
    await createLedger(backend.url);
    sql = postgres(backend.url, { max: 2, onnotice: () => {} });
  });
  afterEach(async (ctx) => {
    if (ctx.task.result?.state === 'fail') for (const p of procs) console.error(p.output());
    procs.length = 0;
    await killAllProcesses();
    await stopAllTaskers();
  });
  afterAll(async () => {
    await sql?.end();
    await backend?.close();
  });

  const schedules = (entries: Array<{ name: string; backfill?: number }>) =>
    JSON.stringify(entries.map((e) => ({ template: 'engine_proc/ledger_chain', cron: '* * * * * *', name: e.name, backfill: e.backfill ?? 0, input: { i: 0 } })));
  const ticksOf = async (name: string): Promise<number[]> => {
    const rows = await sql<Array<{ reason: string }>>`SELECT reason FROM tasker.tasks WHERE initiator = 'schedule' AND reason LIKE ${`schedule ${name} tick %`}`;
    return rows.map((r) => Date.parse(r.reason.slice(r.reason.lastIndexOf(' ') + 1))).sort((a, b) => a - b);
  };

  it('two processes with a 1-second schedule for ~10 s create exactly one task per tick, none missed', async () => {
    const env = { TASKER_TEST_SCHEDULES: schedules([{ name: 'two_procs' }]) };
    procs.push(...(await Promise.all([1, 2].map((n) => spawnEngine({ name: `sched-${n}`, url: backend.url, role: 'both', env })))));
    await waitFor(async () => {
      const ticks = await ticksOf('two_procs');
      return ticks.length >= 2 && ticks[ticks.length - 1] - ticks[0] >= 10_000;
    }, { timeoutMs: 60_000, intervalMs: 200, what: '10 s of ticks' });
    const ticks = await ticksOf('two_procs');
    const [{ total }] = await sql`SELECT count(*)::int AS total FROM tasker.tasks WHERE initiator = 'schedule'`;
    expect(total, 'one task per tick').toBe(ticks.length);
    expect(new Set(ticks).size).toBe(ticks.length);
    // consecutive ticks, one second apart: none missed, none twice
    for (let i = 1; i < ticks.length; i++) expect(ticks[i] - ticks[i - 1]).toBe(1000);
    // both processes took part in firing (task creation is done by whichever holds the row), and the tasks ran
    await waitFor(async () => {
      const [{ open }] = await sql`SELECT count(*) FILTER (WHERE state <> 'complete')::int AS open FROM tasker.tasks WHERE initiator = 'schedule' AND created_at < now() - interval '3 seconds'`;
      return open === 0;
    }, { timeoutMs: 30_000, what: 'scheduled tasks complete' });
  }, 120_000);

  it('a process killed and restarted across ticks catches up as configured: backfill 0 only the latest missed tick, backfill 100 every one', async () => {
    const env = { TASKER_TEST_SCHEDULES: schedules([{ name: 'no_backfill' }, { name: 'full_backfill', backfill: 100 }]) };
    const first = await spawnEngine({ name: 'sched-a', url: backend.url, role: 'both', env });
    procs.push(first);
    await waitFor(async () => (await ticksOf('no_backfill')).length >= 2 && (await ticksOf('full_backfill')).length >= 2, { timeoutMs: 30_000, what: 'first ticks' });
    first.kill('SIGKILL');
    await first.exited;
    const killedAt = Date.now();
    // the downtime itself: at least 6 ticks pass with no process running
    await new Promise((r) => setTimeout(r, 6000));
    const second = await spawnEngine({ name: 'sched-b', url: backend.url, role: 'both', env });
    procs.push(second);
    await waitFor(async () => {
      const t = await ticksOf('no_backfill');
      return t[t.length - 1] > killedAt + 9000;
    }, { timeoutMs: 60_000, what: 'ticks after the restart' });

    const gaps = (t: number[]) => t.slice(1).map((x, i) => x - t[i]);
    const full = await ticksOf('full_backfill');
    expect(gaps(full).every((g) => g === 1000), `full_backfill ticks ${JSON.stringify(gaps(full))}`).toBe(true);
    const none = await ticksOf('no_backfill');
    expect(new Set(none).size).toBe(none.length);
    // the ticks of the downtime are skipped, except the latest ones (and those within the 2 s late tolerance)
    expect(Math.max(...gaps(none)), `no_backfill gaps ${JSON.stringify(gaps(none))}`).toBeGreaterThanOrEqual(3000);
  }, 150_000);

  it('a concurrency key of 1: 20 tasks of one customer across 2 processes never run two at once (ledger of start/end times)', async () => {
    procs.push(...(await Promise.all([1, 2].map((n) => spawnEngine({ name: `conc-${n}`, url: backend.url, role: 'both', concurrency: 4 })))));
    const client: Tasker = await startTasker(backend.url, { roles: { orchestrator: false, worker: false } });
    const one: string[] = [];
    const other: string[] = [];
    await Promise.all(Array.from({ length: 20 }, async () => one.push((await client.createTask({ namespace: 'engine_proc', name: 'ledger_serial', context: { customer_id: 'c1' } })).task_uuid)));
    await Promise.all(Array.from({ length: 4 }, async () => other.push((await client.createTask({ namespace: 'engine_proc', name: 'ledger_serial', context: { customer_id: 'c2' } })).task_uuid)));
    const all = [...one, ...other];
    // a task under a limit waits in pending until admitted
    await waitFor(async () => {
      const [{ done, failed }] = await sql`SELECT count(*) FILTER (WHERE state = 'complete')::int AS done, count(*) FILTER (WHERE state IN ('error', 'blocked_by_failures'))::int AS failed FROM tasker.tasks WHERE task_uuid = ANY(${all}::uuid[])`;
      if (failed > 0) throw new Error(`${failed} task(s) failed`);
      return done === all.length;
    }, { timeoutMs: 90_000, intervalMs: 100, what: 'all limited tasks complete' });
    const spans = await sql<Array<{ task_uuid: string; pid: number; start: Date; end: Date }>>`
      SELECT s.task_uuid, s.pid, s.at AS start, e.at AS end FROM public.ledger s
      JOIN public.ledger e ON e.task_uuid = s.task_uuid AND e.event = 'end'
      WHERE s.event = 'start' AND s.task_uuid = ANY(${one}::uuid[]) ORDER BY s.at`;
    expect(spans).toHaveLength(20);
    for (let i = 1; i < spans.length; i++) {
      expect(spans[i].start.getTime(), `task ${i} started before task ${i - 1} ended`).toBeGreaterThanOrEqual(spans[i - 1].end.getTime());
    }
    const [{ n }] = await sql`SELECT count(*)::int AS n FROM tasker.concurrency_holds WHERE task_uuid = ANY(${all}::uuid[])`;
    expect(n, 'slots of finished tasks are given back').toBe(0);
  }, 150_000);

  it('a rate limit is shared by two engines on one database: at most 55 starts in any 5 s at 10/s', async () => {
    const starts: number[] = [];
    const registry = new HandlerRegistry();
    registry.register(defineHandler('rated_call', {}, () => {
      starts.push(Date.now());
      return {};
    }));
    const engines = await Promise.all([1, 2].map(() => startTasker(backend.url, { registry, templates: [rateTemplate] })));
    const { starts: sorted } = await runRated(engines, starts);
    expect(maxIn5s(sorted), 'starts in the busiest 5 s').toBeLessThanOrEqual(55);
    expect(maxIn5s(sorted)).toBeGreaterThanOrEqual(40);
  }, 90_000);

  it('a high-priority task starts promptly while a flood of low-priority work is queued', async () => {
    const registry = new HandlerRegistry();
    const started = new Map<string, number>();
    registry.register(defineHandler('prio_work', {}, async ({ context }) => {
      started.set(context.taskUuid, Date.now());
      await new Promise((r) => setTimeout(r, 20));
      return {};
    }));
    const template = yamlTemplate(`
name: prio
namespace_name: sched_prio
version: 1.0.0
identity_strategy: always_unique
steps:
  - name: work
    handler: { callable: prio_work }
`);
    const tasker = await startTasker(backend.url, { registry, templates: [template], config: { worker: { max_concurrent_handlers: 2 } } });
    const low: string[] = [];
    for (let i = 0; i < 400; i += 20) {
      const batch = await Promise.all(Array.from({ length: 20 }, () => tasker.createTask({ namespace: 'sched_prio', name: 'prio', context: {}, priority: 0 })));
      low.push(...batch.map((t) => t.task_uuid));
    }
    const createdAt = Date.now();
    const high = await tasker.createTask({ namespace: 'sched_prio', name: 'prio', context: {}, priority: 100 });
    const highStart = await waitFor(() => started.get(high.task_uuid), { timeoutMs: 60_000, what: 'the high-priority task to start' });
    const lowLeft = low.filter((u) => !started.has(u) || started.get(u)! > highStart).length;
    // FIFO would run it after every queued low-priority task (hundreds × 20 ms / 2)
    expect(lowLeft, 'low-priority tasks still queued when the high-priority one started').toBeGreaterThan(100);
    expect(highStart - createdAt, 'start latency of the high-priority task (ms)').toBeLessThan(1000);
  }, 120_000);
});
