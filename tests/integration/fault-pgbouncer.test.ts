// tasker behind PgBouncer in transaction pooling mode (started by the test on a free port in front of a
// test database): no session state (startup parameters, named prepared statements, LISTEN) may be relied
// on there. tasker detects the pooler on first contact, sets its settings per transaction, polls instead of
// LISTEN with one warning, and runs workflows across processes with every step's effect counted once.
import postgres from 'postgres';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, waitFor, type TestDatabase } from '../helpers/db.ts';
import { createLedger, killAllProcesses, spawnEngine, startTasker, stopAllTaskers, type EngineProcess } from '../helpers/engine.ts';
import { auditLedger } from '../helpers/ledger-audit.ts';
import { pgbouncerUnavailable, startPgBouncer, type PgBouncer } from '../helpers/pgbouncer.ts';

const skip = pgbouncerUnavailable();
if (skip) console.warn(`[fault-pgbouncer] skipped: ${skip}`);

const LISTEN_WARNING = 'LISTEN does not work through a transaction-pooling connection pooler (PgBouncer); falling back to polling';

describe.skipIf(skip)('behind PgBouncer (pool_mode = transaction)', () => {
  let database: TestDatabase;
  let sql: postgres.Sql;
  const bouncers: PgBouncer[] = [];
  const procs: EngineProcess[] = [];
  const bouncer = async (settings: Record<string, string | number> = {}) => {
    const b = await startPgBouncer({ host: '127.0.0.1', port: Number(new URL(database.url).port || 5432), database: database.name, settings });
    bouncers.push(b);
    return b;
  };

  beforeAll(async () => {
    database = await createTestDatabase('tasker_pgbouncer');
    await createLedger(database.url);
    sql = postgres(database.url, { max: 1, onnotice: () => {} });
  });
  afterEach(async (ctx) => {
    if (ctx.task.result?.state === 'fail') {
      for (const p of procs) console.error(p.output());
      for (const b of bouncers) console.error(b.log());
    }
    procs.length = 0;
    await killAllProcesses();
    await stopAllTaskers();
    // PgBouncer holds server connections to the test database: close it before the database is dropped
    await Promise.all(bouncers.splice(0).map((b) => b.close()));
  });
  afterAll(async () => {
    await sql?.end();
    await database?.drop();
  });

  it('refuses the session parameters a direct connection sends (why tasker must detect it)', async () => {
    const b = await bouncer();
    const direct = postgres(b.url(database.name), { max: 1, onnotice: () => {}, connection: { search_path: 'tasker,public' } as never });
    await expect(direct`select 1`).rejects.toMatchObject({ code: '08P01', message: expect.stringMatching(/unsupported startup parameter/) });
    await direct.end({ timeout: 0 });
  });

  it('is detected on first contact: settings per transaction, no LISTEN, one warning, workflows across processes', { timeout: 180_000 }, async () => {
    const b = await bouncer();
    const url = b.url(database.name);
    const client = await startTasker(url, { roles: { orchestrator: false, worker: false }, config: { common: { database: { statement_timeout_ms: 12_345 } } } });
    expect(client.db).toMatchObject({ pooled: true, supportsListen: false });
    expect(client.db.description).toContain('(through a transaction pooler)');
    expect(await client.db.listen('tq_anything', () => {})).toBeNull();
    // every statement sees tasker's settings, whichever server connection it lands on
    for (let i = 0; i < 5; i++) {
      const [row] = await client.db.query<{ path: string; timeout: string }>(`SELECT current_setting('search_path') AS path, current_setting('statement_timeout') AS timeout`);
      expect(row).toEqual({ path: 'tasker,public', timeout: '12345ms' });
    }
    expect(await client.db.transaction((tx) => tx.query(`SELECT count(*)::int AS n FROM tasks`))).toEqual([{ n: 0 }]);

    const env = { TASKER_TEST_LEDGER_URL: database.url };
    procs.push(await spawnEngine({ name: 'orchestrator', url, role: 'orchestrator', env }));
    procs.push(...(await Promise.all([1, 2].map((n) => spawnEngine({ name: `worker-${n}`, url, role: 'worker', concurrency: 4, env })))));
    const uuids: string[] = [];
    for (let i = 0; i < 60; i += 20) {
      const batch = await Promise.all(Array.from({ length: 20 }, (_, k) => client.createTask({ namespace: 'engine_proc', name: 'fault_diamond', context: { i: i + k } })));
      uuids.push(...batch.map((t) => t.task_uuid));
    }
    await waitFor(async () => (await sql`SELECT count(*)::int AS n FROM tasker.tasks WHERE state = 'complete'`)[0].n === uuids.length, { timeoutMs: 120_000, intervalMs: 100, what: 'every task to complete through PgBouncer' });

    const audit = await auditLedger(sql, uuids);
    expect({ steps: audit.steps, executions: audit.executions, missing: audit.missing, unaccounted: audit.unaccounted, appliedTwice: audit.appliedTwice })
      .toEqual({ steps: uuids.length * 4, executions: uuids.length * 4, missing: [], unaccounted: [], appliedTwice: [] });
    expect(await sql`SELECT DISTINCT (results->'result'->>'value')::int AS v FROM tasker.workflow_steps WHERE name = 'bottom'`).toEqual([{ v: 6 }]);
    // one warning per process about LISTEN, none about prepared statements or anything else
    for (const p of procs) {
      const warnings = p.lines.filter((l) => /"level":"(warn|error)"/.test(l));
      expect(warnings, p.name).toHaveLength(1);
      expect(warnings[0], p.name).toContain(LISTEN_WARNING);
    }
    expect(b.log()).not.toMatch(/prepared statement|unsupported startup parameter: (?!search_path)/i);
    for (const p of procs) p.kill('SIGTERM');
    expect((await Promise.all(procs.map((p) => p.exited))).map((e) => e.code)).toEqual([0, 0, 0]);
  });

  it('is detected too when PgBouncer is told to ignore the parameters (accepted, never applied)', { timeout: 60_000 }, async () => {
    const b = await bouncer({ ignore_startup_parameters: 'search_path,plan_cache_mode,statement_timeout' });
    const tasker = await startTasker(b.url(database.name), { roles: { orchestrator: false, worker: false } });
    expect(tasker.db.pooled).toBe(true);
    const [row] = await tasker.db.query<{ path: string }>(`SELECT current_setting('search_path') AS path`);
    expect(row.path).toBe('tasker,public');
  });
});
