// The engine survives losing its database connections while tasks are in flight and carries on once they
// come back, without losing a task. Here the outage is every engine connection to the test database killed
// with pg_terminate_backend on the shared server; fault-pg-restart.test.ts restarts a server of its own.
import postgres from 'postgres';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { HandlerRegistry, defineHandler } from '../../src/handlers/index.ts';
import { ADMIN_URL, waitFor } from '../helpers/db.ts';
import { auditLedger } from '../helpers/ledger-audit.ts';
import {
  createLedger, killAllProcesses, postgresBackend, spawnEngine, startTasker, stopAllTaskers, yamlTemplate, type EngineBackend, type EngineProcess,
} from '../helpers/engine.ts';

const CHAIN = yamlTemplate(`
name: outage_chain
namespace_name: engine_outage
version: 1.0.0
steps:
  - name: one
    handler: { callable: outage_work }
    retry: { max_attempts: 10, backoff: exponential, backoff_base_ms: 50, max_backoff_ms: 500 }
  - name: two
    dependencies: [one]
    handler: { callable: outage_work }
    retry: { max_attempts: 10, backoff: exponential, backoff_base_ms: 50, max_backoff_ms: 500 }
  - name: three
    dependencies: [two]
    handler: { callable: outage_work }
    retry: { max_attempts: 10, backoff: exponential, backoff_base_ms: 50, max_backoff_ms: 500 }
`);

describe('database outage (PostgreSQL; connections terminated with pg_terminate_backend, not a server restart)', () => {
  let backend: EngineBackend & { database: { name: string } };
  let sql: postgres.Sql;
  let admin: postgres.Sql;
  const procs: EngineProcess[] = [];

  beforeAll(async () => {
    backend = await postgresBackend();
    await createLedger(backend.url);
    sql = postgres(backend.url, { max: 2, onnotice: () => {}, connection: { application_name: 'engine-test-observer' } });
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

  const ENGINE_CONNECTIONS = `datname = $1 AND pid <> pg_backend_pid() AND application_name LIKE 'tasker-%'`;

  /**
   * Waits until the engines have connections again (they reconnect on their next query), then kills every
   * one of them; returns how many. The test's observer and the ledger are named otherwise and survive.
   */
  async function terminateEngineConnections(): Promise<number> {
    await waitFor(
      async () => (await admin.unsafe(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE ${ENGINE_CONNECTIONS}`, [backend.database.name]))[0].n > 0,
      { what: 'the engines to reconnect' },
    );
    const rows = await admin.unsafe(`SELECT pg_terminate_backend(pid) AS killed FROM pg_stat_activity WHERE ${ENGINE_CONNECTIONS}`, [backend.database.name]);
    return rows.filter((r) => r.killed).length;
  }

  /** Counts by state, read through the observer connection. */
  async function progress(table: 'tasks' | 'workflow_steps'): Promise<{ complete: number; failed: number }> {
    const [row] = await sql.unsafe(
      `SELECT count(*) FILTER (WHERE state = 'complete')::int AS complete, count(*) FILTER (WHERE state IN ('error', 'blocked_by_failures'))::int AS failed FROM tasker.${table}`,
    );
    if ((row as unknown as { failed: number }).failed > 0) throw new Error(`${(row as unknown as { failed: number }).failed} ${table} failed`);
    return row as unknown as { complete: number; failed: number };
  }

  it('an in-process orchestrator and worker keep going after all their connections are killed three times mid-run', async () => {
    const TASKS = 40;
    const runs = new Map<string, number>();
    const registry = new HandlerRegistry();
    registry.register(
      defineHandler('outage_work', {}, async ({ context }) => {
        const key = `${context.taskUuid}/${context.stepName}`;
        runs.set(key, (runs.get(key) ?? 0) + 1);
        // a little work, so that steps are in flight when the connections go
        await new Promise((r) => setTimeout(r, 15));
        return { step: context.stepName };
      }),
    );
    const tasker = await startTasker(backend.url, {
      templates: [CHAIN],
      registry,
      config: { common: { queues: { visibility_timeout_seconds: 3 } }, worker: { max_concurrent_handlers: 4 } },
    });
    const uuids: string[] = [];
    for (let i = 0; i < TASKS; i++) uuids.push((await tasker.createTask({ namespace: 'engine_outage', name: 'outage_chain', context: { i } })).task_uuid);

    for (const fraction of [0.2, 0.45, 0.7]) {
      await waitFor(async () => (await progress('workflow_steps')).complete >= TASKS * 3 * fraction, { timeoutMs: 60_000, what: `${fraction * 100}% of the steps` });
      expect(await terminateEngineConnections()).toBeGreaterThan(0);
    }

    await waitFor(async () => (await progress('tasks')).complete === TASKS, { timeoutMs: 90_000, intervalMs: 100, what: 'every task to complete' });
    for (const uuid of uuids) {
      for (const step of ['one', 'two', 'three']) expect(runs.get(`${uuid}/${step}`), `${uuid}/${step} ran`).toBeGreaterThanOrEqual(1);
    }
    // every execution was an attempt the engine counted, and every result was applied once
    const steps = await sql<Array<{ key: string; attempts: number; completions: number }>>`
      SELECT s.task_uuid || '/' || s.name AS key, s.attempts,
             (SELECT count(*)::int FROM tasker.workflow_step_transitions t WHERE t.step_uuid = s.step_uuid AND t.to_state = 'complete') AS completions
      FROM tasker.workflow_steps s WHERE s.task_uuid = ANY(${uuids}::uuid[])`;
    expect(steps.filter((s) => (runs.get(s.key) ?? 0) > s.attempts || s.completions !== 1)).toEqual([]);
    // the engine is still usable afterwards
    const again = await tasker.createTask({ namespace: 'engine_outage', name: 'outage_chain', context: { i: 'after' } });
    expect((await tasker.waitForTask(again.task_uuid, { timeoutMs: 30_000 })).state).toBe('complete');
  });

  it('orchestrator and worker processes survive their connections being killed twice and finish every task', async () => {
    const TASKS = 60;
    const orchestrator = await spawnEngine({ name: 'orchestrator', url: backend.url, role: 'orchestrator', leaseSeconds: 3 });
    const worker = await spawnEngine({ name: 'worker', url: backend.url, role: 'worker', leaseSeconds: 3, concurrency: 4 });
    procs.push(orchestrator, worker);
    const client = await startTasker(backend.url, { roles: { orchestrator: false, worker: false } });
    const uuids: string[] = [];
    for (let i = 0; i < TASKS; i++) uuids.push((await client.createTask({ namespace: 'engine_proc', name: 'ledger_chain', context: { i: 1000 + i } })).task_uuid);

    for (const fraction of [0.25, 0.6]) {
      await waitFor(
        async () => (await sql`SELECT count(DISTINCT (task_uuid, step_name))::int AS n FROM public.ledger WHERE task_uuid = ANY(${uuids}::uuid[])`)[0].n >= TASKS * 3 * fraction,
        { timeoutMs: 60_000, what: `${fraction * 100}% of the steps` },
      );
      expect(await terminateEngineConnections()).toBeGreaterThan(0);
    }

    await waitFor(
      async () => (await sql`SELECT count(*)::int AS n FROM tasker.tasks WHERE state = 'complete' AND task_uuid = ANY(${uuids}::uuid[])`)[0].n === TASKS,
      { timeoutMs: 90_000, intervalMs: 100, what: 'every task to complete' },
    ).catch(async (err) => {
      const states = await sql`SELECT state, count(*)::int AS n FROM tasker.tasks GROUP BY state`;
      throw new Error(`${(err as Error).message}; task states ${JSON.stringify(states)}`);
    });
    const seen = await sql`SELECT DISTINCT task_uuid, step_name FROM public.ledger WHERE task_uuid = ANY(${uuids}::uuid[])`;
    expect(seen).toHaveLength(TASKS * 3);
    const audit = await auditLedger(sql, uuids);
    expect({ missing: audit.missing, unaccounted: audit.unaccounted, appliedTwice: audit.appliedTwice }).toEqual({ missing: [], unaccounted: [], appliedTwice: [] });
    expect(orchestrator.hasExited || worker.hasExited).toBe(false);
    // the client reconnects too
    expect((await client.getTask(uuids[0])).state).toBe('complete');

    for (const p of procs) p.kill('SIGTERM');
    expect((await Promise.all(procs.map((p) => p.exited))).map((e) => e.code)).toEqual([0, 0]);
  });
});
