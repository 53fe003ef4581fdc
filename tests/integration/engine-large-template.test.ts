// A task of a 10,000-step template is created in one statement with every step, edge and first message
// in place (the time it takes is measured in bench/template-scale.ts, not asserted here).
import postgres from 'postgres';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_RETRY, type StepTemplate, type TaskTemplate } from '../../src/templates/index.ts';
import { postgresBackend, startTasker, stopAllTaskers, type EngineBackend } from '../helpers/engine.ts';

const N = 10_000;

function step(name: string, dependencies: string[], type: StepTemplate['type'] = 'standard'): StepTemplate {
  return {
    name, type, dependencies, handler: { callable: 'never_runs', initialization: {} }, retry: { ...DEFAULT_RETRY },
    timeoutSeconds: null, batchConfig: null, publishesEvents: [], resultSchema: null,
  };
}

/** Two roots, then a layered body (each step depends on the two before it), a decision and a branch below it. */
function bigTemplate(): TaskTemplate {
  const steps = [step('s0', []), step('s1', [])];
  for (let i = 2; i < N - 2; i++) steps.push(step(`s${i}`, i === 2 ? ['s0', 's1', 's0'] : [`s${i - 1}`, `s${i - 2}`]));
  steps.push(step('route', [`s${N - 3}`], 'decision'), step('branch', ['route', 's5']));
  return { name: 'big', namespace: 'engine_big', version: '1.0.0', metadata: {}, inputSchema: null, identityStrategy: 'always_unique', steps, lifecycle: {} };
}

describe('a task of a 10,000-step template (PostgreSQL)', () => {
  let backend: EngineBackend;
  let sql: postgres.Sql;

  beforeAll(async () => {
    backend = await postgresBackend();
    sql = postgres(backend.url, { max: 1, onnotice: () => {} });
  });
  afterEach(() => stopAllTaskers());
  afterAll(async () => {
    await sql?.end();
    await backend?.close();
  });

  it('has every initial step, every edge between them once and exactly its roots enqueued', async () => {
    const tasker = await startTasker(backend.url, { templates: [bigTemplate()], roles: { orchestrator: false, worker: false } });
    const task = await tasker.createTask({ namespace: 'engine_big', name: 'big' });
    expect(task.step_count).toBe(N - 1);

    const [counts] = await sql`
      SELECT (SELECT count(*)::int FROM tasker.workflow_steps WHERE task_uuid = ${task.task_uuid}) AS steps,
             (SELECT count(*)::int FROM tasker.workflow_step_edges WHERE task_uuid = ${task.task_uuid}) AS edges,
             (SELECT count(*)::int FROM tasker.queue_messages) AS messages,
             (SELECT count(*)::int FROM tasker.workflow_step_transitions WHERE task_uuid = ${task.task_uuid}) AS transitions`;
    // edges: s2 has two distinct parents (s0 listed twice), s3…s9997 two each, route one; branch is not created
    expect(counts).toEqual({ steps: N - 1, edges: 2 + (N - 5) * 2 + 1, messages: 2, transitions: N - 1 });
    const enqueued = await sql`SELECT name FROM tasker.workflow_steps WHERE task_uuid = ${task.task_uuid} AND state = 'enqueued' ORDER BY name`;
    expect(enqueued.map((r) => r.name)).toEqual(['s0', 's1']);

    // spot checks: an edge deep in the body joins the right steps
    const parents = await sql`
      SELECT f.name FROM tasker.workflow_step_edges e
      JOIN tasker.workflow_steps f ON f.step_uuid = e.from_step_uuid
      JOIN tasker.workflow_steps t ON t.step_uuid = e.to_step_uuid
      WHERE t.task_uuid = ${task.task_uuid} AND t.name = 's7000' ORDER BY f.name`;
    expect(parents.map((r) => r.name)).toEqual(['s6998', 's6999']);
  });
});
