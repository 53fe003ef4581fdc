// A worker process dies (SIGKILL) while its handler runs: once its lease lapses another worker re-claims
// the step and the task completes; a late completion from the dead claim is rejected by the fence.
import postgres from 'postgres';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Tasker } from '../../src/engine/index.ts';
import { HandlerRegistry, defineHandler } from '../../src/handlers/index.ts';
import { completeSteps } from '../../src/worker/step-completer.ts';
import { waitFor } from '../helpers/db.ts';
import {
  createLedger, killAllProcesses, postgresBackend, spawnEngine, startTasker, stopAllTaskers, type EngineBackend, type EngineProcess,
} from '../helpers/engine.ts';

const TEMPLATES = { paths: ['tests/fixtures/engine/templates'] };

describe('a worker process killed mid-step (PostgreSQL)', () => {
  let backend: EngineBackend;
  let sql: postgres.Sql;
  let victim: EngineProcess | undefined;

  beforeAll(async () => {
    backend = await postgresBackend();
    await createLedger(backend.url);
    sql = postgres(backend.url, { max: 2, onnotice: () => {} });
  });
  afterEach(async (ctx) => {
    if (ctx.task.result?.state === 'fail' && victim) console.error(victim.output());
    await killAllProcesses();
    await stopAllTaskers();
  });
  afterAll(async () => {
    await sql?.end();
    await backend?.close();
  });

  it('another worker re-claims the step after the lease lapses, the task completes, and the old claim is fenced off', async () => {
    const orchestrator: Tasker = await startTasker(backend.url, { config: { templates: TEMPLATES }, roles: { orchestrator: true, worker: false } });
    victim = await spawnEngine({ name: 'victim', url: backend.url, role: 'worker', leaseSeconds: 2 });

    const task = await orchestrator.createTask({ namespace: 'engine_proc', name: 'hold', context: { mode: 'crash' } });
    const [started] = await waitFor(
      () => sql`SELECT pid, attempt FROM public.ledger WHERE task_uuid = ${task.task_uuid} AND event = 'started'`.then((r) => (r.length ? r : null)),
      { what: 'the handler to start in the victim process' },
    );
    expect(started).toEqual({ pid: victim.pid, attempt: 1 });

    victim.kill('SIGKILL');
    expect(await victim.exited).toEqual({ code: null, signal: 'SIGKILL' });

    // the dead claim, as the victim last left it
    const [old] = await sql`
      SELECT s.step_uuid, s.state, s.claim_token, s.claimed_by, s.lease_expires_at, s.attempts, m.msg_id::text AS msg_id
      FROM tasker.workflow_steps s JOIN tasker.queue_messages m ON m.message->>'step_uuid' = s.step_uuid::text
      WHERE s.task_uuid = ${task.task_uuid}`;
    expect(old).toMatchObject({ state: 'in_progress', claimed_by: victim.workerId, attempts: 1 });

    // a second worker, whose handler holds the re-run until the test lets it go
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let rerunStarted = false;
    let rescuerRuns = 0;
    const registry = new HandlerRegistry();
    registry.register(
      defineHandler('hold_step', {}, async ({ context }) => {
        rerunStarted = true;
        rescuerRuns++;
        await Promise.race([gate, new Promise((_, reject) => setTimeout(() => reject(new Error('gate never opened')), 30_000))]);
        return { by: 'rescuer', attempt: context.retryCount + 1 };
      }),
    );
    const rescuer = await startTasker(backend.url, {
      config: { templates: TEMPLATES, common: { queues: { visibility_timeout_seconds: 2 } } },
      registry,
      roles: { orchestrator: false, worker: true },
    });
    await waitFor(() => rerunStarted, { timeoutMs: 20_000, what: 'the rescuer to re-claim the step' });

    const [reclaimed] = await sql`SELECT state, claim_token, claimed_by, attempts, results FROM tasker.workflow_steps WHERE step_uuid = ${old.step_uuid}`;
    expect(reclaimed).toMatchObject({ state: 'in_progress', claimed_by: rescuer.workerId, attempts: 2, results: null });
    expect(reclaimed.claim_token).not.toBe(old.claim_token);
    // the re-claim (an expired in_progress → in_progress) happened only after the victim's lease had lapsed
    const [reclaim] = await sql`
      SELECT created_at, metadata FROM tasker.workflow_step_transitions
      WHERE step_uuid = ${old.step_uuid} AND from_state = 'in_progress' AND to_state = 'in_progress'`;
    expect(reclaim.metadata).toMatchObject({ worker: rescuer.workerId, attempt: 2 });
    expect(reclaim.created_at.getTime()).toBeGreaterThanOrEqual(old.lease_expires_at.getTime());

    // the victim's completion arriving late, while the rescuer holds the step: rejected by the claim token
    const zombie = { stepUuid: old.step_uuid, claimToken: old.claim_token, msgId: old.msg_id, success: true, resultsJson: JSON.stringify({ success: true, result: { by: 'zombie' } }) };
    expect((await completeSteps(orchestrator.db, [zombie], false)).size).toBe(0);
    const [during] = await sql`SELECT state, claim_token, results FROM tasker.workflow_steps WHERE step_uuid = ${old.step_uuid}`;
    expect(during).toEqual({ state: 'in_progress', claim_token: reclaimed.claim_token, results: null });

    release();
    const done = await orchestrator.waitForTask(task.task_uuid, { timeoutMs: 20_000 });
    expect(done.state).toBe('complete');
    const [step] = await orchestrator.getTaskSteps(task.task_uuid);
    expect(step).toMatchObject({ state: 'complete', attempts: 2, results: { success: true, result: { by: 'rescuer', attempt: 2 } } });

    // and once more after completion: still rejected, the stored result unchanged
    expect((await completeSteps(orchestrator.db, [zombie], false)).size).toBe(0);
    const [after] = await orchestrator.getTaskSteps(task.task_uuid);
    expect(after.results).toEqual(step.results);
    expect(after.state).toBe('complete');
    // the victim started it once; nothing else ran in a child process
    const ledger = await sql`SELECT pid, event FROM public.ledger WHERE task_uuid = ${task.task_uuid}`;
    expect(ledger).toEqual([{ pid: victim.pid, event: 'started' }]);
    // each execution counted: the victim's and the rescuer's, in two attempts; the result applied once
    expect(ledger.length + rescuerRuns).toBe(after.attempts);
    const completions = await sql`SELECT count(*)::int AS n FROM tasker.workflow_step_transitions WHERE step_uuid = ${old.step_uuid} AND to_state = 'complete'`;
    expect(completions).toEqual([{ n: 1 }]);
  });
});
