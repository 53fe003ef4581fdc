import { TERMINAL_STEP_SQL } from './state-machine.ts';
// Batch processing (DESIGN §6.8): when a `batchable` step completes, create one worker step per cursor and the
// convergence steps after them; when a `fail_fast` batch worker fails for good, cancel its sibling workers.
import { DEFAULT_BATCH, type StepTemplate, type TaskTemplate } from '../templates/types.ts';
import { existingStepNames, planClosure, rejectCompletion, storedResultObject, type HookStep } from './dynamic-steps.ts';
import type { CompletionHook } from './result-processor.ts';
import { materializeSteps, type NewEdge, type NewStep } from './step-materializer.ts';
import { cancelSteps } from './task-cancel.ts';

/** Limits of {@link createBatchHook}. */
export interface BatchHookOptions {
  /** `orchestration.max_batch_workers`: most worker steps one outcome may create. */
  maxBatchWorkers: number;
}

interface Cursor {
  batch_id: string;
  [key: string]: unknown;
}

type Parsed = { workerTemplate: StepTemplate; cursors: Cursor[]; noOp: boolean } | { problem: string };

function parseOutcome(step: HookStep, batchable: StepTemplate, template: TaskTemplate, max: number): Parsed {
  const outcome = storedResultObject(step.results)?.batch_processing_outcome as
    | { type?: unknown; worker_template_name?: unknown; cursor_configs?: unknown }
    | undefined;
  const expected = `expected {type: 'create_batches', worker_template_name, cursor_configs: [...]} or {type: 'no_batches'}`;
  if (!outcome || typeof outcome !== 'object') return { problem: `batchable step '${step.name}' returned no batch_processing_outcome; ${expected}` };
  if (outcome.type !== 'create_batches' && outcome.type !== 'no_batches') {
    return { problem: `batchable step '${step.name}' returned batch_processing_outcome type ${JSON.stringify(outcome.type)}; ${expected}` };
  }
  const candidates = template.steps.filter((s) => s.type === 'batch_worker' && s.dependencies.includes(batchable.name));
  const wanted = (outcome.type === 'create_batches' ? outcome.worker_template_name : null) ?? batchable.batchConfig?.workerTemplate ?? candidates[0]?.name;
  const workerTemplate = template.steps.find((s) => s.name === wanted && s.type === 'batch_worker');
  if (!workerTemplate) {
    return { problem: `batchable step '${step.name}' names worker template ${JSON.stringify(wanted)}, which is not a batch_worker step of the template; ` +
      `allowed: ${candidates.map((s) => s.name).join(', ') || '(none)'}` };
  }
  const raw = outcome.type === 'create_batches' ? outcome.cursor_configs : [];
  if (!Array.isArray(raw)) return { problem: `batchable step '${step.name}' returned cursor_configs ${JSON.stringify(raw)}; expected an array` };
  if (raw.length === 0) return { workerTemplate, noOp: true, cursors: [{ batch_id: '001', start_cursor: 0, end_cursor: 0, batch_size: 0 }] };
  if (raw.length > max) {
    return { problem: `batchable step '${step.name}' asked for ${raw.length} batch workers, more than orchestration.max_batch_workers (${max})` };
  }
  const cursors: Cursor[] = [];
  for (const c of raw as Array<Record<string, unknown>>) {
    const id = c && typeof c === 'object' ? c.batch_id : undefined;
    if ((typeof id !== 'string' && typeof id !== 'number') || !/^[A-Za-z0-9_-]{1,64}$/.test(String(id))) {
      return { problem: `batchable step '${step.name}' returned a cursor config with batch_id ${JSON.stringify(id)}; expected 1-64 letters, digits, '_' or '-'` };
    }
    cursors.push({ ...c, batch_id: String(id) });
  }
  if (new Set(cursors.map((c) => c.batch_id)).size !== cursors.length) return { problem: `batchable step '${step.name}' returned duplicate batch_ids` };
  return { workerTemplate, cursors, noOp: false };
}

/**
 * The completion hook of batchable steps: one `<worker_template>_<batch_id>` step per cursor (a single no-op
 * worker for `no_batches`), edges batchable → workers → deferred_convergence steps that depend on the worker
 * template, and the steps that follow those. Worker inputs: `{cursor, batch_metadata: {cursor_field,
 * failure_strategy}, is_no_op, __template_step_name}`. Idempotent: a batchable with worker edges is done.
 */
export function createBatchHook(options: BatchHookOptions): CompletionHook {
  return async (tx, step, template) => {
    const batchable = template.steps.find((s) => s.name === step.template_step_name);
    if (batchable?.type !== 'batchable') return;
    const parsed = parseOutcome(step, batchable, template, options.maxBatchWorkers);
    if ('problem' in parsed) return rejectCompletion(tx, step, 'batch_error', parsed.problem);
    const wt = parsed.workerTemplate;
    const done = await tx.query(
      `SELECT 1 FROM workflow_step_edges e JOIN workflow_steps w ON w.step_uuid = e.to_step_uuid
       WHERE e.from_step_uuid = $1 AND w.template_step_name = $2 LIMIT 1`,
      [step.step_uuid, wt.name],
    );
    if (done.length) return;

    const cfg = batchable.batchConfig ?? wt.batchConfig;
    const batchMetadata = { cursor_field: cfg?.cursorField ?? DEFAULT_BATCH.cursorField, failure_strategy: cfg?.failureStrategy ?? DEFAULT_BATCH.failureStrategy };
    const existing = await existingStepNames(tx, step.task_uuid);
    const workers: NewStep[] = parsed.cursors.map((cursor) => ({
      name: `${wt.name}_${cursor.batch_id}`,
      template: wt,
      inputs: { cursor, batch_metadata: batchMetadata, is_no_op: parsed.noOp, __template_step_name: wt.name },
    }));
    const edges: NewEdge[] = [];
    for (const w of workers) {
      for (const dep of wt.dependencies) {
        if (dep === batchable.name) edges.push({ from: step.name, to: w.name });
        else if (existing.has(dep)) edges.push({ from: dep, to: w.name });
      }
    }
    // convergence steps wait for every worker; what follows them is planned as usual
    const convergence = template.steps.filter((s) => s.type === 'deferred_convergence' && s.dependencies.includes(wt.name));
    const have = new Set([...existing, ...workers.map((w) => w.name)]);
    const plan = planClosure(template, have, convergence.map((s) => s.name), () => false);
    for (const c of convergence) for (const w of workers) edges.push({ from: w.name, to: c.name });
    edges.push(...plan.edges);
    const steps = [...workers, ...plan.steps.map((s) => ({ name: s.name, template: s }))];
    await materializeSteps(tx, step.task_uuid, steps, edges, `batch:${step.name}`);
  };
}

/**
 * The failure hook of `fail_fast` batches: when a batch worker whose inputs say `fail_fast` ends in `error`,
 * its sibling workers that have not finished are cancelled (running handlers are told to abort), so the task
 * fails at once instead of after the other batches.
 */
export function createFailFastHook(): CompletionHook {
  return async (tx, step) => {
    const rows = await tx.query<{ strategy: string | null; tpl: string | null }>(
      `SELECT inputs->'batch_metadata'->>'failure_strategy' AS strategy, inputs->>'__template_step_name' AS tpl
       FROM workflow_steps WHERE step_uuid = $1`,
      [step.step_uuid],
    );
    if (rows[0]?.strategy !== 'fail_fast' || !rows[0].tpl) return;
    const siblings = await tx.query<{ step_uuid: string }>(
      `SELECT step_uuid FROM workflow_steps
       WHERE task_uuid = $1 AND template_step_name = $2 AND step_uuid <> $3
         AND state NOT IN (${TERMINAL_STEP_SQL})`,
      [step.task_uuid, rows[0].tpl, step.step_uuid],
    );
    await cancelSteps(tx, siblings.map((s) => s.step_uuid), { reason: 'fail_fast', failed_step: step.name });
  };
}
