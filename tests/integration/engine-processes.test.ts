// Several OS processes sharing one PostgreSQL database: 1 orchestrator + 2 workers run 200 tasks; the
// handlers' side effects (the ledger table) show every step ran exactly once and both workers took part.
import postgres from 'postgres';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Tasker } from '../../src/engine/index.ts';
import { waitFor } from '../helpers/db.ts';
import { auditLedger } from '../helpers/ledger-audit.ts';
import {
  createLedger, killAllProcesses, postgresBackend, spawnEngine, startTasker, stopAllTaskers, type EngineBackend, type EngineProcess,
} from '../helpers/engine.ts';

const TASKS = 200;

describe('several engine processes on one PostgreSQL database', () => {
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

  it('1 orchestrator + 2 worker processes run 200 three-step tasks: every step exactly once, none lost, both workers busy', async () => {
    const orchestrator = await spawnEngine({ name: 'orchestrator', url: backend.url, role: 'orchestrator' });
    procs.push(orchestrator);
    const workers = await Promise.all([1, 2].map((n) => spawnEngine({ name: `worker-${n}`, url: backend.url, role: 'worker', concurrency: 4 })));
    procs.push(...workers);
    // the test process only creates tasks: no orchestrator, no worker
    const client: Tasker = await startTasker(backend.url, { roles: { orchestrator: false, worker: false } });

    const uuids: string[] = [];
    for (let i = 0; i < TASKS; i += 20) {
      const batch = await Promise.all(
        Array.from({ length: 20 }, (_, k) => client.createTask({ namespace: 'engine_proc', name: 'ledger_chain', context: { i: i + k } })),
      );
      uuids.push(...batch.map((t) => t.task_uuid));
    }

    await waitFor(
      async () => {
        const [row] = await sql`SELECT count(*) FILTER (WHERE state = 'complete')::int AS done, count(*) FILTER (WHERE state IN ('error', 'blocked_by_failures'))::int AS failed FROM tasker.tasks`;
        if (row.failed > 0) throw new Error(`${row.failed} task(s) failed`);
        return row.done === TASKS;
      },
      { timeoutMs: 120_000, intervalMs: 100, what: `all ${TASKS} tasks complete` },
    ).catch(async (err) => {
      const states = await sql`SELECT state, count(*)::int AS n FROM tasker.tasks GROUP BY state`;
      throw new Error(`${(err as Error).message}; task states ${JSON.stringify(states)}`);
    });

    // every step of every task appears exactly once in the ledger
    const dupes = await sql`SELECT task_uuid, step_name, count(*)::int AS n FROM public.ledger GROUP BY 1, 2 HAVING count(*) > 1`;
    expect(dupes).toEqual([]);
    const ledger = await sql<Array<{ task_uuid: string; step_name: string; pid: number }>>`SELECT task_uuid, step_name, pid FROM public.ledger`;
    expect(ledger).toHaveLength(TASKS * 3);
    const expected = uuids.flatMap((u) => ['first', 'second', 'third'].map((s) => `${u}/${s}`)).sort();
    expect(ledger.map((r) => `${r.task_uuid}/${r.step_name}`).sort()).toEqual(expected);

    // only the two worker processes ran handlers, and both did
    const perPid = new Map<number, number>();
    for (const r of ledger) perPid.set(r.pid, (perPid.get(r.pid) ?? 0) + 1);
    expect([...perPid.keys()].sort()).toEqual(workers.map((w) => w.pid).sort());
    for (const w of workers) expect(perPid.get(w.pid), `steps run by ${w.name}`).toBeGreaterThan(0);

    // each step ran once (no re-claims) and the last step saw both ancestors: 1, 1+1, 1+1+2
    const [attempts] = await sql`SELECT count(*) FILTER (WHERE attempts <> 1)::int AS retried, count(*)::int AS total FROM tasker.workflow_steps`;
    expect(attempts).toEqual({ retried: 0, total: TASKS * 3 });
    const thirds = await sql`SELECT DISTINCT (results->'result'->>'value')::int AS v FROM tasker.workflow_steps WHERE name = 'third'`;
    expect(thirds).toEqual([{ v: 4 }]);

    // and every process stops cleanly on SIGTERM
    for (const p of procs) p.kill('SIGTERM');
    const exits = await Promise.all(procs.map((p) => p.exited));
    expect(exits.map((e) => e.code)).toEqual(procs.map(() => 0));
  });
  it('2 orchestrator + 2 worker processes finish 100 diamond tasks: racing result processing and finalization never fail a task', async () => {
    const n = 100;
    const orchestrators = await Promise.all([1, 2].map((k) => spawnEngine({ name: `orchestrator-${k}`, url: backend.url, role: 'orchestrator' })));
    const workers = await Promise.all([1, 2].map((k) => spawnEngine({ name: `worker-${k}`, url: backend.url, role: 'worker', concurrency: 8 })));
    procs.push(...orchestrators, ...workers);
    const client: Tasker = await startTasker(backend.url, { roles: { orchestrator: false, worker: false } });
    const uuids: string[] = [];
    for (let i = 0; i < n; i += 20) {
      const batch = await Promise.all(
        Array.from({ length: 20 }, (_, k) => client.createTask({ namespace: 'engine_proc', name: 'ledger_diamond', context: { i: 10_000 + i + k } })),
      );
      uuids.push(...batch.map((t) => t.task_uuid));
    }
    await waitFor(
      async () => {
        const [row] = await sql`SELECT count(*) FILTER (WHERE state = 'complete')::int AS done, count(*) FILTER (WHERE state IN ('error', 'blocked_by_failures'))::int AS failed
                                FROM tasker.tasks WHERE task_uuid = ANY(${uuids}::uuid[])`;
        if (row.failed > 0) throw new Error(`${row.failed} task(s) failed`);
        return row.done === n;
      },
      { timeoutMs: 120_000, intervalMs: 100, what: `all ${n} diamond tasks complete` },
    );
    const dupes = await sql`SELECT task_uuid, step_name FROM public.ledger WHERE task_uuid = ANY(${uuids}::uuid[]) GROUP BY 1, 2 HAVING count(*) > 1`;
    expect(dupes).toEqual([]);
    const [{ count }] = await sql`SELECT count(*)::int AS count FROM public.ledger WHERE task_uuid = ANY(${uuids}::uuid[])`;
    expect(count).toBe(n * 4);
    const audit = await auditLedger(sql, uuids);
    expect({ executions: audit.executions, missing: audit.missing, unaccounted: audit.unaccounted, appliedTwice: audit.appliedTwice })
      .toEqual({ executions: n * 4, missing: [], unaccounted: [], appliedTwice: [] });
    // bottom sees top, left and right: 1 + 1 + 2 + 2
    const bottoms = await sql`SELECT DISTINCT (results->'result'->>'value')::int AS v FROM tasker.workflow_steps WHERE name = 'bottom' AND task_uuid = ANY(${uuids}::uuid[])`;
    expect(bottoms).toEqual([{ v: 6 }]);
    // every task's audit trail ends in exactly one move to complete
    const finals = await sql`SELECT task_uuid, count(*)::int AS n FROM tasker.task_transitions
                             WHERE to_state = 'complete' AND task_uuid = ANY(${uuids}::uuid[]) GROUP BY 1 HAVING count(*) <> 1`;
    expect(finals).toEqual([]);
    for (const p of orchestrators) expect(p.lines.filter((l) => /"level":"(warn|error)"/.test(l)), `${p.name} warnings`).toEqual([]);

    for (const p of procs) p.kill('SIGTERM');
    expect((await Promise.all(procs.map((p) => p.exited))).map((e) => e.code)).toEqual(procs.map(() => 0));
  });
});
