import type { Queryable } from '../db/types.ts';
import type { StepTemplate } from '../templates/types.ts';
import { uuidv7 } from './uuid.ts';

/** A workflow step to create: its instance name, the template step it runs, and its inputs. */
export interface NewStep {
  name: string;
  template: StepTemplate;
  inputs?: Record<string, unknown> | null;
}

/** A dependency edge between two step instances of one task, by instance name. */
export interface NewEdge {
  from: string;
  to: string;
}

/**
 * Creates steps, their edges and their first audit transition in ONE statement. Idempotent: a step
 * name that already exists in the task is left alone, and so is an existing edge. Edges may connect a
 * new step to an existing one. Returns the names of the steps actually created.
 */
export async function materializeSteps(tx: Queryable, taskUuid: string, steps: readonly NewStep[], edges: readonly NewEdge[], reason = 'task_created'): Promise<string[]> {
  if (steps.length === 0 && edges.length === 0) return [];
  const rows = await tx.query<{ name: string }>(
    `WITH input AS (
       SELECT * FROM unnest($2::uuid[], $3::text[], $4::text[], $5::boolean[], $6::int[], $7::text[])
         AS i(step_uuid, name, template_step_name, retryable, max_attempts, inputs)
     ), ins AS (
       INSERT INTO workflow_steps (step_uuid, task_uuid, name, template_step_name, retryable, max_attempts, inputs)
       SELECT step_uuid, $1, name, template_step_name, retryable, max_attempts, inputs::jsonb FROM input
       ON CONFLICT (task_uuid, name) DO NOTHING
       RETURNING step_uuid, name
     ), tr AS (
       INSERT INTO workflow_step_transitions (step_uuid, task_uuid, from_state, to_state, metadata)
       SELECT step_uuid, $1, NULL, 'pending', jsonb_build_object('reason', $10::text) FROM ins
     ), known AS (
       SELECT step_uuid, name FROM ins
       UNION ALL
       SELECT step_uuid, name FROM workflow_steps WHERE task_uuid = $1
     ), edges AS (
       INSERT INTO workflow_step_edges (task_uuid, from_step_uuid, to_step_uuid)
       SELECT DISTINCT $1::uuid, f.step_uuid, t.step_uuid
       FROM unnest($8::text[], $9::text[]) AS e(from_name, to_name)
       JOIN known f ON f.name = e.from_name
       JOIN known t ON t.name = e.to_name
       ON CONFLICT DO NOTHING
     )
     SELECT name FROM ins`,
    [
      taskUuid,
      steps.map(() => uuidv7()),
      steps.map((s) => s.name),
      steps.map((s) => s.template.name),
      steps.map((s) => s.template.retry.retryable),
      steps.map((s) => s.template.retry.maxAttempts),
      steps.map((s) => (s.inputs ? JSON.stringify(s.inputs) : null)),
      edges.map((e) => e.from),
      edges.map((e) => e.to),
      reason,
    ],
  );
  return rows.map((r) => r.name);
}
