// Shared pieces of dynamic step creation (decision points §6.7, batches §6.8): which template steps follow
// from a set of newly created ones, and how a completion hook rejects a result it cannot apply.
import type { Queryable } from '../db/types.ts';
import { StepHandlerResult } from '../handlers/step-handler-result.ts';
import type { StepTemplate, TaskTemplate } from '../templates/types.ts';
import type { NewEdge } from './step-materializer.ts';

/** A step as a completion hook receives it. */
export interface HookStep {
  step_uuid: string;
  task_uuid: string;
  name: string;
  template_step_name: string;
  results: unknown;
}

/** The names of the steps that already exist in a task. */
export async function existingStepNames(tx: Queryable, taskUuid: string): Promise<Set<string>> {
  const rows = await tx.query<{ name: string }>(`SELECT name FROM workflow_steps WHERE task_uuid = $1`, [taskUuid]);
  return new Set(rows.map((r) => r.name));
}

/** The `result` object inside a stored StepHandlerResult JSON (or null). */
export function storedResultObject(results: unknown): Record<string, unknown> | null {
  const obj = results as { result?: unknown } | null;
  const inner = obj && typeof obj === 'object' ? obj.result : null;
  return inner && typeof inner === 'object' && !Array.isArray(inner) ? (inner as Record<string, unknown>) : null;
}

/**
 * The steps to create after `seeds` (template step names) are created, plus every step edge among them:
 * the seeds, then repeatedly every standard/decision/batchable step whose dependencies all exist or are
 * created (at least one of them created now, none of them a decision step — a decision's children wait for
 * its outcome), and every deferred_convergence step accepted by `convergence` whose dependencies intersect
 * what exists. Edges run from every dependency that exists or is created. batch_worker steps are never
 * created here (batches create their instances).
 */
export function planClosure(
  template: TaskTemplate,
  existing: ReadonlySet<string>,
  seeds: readonly string[],
  convergence: (step: StepTemplate) => boolean,
): { steps: StepTemplate[]; edges: NewEdge[] } {
  const byName = new Map(template.steps.map((s) => [s.name, s]));
  const created = new Set(seeds.filter((n) => !existing.has(n)));
  const have = (n: string) => existing.has(n) || created.has(n);
  for (let changed = true; changed; ) {
    changed = false;
    for (const s of template.steps) {
      if (have(s.name) || s.type === 'batch_worker') continue;
      const deps = s.dependencies;
      const add = s.type === 'deferred_convergence'
        ? convergence(s) && deps.some(have)
        : deps.length > 0 && deps.every(have) && deps.some((d) => created.has(d)) && !deps.some((d) => byName.get(d)?.type === 'decision');
      if (add) {
        created.add(s.name);
        changed = true;
      }
    }
  }
  const steps = template.steps.filter((s) => created.has(s.name));
  const edges = steps.flatMap((s) => s.dependencies.filter(have).map((d) => ({ from: d, to: s.name })));
  return { steps, edges };
}

/**
 * Turns a just-completed step into a permanent failure inside the result transaction, when the orchestrator
 * cannot apply its outcome (an unknown decision branch, too many batch workers…). The step moves
 * complete → error (guarded, audited with the reason); the stored result becomes a non-retryable failure
 * whose metadata keeps the rejected result, so operators see both what the handler said and why it was refused.
 */
export async function rejectCompletion(tx: Queryable, step: HookStep, errorType: string, message: string): Promise<void> {
  const failure = StepHandlerResult.failure(message, errorType, false, { rejected_result: step.results ?? null }).toJSON();
  await tx.query(
    `WITH upd AS (
       UPDATE workflow_steps SET state = 'error', processed = false, results = $2::jsonb, updated_at = now()
       WHERE step_uuid = $1 AND state = 'complete'
       RETURNING step_uuid, task_uuid
     )
     INSERT INTO workflow_step_transitions (step_uuid, task_uuid, from_state, to_state, metadata)
     SELECT step_uuid, task_uuid, 'complete', 'error', jsonb_build_object('reason', 'outcome_rejected', 'error_type', $3::text, 'message', $4::text)
     FROM upd`,
    [step.step_uuid, JSON.stringify(failure), errorType, message],
  );
}
