// Domain events across processes, under node, bun and deno (the worker and subscriber processes run on the
// runtime under test; the test process hosts the orchestrator). Covers: publishing on success and on
// permanent failure in all three delivery modes; subscribers in two other processes (once per group, not
// per process); per-task order with a failing first delivery; a worker SIGKILLed between its result and its
// completion (no event for that attempt); a subscriber SIGKILLed mid-handle (redelivered, handled once);
// schema violations; `tasker events list`.
import postgres from 'postgres';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { RUNTIMES, runCli, type RuntimeName } from '../helpers/cli.ts';
import { waitFor } from '../helpers/db.ts';
import { killAllProcesses, postgresBackend, spawnEngine, startTasker, stopAllTaskers, type EngineBackend, type EngineProcess } from '../helpers/engine.ts';
import { EVENTS, createEventLedger, eventLedger } from '../helpers/events.ts';

const ORDER = ['order.charged', 'order.audit', 'order.shipped'];

describe.each(RUNTIMES.map((r) => [r]))('domain events across processes under %s', (runtime: RuntimeName) => {
  let backend: EngineBackend;
  let sql: postgres.Sql;
  const procs: EngineProcess[] = [];

  afterEach(async (ctx) => {
    if (ctx.task.result?.state === 'fail') for (const p of procs) console.error(p.output());
    await killAllProcesses();
    await stopAllTaskers();
  });
  afterAll(async () => {
    await sql?.end();
    await backend?.close();
  });

  const spawn = async (name: string, role: string, handlers: string, env: Record<string, string> = {}) => {
    const p = await spawnEngine({
      name, url: backend.url, role: 'both', script: EVENTS.script, runtime,
      env: { TASKER_TEST_ROLE: role, TASKER_TEST_HANDLERS: handlers, TASKER_TEST_TEMPLATES: EVENTS.templates, TASKER_TEST_EVENT_LEASE_SECONDS: '2', ...env },
    });
    procs.push(p);
    return p;
  };
  const eventsOf = (task: string) =>
    sql<Array<{ seq: string; event_name: string; attempt: number }>>`SELECT event_seq::text AS seq, event_name, attempt FROM tasker.domain_events WHERE task_uuid = ${task} ORDER BY event_seq`;

  it('publishes after commit, delivers once per group in order, and survives SIGKILLed workers and subscribers', async () => {
    backend = await postgresBackend();
    await createEventLedger(backend.url);
    sql = postgres(backend.url, { max: 3, onnotice: () => {} });
    const s1 = await spawn('subscriber-1', 'none', EVENTS.subscribers);
    const s2 = await spawn('subscriber-2', 'none', EVENTS.subscribers);
    const victim = await spawn('victim', 'worker', EVENTS.handlers, { TASKER_TEST_LEASE_SECONDS: '2' });
    const orchestrator = await startTasker(backend.url, { config: { templates: { paths: [EVENTS.templates] } }, roles: { orchestrator: true, worker: false } });

    // 1. a worker killed between its handler's result and its completion: that attempt publishes nothing
    const held = await orchestrator.createTask({ namespace: 'events_test', name: 'order_flow', context: { order_id: 'H', amount: 1, hold: true } });
    await waitFor(() => sql`SELECT 1 FROM public.ledger WHERE task_uuid = ${held.task_uuid} AND event = 'started'`.then((r) => r.length > 0), { what: 'the held charge to start' });
    let unlock!: () => void;
    const locked = new Promise<void>((r) => (unlock = r));
    let lockHeld!: () => void;
    const lockTaken = new Promise<void>((r) => (lockHeld = r));
    const lockTx = sql.begin(async (tx) => {
      await tx`SELECT 1 FROM tasker.workflow_steps WHERE task_uuid = ${held.task_uuid} AND name = 'charge' FOR UPDATE`;
      lockHeld();
      await locked;
    });
    await lockTaken;
    await sql`INSERT INTO public.ledger (task_uuid, step_name, pid, event) VALUES (${held.task_uuid}, 'charge', 0, 'release')`;
    // the handler returned; its completion (result + outbox) now waits for our row lock
    await waitFor(
      () => sql`SELECT 1 FROM pg_stat_activity WHERE application_name = ${`tasker-${victim.workerId}`} AND wait_event_type = 'Lock'`.then((r) => r.length > 0),
      { what: "the victim's completion to block on the row lock" },
    );
    victim.kill('SIGKILL');
    await victim.exited;
    // the dead client's connections go away (what TCP does eventually), so its open transaction rolls back
    await sql`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = ${`tasker-${victim.workerId}`}`;
    unlock();
    await lockTx;
    expect(await eventsOf(held.task_uuid)).toEqual([]);

    // 2. a healthy worker re-runs it (attempt 2) and runs four more tasks, three at once
    const worker = await spawn('worker', 'worker', EVENTS.handlers);
    const tasks = await Promise.all([1, 2, 3].map((i) => orchestrator.createTask({ namespace: 'events_test', name: 'order_flow', context: { order_id: `T${i}`, amount: i } })));
    const failing = await orchestrator.createTask({ namespace: 'events_test', name: 'order_flow', context: { order_id: 'F', amount: 9, fail_ship: true } });
    for (const t of [held, ...tasks]) expect((await orchestrator.waitForTask(t.task_uuid, { timeoutMs: 60_000 })).state).toBe('complete');
    expect((await orchestrator.waitForTask(failing.task_uuid, { timeoutMs: 60_000 })).state).toBe('error');
    expect((await eventsOf(held.task_uuid)).map((e) => [e.event_name, e.attempt])).toEqual(ORDER.map((n) => [n, n === 'order.shipped' ? 1 : 2]));
    for (const t of tasks) expect((await eventsOf(t.task_uuid)).map((e) => e.event_name)).toEqual(ORDER);
    expect((await eventsOf(failing.task_uuid)).map((e) => e.event_name)).toEqual(['order.charged', 'order.audit', 'order.ship_failed']);

    const all = [held, ...tasks, failing].map((t) => t.task_uuid);
    await waitFor(async () => {
      const [r] = await sql`SELECT count(*) FILTER (WHERE state <> 'delivered')::int AS open, count(*)::int AS n FROM tasker.domain_event_deliveries`;
      return r.open === 0 && r.n === 15 + 15 + 5;
    }, { timeoutMs: 60_000, what: 'every delivery to be delivered' });
    const ledger = (await eventLedger(sql)).filter((r) => all.includes(r.task_uuid));
    const handled = ledger.filter((r) => r.kind === 'handled' && r.channel === 'durable');
    // once per group across both subscriber processes; the probe group lives in the worker
    const perGroup = new Map<string, number>();
    for (const r of handled) perGroup.set(`${r.group_name}/${r.event_id}`, (perGroup.get(`${r.group_name}/${r.event_id}`) ?? 0) + 1);
    expect([...perGroup.values()].every((n) => n === 1)).toBe(true);
    expect(handled.filter((r) => r.group_name === 'ledger')).toHaveLength(15);
    expect(handled.filter((r) => r.group_name === 'AuditSubscriber').map((r) => r.event_name).sort()).toEqual([...Array(4).fill('order.shipped'), 'order.ship_failed'].sort());
    for (const r of handled) expect(r.group_name === 'probe' ? [worker.pid] : [s1.pid, s2.pid]).toContain(r.pid);
    // per task, the ledger group handled the events in publication order although each first order.charged failed
    for (const task of all) {
      const seqOrder = (await eventsOf(task)).map((e) => e.event_name);
      expect(handled.filter((r) => r.group_name === 'ledger' && r.task_uuid === task).map((r) => r.event_name)).toEqual(seqOrder);
    }
    expect(ledger.filter((r) => r.kind === 'failed').map((r) => r.event_name)).toEqual(Array(5).fill('order.charged'));
    // fast copies only in the worker process, never stored
    const fast = ledger.filter((r) => r.channel === 'fast');
    expect(fast.filter((r) => r.event_name === 'order.metrics')).toHaveLength(5);
    expect(new Set(fast.map((r) => r.pid))).toEqual(new Set([worker.pid]));
    expect(await sql`SELECT 1 FROM tasker.domain_events WHERE event_name IN ('order.metrics', 'order.bad_payload')`).toHaveLength(0);
    expect(worker.lines.some((l) => /does not match its schema/.test(l) && /"path":"\(payload\)"/.test(l) && /"event":"order.bad_payload"/.test(l))).toBe(true);

    // 3. a subscriber killed mid-handle: after its lease lapses the other process handles the event, once
    const hung = await orchestrator.createTask({ namespace: 'events_test', name: 'order_flow', context: { order_id: 'K', amount: 2, hang: true } });
    const [start] = await waitFor(
      () => sql`SELECT pid FROM public.event_ledger WHERE task_uuid = ${hung.task_uuid} AND group_name = 'ledger' AND kind = 'started'`.then((r) => (r.length ? r : null)),
      { timeoutMs: 30_000, what: 'the ledger subscriber to start on the hanging event' },
    );
    const [dying, survivor] = start.pid === s1.pid ? [s1, s2] : [s2, s1];
    dying.kill('SIGKILL');
    await dying.exited;
    await waitFor(
      () => sql`SELECT 1 FROM tasker.domain_event_deliveries d JOIN tasker.domain_events e USING (event_seq)
                WHERE e.task_uuid = ${hung.task_uuid} AND d.group_name = 'ledger' AND d.state <> 'delivered'`.then((r) => r.length === 0),
      { timeoutMs: 60_000, what: 'the hanging task\'s events to be delivered to the ledger group' },
    ).catch(async (err) => {
      const open = await sql`SELECT d.*, e.event_name, now() AS now FROM tasker.domain_event_deliveries d JOIN tasker.domain_events e USING (event_seq) WHERE e.task_uuid = ${hung.task_uuid}`;
      throw new Error(`${(err as Error).message}: ${JSON.stringify(open)}`);
    });
    const rows = (await eventLedger(sql)).filter((r) => r.task_uuid === hung.task_uuid && r.group_name === 'ledger');
    const charged = rows.filter((r) => r.event_name === 'order.charged');
    expect(charged.map((r) => [r.kind, r.pid])).toEqual([['started', dying.pid], ['started', survivor.pid], ['handled', survivor.pid]]);
    expect(rows.filter((r) => r.kind === 'handled').map((r) => r.event_name)).toEqual(ORDER);
    const [delivery] = await sql`SELECT d.attempts FROM tasker.domain_event_deliveries d JOIN tasker.domain_events e USING (event_seq)
                                 WHERE e.task_uuid = ${hung.task_uuid} AND e.event_name = 'order.charged' AND d.group_name = 'ledger'`;
    expect(delivery.attempts).toBe(2);

    // 4. readable from outside
    const cli = await runCli(runtime, ['events', 'list', '--task', failing.task_uuid, '--format', 'json'], { DATABASE_URL: backend.url });
    expect(cli.code, cli.stderr).toBe(0);
    expect((JSON.parse(cli.stdout) as Array<{ event_name: string }>).map((e) => e.event_name)).toEqual(['order.charged', 'order.audit', 'order.ship_failed']);

    for (const p of [worker, survivor]) p.kill('SIGTERM');
    expect((await Promise.all([worker, survivor].map((p) => p.exited))).map((e) => e.code)).toEqual([0, 0]);
  }, 240_000);
});
