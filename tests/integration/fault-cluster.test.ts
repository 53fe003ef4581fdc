// A small cluster under a connection storm: 2 orchestrator and 4 worker processes on one database run 200
// diamond tasks while every engine connection is killed (pg_terminate_backend) twice. The ledger counts
// each handler execution: every step ran, none more often than its counted attempts, every result applied once.
import postgres from 'postgres';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_URL, waitFor } from '../helpers/db.ts';
import { createLedger, killAllProcesses, postgresBackend, spawnEngine, startTasker, stopAllTaskers, type EngineBackend, type EngineProcess } from '../helpers/engine.ts';
import { auditLedger } from '../helpers/ledger-audit.ts';

const TASKS = 200;

describe('2 orchestrators + 4 workers under a pg_terminate_backend storm (PostgreSQL)', () => {
  let backend: EngineBackend & { database: { name: string } };
  let sql: postgres.Sql;
  let admin: postgres.Sql;
  const procs: EngineProcess[] = [];

  beforeAll(async () => {
    backend = await postgresBackend();
    await createLedger(backend.url);
    sql = postgres(backend.url, { max: 2, onnotice: () => {}, connection: { application_name: 'fault-observer' } });
    admin = postgres(ADMIN_URL, { max: 1, onnotice: () => {} });
  });
  afterEach(async (ctx) => {
    if (ctx.task.result?.state === 'fail') for (const p of procs) console.error(p.output());
    procs.length = 0;
    await killAllProcesses();
    await stopAllTaskers();
  });
  afterAll(async () => {
    await sql?.end();
    await admin?.end();
    await backend?.close();
  });

  it('finishes every task; each step ran, re-runs only as counted attempts, every result applied once', { timeout: 300_000 }, async () => {
    procs.push(...(await Promise.all([1, 2].map((k) => spawnEngine({ name: `orchestrator-${k}`, url: backend.url, role: 'orchestrator', leaseSeconds: 5 })))));
    const workers = await Promise.all([1, 2, 3, 4].map((k) => spawnEngine({ name: `worker-${k}`, url: backend.url, role: 'worker', leaseSeconds: 5, concurrency: 4 })));
    procs.push(...workers);
    const client = await startTasker(backend.url, { roles: { orchestrator: false, worker: false } });
    const uuids: string[] = [];
    for (let i = 0; i < TASKS; i += 25) {
      const batch = await Promise.all(Array.from({ length: 25 }, (_, k) => client.createTask({ namespace: 'engine_proc', name: 'fault_diamond', context: { i: i + k } })));
      uuids.push(...batch.map((t) => t.task_uuid));
    }

    const engines = `datname = $1 AND pid <> pg_backend_pid() AND application_name LIKE 'tasker-%'`;
    for (const fraction of [0.3, 0.65]) {
      await waitFor(async () => (await sql`SELECT count(*)::int AS n FROM public.ledger`)[0].n >= TASKS * 4 * fraction, { timeoutMs: 120_000, intervalMs: 50, what: `${fraction * 100}% of the steps` });
      const killed = await admin.unsafe(`SELECT pg_terminate_backend(pid) AS k FROM pg_stat_activity WHERE ${engines}`, [backend.database.name]);
      expect(killed.filter((r) => r.k).length).toBeGreaterThan(0);
    }

    await waitFor(async () => (await sql`SELECT count(*)::int AS n FROM tasker.tasks WHERE state = 'complete' AND task_uuid = ANY(${uuids}::uuid[])`)[0].n === TASKS, {
      timeoutMs: 180_000, intervalMs: 100, what: 'every task to complete',
    }).catch(async (err) => {
      throw new Error(`${(err as Error).message}; task states ${JSON.stringify(await sql`SELECT state, count(*)::int AS n FROM tasker.tasks GROUP BY 1`)}`);
    });
    const audit = await auditLedger(sql, uuids);
    console.log(`[fault-cluster] ${audit.executions} executions of ${audit.steps} steps: ${audit.reRuns} at-least-once re-run(s)`);
    expect(audit.steps).toBe(TASKS * 4);
    expect(audit.missing).toEqual([]);
    expect(audit.unaccounted).toEqual([]);
    expect(audit.appliedTwice).toEqual([]);
    expect(await sql`SELECT DISTINCT (results->'result'->>'value')::int AS v FROM tasker.workflow_steps WHERE name = 'bottom'`).toEqual([{ v: 6 }]);
    expect(await sql`SELECT task_uuid FROM tasker.task_transitions WHERE to_state = 'complete' GROUP BY 1 HAVING count(*) <> 1`).toEqual([]);
    // every worker took part
    const perPid = await sql`SELECT pid, count(*)::int AS n FROM public.ledger GROUP BY 1`;
    expect(perPid.map((r) => r.pid).sort()).toEqual(workers.map((w) => w.pid).sort());

    expect(procs.filter((p) => p.hasExited).map((p) => p.name)).toEqual([]);
    for (const p of procs) p.kill('SIGTERM');
    expect((await Promise.all(procs.map((p) => p.exited))).map((e) => e.code)).toEqual(procs.map(() => 0));
  });
});
