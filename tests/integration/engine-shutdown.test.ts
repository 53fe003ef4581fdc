// Graceful shutdown of a worker process (DESIGN §9.6): SIGTERM lets a running handler finish and exits 0;
// a handler that does not finish within shutdown_timeout_ms has its lease released, so another worker
// re-runs it at once instead of after the lease expires.
import postgres from 'postgres';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Tasker } from '../../src/engine/index.ts';
import { waitFor } from '../helpers/db.ts';
import {
  createLedger, killAllProcesses, postgresBackend, spawnEngine, startTasker, stopAllTaskers, type EngineBackend, type EngineProcess,
} from '../helpers/engine.ts';

const TEMPLATES = { paths: ['tests/fixtures/engine/templates'] };

describe('graceful worker shutdown (PostgreSQL, worker in its own process)', () => {
  let backend: EngineBackend;
  let sql: postgres.Sql;
  let orchestrator: Tasker;
  const procs: EngineProcess[] = [];

  beforeAll(async () => {
    backend = await postgresBackend();
    await createLedger(backend.url);
    sql = postgres(backend.url, { max: 2, onnotice: () => {} });
    orchestrator = await startTasker(backend.url, { config: { templates: TEMPLATES }, roles: { orchestrator: true, worker: false } });
  });
  afterEach(async (ctx) => {
    if (ctx.task.result?.state === 'fail') for (const p of procs) console.error(p.output());
    procs.length = 0;
    await killAllProcesses();
  });
  afterAll(async () => {
    await killAllProcesses();
    await stopAllTaskers();
    await sql?.end();
    await backend?.close();
  });

  const startedRow = (taskUuid: string) =>
    waitFor(
      () => sql`SELECT pid, attempt, at FROM public.ledger WHERE task_uuid = ${taskUuid} AND event = 'started'`.then((r) => r[0] ?? null),
      { what: 'the handler to start' },
    );
  const stepOf = async (taskUuid: string) =>
    (await sql`SELECT step_uuid, state, attempts, claim_token, claimed_by, lease_expires_at FROM tasker.workflow_steps WHERE task_uuid = ${taskUuid} ORDER BY created_at, step_uuid`)[0];

  it('SIGTERM during a running handler lets it finish, takes no new work, and exits 0', async () => {
    const worker = await spawnEngine({ name: 'worker', url: backend.url, role: 'worker', shutdownTimeoutMs: 30_000 });
    procs.push(worker);
    const task = await orchestrator.createTask({ namespace: 'engine_proc', name: 'hold', context: { mode: 'release' } });
    expect((await startedRow(task.task_uuid)).pid).toBe(worker.pid);

    const [{ now: signalledAt }] = await sql`SELECT clock_timestamp() AS now`;
    worker.kill('SIGTERM');
    await worker.waitForLine(/^stopping SIGTERM/);
    // work that arrives while it drains is not taken
    const later = await orchestrator.createTask({ namespace: 'engine_proc', name: 'ledger_chain', context: { i: 1 } });
    expect(worker.hasExited).toBe(false);

    // let the handler go: it finishes, its result is recorded, the process exits 0
    await sql`INSERT INTO public.ledger (task_uuid, step_name, pid, event) VALUES (${task.task_uuid}, 'hold', ${process.pid}, 'release')`;
    expect(await worker.exited).toEqual({ code: 0, signal: null });
    expect(worker.lines).toContain('out:stopped');

    const done = await orchestrator.waitForTask(task.task_uuid, { timeoutMs: 20_000 });
    expect(done.state).toBe('complete');
    const [step] = await orchestrator.getTaskSteps(task.task_uuid);
    expect(step).toMatchObject({ state: 'complete', attempts: 1, results: { success: true, result: { by: worker.pid, released: true } } });
    const [finished] = await sql`SELECT pid, at FROM public.ledger WHERE task_uuid = ${task.task_uuid} AND event = 'finished'`;
    expect(finished.pid).toBe(worker.pid);
    expect(finished.at.getTime()).toBeGreaterThan(signalledAt.getTime());

    expect(await stepOf(later.task_uuid)).toMatchObject({ state: 'enqueued', attempts: 0, claimed_by: null });
  });

  it('a handler that outlives shutdown_timeout_ms has its lease released and is re-run by another worker well before the lease would expire', async () => {
    const first = await spawnEngine({ name: 'first', url: backend.url, role: 'worker', shutdownTimeoutMs: 300, leaseSeconds: 30 });
    procs.push(first);
    const task = await orchestrator.createTask({ namespace: 'engine_proc', name: 'hold', context: { mode: 'stubborn' } });
    expect((await startedRow(task.task_uuid)).pid).toBe(first.pid);
    const held = await stepOf(task.task_uuid);
    expect(held).toMatchObject({ state: 'in_progress', claimed_by: first.workerId, attempts: 1 });

    first.kill('SIGTERM');
    expect(await first.exited).toEqual({ code: 0, signal: null });

    // the lease was given back: the step is enqueued again and its message is visible now
    expect(await stepOf(task.task_uuid)).toMatchObject({ state: 'enqueued', claim_token: null, claimed_by: null, lease_expires_at: null, attempts: 1 });
    const [msg] = await sql`SELECT vt <= clock_timestamp() AS visible FROM tasker.queue_messages WHERE message->>'step_uuid' = ${held.step_uuid}`;
    expect(msg).toEqual({ visible: true });
    const [released] = await sql`
      SELECT created_at, metadata FROM tasker.workflow_step_transitions
      WHERE step_uuid = ${held.step_uuid} AND from_state = 'in_progress' AND to_state = 'enqueued'`;
    expect(released.metadata).toMatchObject({ reason: 'lease released at shutdown', worker: first.workerId });

    const second = await spawnEngine({ name: 'second', url: backend.url, role: 'worker', leaseSeconds: 30 });
    procs.push(second);
    const done = await orchestrator.waitForTask(task.task_uuid, { timeoutMs: 20_000 });
    expect(done.state).toBe('complete');
    const [step] = await orchestrator.getTaskSteps(task.task_uuid);
    expect(step).toMatchObject({ state: 'complete', attempts: 2, results: { result: { by: second.pid, attempt: 2 } } });

    const [reclaim] = await sql`
      SELECT created_at, metadata FROM tasker.workflow_step_transitions
      WHERE step_uuid = ${held.step_uuid} AND from_state = 'enqueued' AND to_state = 'in_progress' AND (metadata->>'attempt')::int = 2`;
    expect(reclaim.metadata).toMatchObject({ worker: second.workerId });
    // re-run before the first worker's lease (as it stood before the signal) would have lapsed
    expect(reclaim.created_at.getTime()).toBeLessThan(held.lease_expires_at.getTime());
    expect(reclaim.created_at.getTime()).toBeGreaterThanOrEqual(released.created_at.getTime());
    const ledger = await sql`SELECT pid, event, attempt FROM public.ledger WHERE task_uuid = ${task.task_uuid} ORDER BY id`;
    expect(ledger).toEqual([
      { pid: first.pid, event: 'started', attempt: 1 },
      { pid: second.pid, event: 'done', attempt: 2 },
    ]);

    second.kill('SIGTERM');
    expect(await second.exited).toEqual({ code: 0, signal: null });
  });
});
