// Fencing a paused worker: a worker process frozen with SIGSTOP mid-step loses its lease, another worker
// process re-claims and completes the step; when the first is let go (SIGCONT) its handler finishes too
// (at-least-once: both executions are in the ledger), but its result is never applied.
import postgres from 'postgres';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../helpers/db.ts';
import { createLedger, killAllProcesses, postgresBackend, spawnEngine, startTasker, stopAllTaskers, type EngineBackend, type EngineProcess } from '../helpers/engine.ts';

const TEMPLATES = { paths: ['tests/fixtures/engine/templates'] };

describe('a worker process paused mid-step with SIGSTOP (PostgreSQL)', () => {
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
    for (const p of procs) p.kill('SIGCONT');
    procs.length = 0;
    await killAllProcesses();
    await stopAllTaskers();
  });
  afterAll(async () => {
    await sql?.end();
    await backend?.close();
  });

  it('is fenced off after SIGCONT: the re-claimed result stands, the late one is rejected, both executions are counted', { timeout: 120_000 }, async () => {
    const orchestrator = await startTasker(backend.url, { config: { templates: TEMPLATES }, roles: { orchestrator: true, worker: false } });
    const paused = await spawnEngine({ name: 'paused', url: backend.url, role: 'worker', leaseSeconds: 2 });
    procs.push(paused);
    const task = await orchestrator.createTask({ namespace: 'engine_proc', name: 'hold', context: { mode: 'release' } });
    await waitFor(async () => (await sql`SELECT 1 FROM public.ledger WHERE task_uuid = ${task.task_uuid} AND event = 'started'`).length > 0, { what: 'the handler to start in the paused-to-be process' });
    const [claim] = await sql`SELECT step_uuid, claim_token, lease_expires_at FROM tasker.workflow_steps WHERE task_uuid = ${task.task_uuid}`;

    paused.kill('SIGSTOP');
    const rescuer = await spawnEngine({ name: 'rescuer', url: backend.url, role: 'worker', leaseSeconds: 30 });
    procs.push(rescuer);
    const done = await orchestrator.waitForTask(task.task_uuid, { timeoutMs: 60_000 });
    expect(done.state).toBe('complete');
    const [step] = await orchestrator.getTaskSteps(task.task_uuid);
    expect(step).toMatchObject({ state: 'complete', attempts: 2, results: { success: true, result: { by: rescuer.pid, attempt: 2 } } });
    const [reclaim] = await sql`SELECT created_at FROM tasker.workflow_step_transitions WHERE step_uuid = ${claim.step_uuid} AND from_state = 'in_progress' AND to_state = 'in_progress'`;
    expect(reclaim.created_at.getTime()).toBeGreaterThanOrEqual(claim.lease_expires_at.getTime());

    // let the paused handler finish: it records its effect, returns, and its completion is fenced off
    await sql`INSERT INTO public.ledger (task_uuid, step_name, pid, event) VALUES (${task.task_uuid}, 'hold', 0, 'release')`;
    paused.kill('SIGCONT');
    await waitFor(async () => (await sql`SELECT 1 FROM public.ledger WHERE task_uuid = ${task.task_uuid} AND event = 'finished'`).length > 0, { timeoutMs: 30_000, what: 'the resumed handler to finish' });
    await waitFor(() => paused.lines.some((l) => /completion rejected|lease lost/.test(l)), { timeoutMs: 30_000, what: 'the resumed worker to find its lease gone' });

    // the ledger: the paused execution (started + finished) and the rescuer's, nothing else
    const ledger = await sql`SELECT pid, event, attempt FROM public.ledger WHERE task_uuid = ${task.task_uuid} AND event <> 'release' ORDER BY id`;
    expect(ledger).toEqual([
      { pid: paused.pid, event: 'started', attempt: 1 },
      { pid: rescuer.pid, event: 'done', attempt: 2 },
      { pid: paused.pid, event: 'finished', attempt: 1 },
    ]);
    // two executions in two counted attempts, one result applied once
    const [after] = await orchestrator.getTaskSteps(task.task_uuid);
    expect(after).toMatchObject({ state: 'complete', attempts: 2, results: step.results });
    const completions = await sql`SELECT count(*)::int AS n FROM tasker.workflow_step_transitions WHERE step_uuid = ${claim.step_uuid} AND to_state = 'complete'`;
    expect(completions).toEqual([{ n: 1 }]);
    expect(paused.hasExited).toBe(false);
  });
});
