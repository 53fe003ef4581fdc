// A handler that takes its whole process down (process.exit, OOM kill, native crash) must not crash-loop
// every worker forever: a lease that expires without a completion counts as a failed attempt
// (error_type worker_lost), and at max_attempts the step goes to error (issue 10, defect 2).
import postgres from 'postgres';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Tasker } from '../../src/engine/index.ts';
import { waitFor } from '../helpers/db.ts';
import { createLedger, killAllProcesses, postgresBackend, spawnEngine, startTasker, stopAllTaskers, type EngineBackend } from '../helpers/engine.ts';

const TEMPLATES = { paths: ['tests/fixtures/engine/templates'] };

describe('a handler that kills its worker process on every attempt (PostgreSQL)', () => {
  let backend: EngineBackend;
  let sql: postgres.Sql;

  beforeAll(async () => {
    backend = await postgresBackend();
    await createLedger(backend.url);
    sql = postgres(backend.url, { max: 2, onnotice: () => {} });
  });
  afterEach(async () => {
    await killAllProcesses();
    await stopAllTaskers();
  });
  afterAll(async () => {
    await sql?.end();
    await backend?.close();
  });

  it('runs it max_attempts times across dying workers, then fails the step as worker_lost and the task as error', async () => {
    const orchestrator: Tasker = await startTasker(backend.url, { config: { templates: TEMPLATES }, roles: { orchestrator: true, worker: false } });
    const task = await orchestrator.createTask({ namespace: 'engine_proc', name: 'exits', context: {} });

    // each worker dies inside the handler; the next one re-claims once the 1 s lease lapsed
    const startedRows = () => sql`SELECT pid, attempt FROM public.ledger WHERE task_uuid = ${task.task_uuid} AND event = 'started' ORDER BY id`;
    for (const attempt of [1, 2]) {
      const worker = await spawnEngine({ name: `worker-${attempt}`, url: backend.url, role: 'worker', leaseSeconds: 1 });
      const exit = await worker.exited;
      expect(exit.code).toBe(70);
      expect((await startedRows()).map((r) => r.attempt)).toEqual(attempt === 1 ? [1] : [1, 2]);
    }

    // a third, healthy worker finds the step abandoned on its last attempt: it must not run it again
    const survivor = await spawnEngine({ name: 'survivor', url: backend.url, role: 'worker', leaseSeconds: 1 });
    const finished = await orchestrator.waitForTask(task.task_uuid, { timeoutMs: 60_000 });
    expect(finished.state).toBe('error');
    expect(survivor.hasExited).toBe(false);
    expect((await startedRows()).map((r) => r.attempt)).toEqual([1, 2]);

    const [step] = await orchestrator.getTaskSteps(task.task_uuid);
    expect(step).toMatchObject({ state: 'error', attempts: 2 });
    expect(step.results).toMatchObject({ success: false, error_type: 'worker_lost', error_code: 'WORKER_LOST', retryable: false });
    expect(String((step.results as { error_message: string }).error_message)).toMatch(/worker .*died/);
    const transitions = await sql`
      SELECT from_state, to_state, metadata FROM tasker.workflow_step_transitions WHERE step_uuid = ${step.step_uuid} ORDER BY id`;
    expect(transitions.map((t) => `${t.from_state}->${t.to_state}`)).toEqual([
      'null->enqueued', // created ready: one row, via pending (metadata.via)
      'enqueued->in_progress',
      'in_progress->in_progress',
      'in_progress->enqueued_as_error_for_orchestration',
      'enqueued_as_error_for_orchestration->error',
    ]);
    expect(transitions[0].metadata).toMatchObject({ reason: 'task_created', via: ['pending'] });
    expect(transitions[2].metadata).toMatchObject({ reason: 'worker_lost', attempt: 2 });
    expect(transitions[3].metadata).toMatchObject({ reason: 'worker_lost', attempt: 2 });
  }, 180_000);
});
