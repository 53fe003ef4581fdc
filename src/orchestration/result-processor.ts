import type { StepView } from './task-queries.ts';
import { RESULTS_QUEUE, deleteTaken, takeVisible } from '../queue/sql.ts';
import type { BackoffConfig } from './backoff.ts';
import type { Db, Queryable } from '../db/types.ts';
import type { TaskTemplate } from '../templates/types.ts';
import { backoffSeconds, retryAfterFromResult } from './backoff.ts';
import { isTerminalTaskState, type TaskState } from './state-machine.ts';
import { advanceTasks, type AdvanceOutcome } from './task-advancer.ts';
import type { TemplateStore } from '../templates/store.ts';


/** A hook run for each newly completed step inside the result transaction (decision points, batches). */
export type CompletionHook = (
  tx: Queryable,
  step: { step_uuid: string; task_uuid: string; name: string; template_step_name: string; results: unknown },
  template: TaskTemplate,
) => Promise<void>;

interface LoadedStep extends Pick<StepView, 'step_uuid' | 'name' | 'template_step_name' | 'state' | 'attempts' | 'max_attempts' | 'retryable'> {
  task_uuid: string;
  results: Record<string, unknown> | null;
  named_task_id: number;
}

/** A hook run for each step that just became `error` (permanently) inside the result transaction (fail_fast batches). */
export type FailureHook = CompletionHook;

/** What one batch of result processing did. */
export interface ResultBatchOutcome extends AdvanceOutcome {
  processed: number;
  /** Tasks with waiting results this pass could not lock (another transaction holds them): try again soon. */
  skipped: number;
  completed: number;
  failed: number;
  retried: number;
}

/** Options of {@link processResultBatch}. */
export interface ResultBatchOptions {
  store: TemplateStore;
  /** Most result messages taken in this transaction (`[common.queues] result_batch_size`). */
  limit: number;
  /** Retry delays when a step's template sets no policy (`[common.backoff]`). */
  backoff: BackoffConfig;
  /** NOTIFY the worker queues of steps this batch enqueues. */
  notify: boolean;
  hooks?: readonly CompletionHook[];
  failureHooks?: readonly FailureHook[];
  /** This process's id, in NOTIFY payloads (a consumer ignores its own echo). */
  sender?: string;
}

const APPLY_SQL = `
  WITH input AS (
    SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::double precision[])
      AS i(step_uuid, from_state, to_state, backoff_seconds)
  ), upd AS (
    UPDATE workflow_steps s SET state = i.to_state, updated_at = now(),
      processed = (i.to_state = 'complete'),
      backoff_request_seconds = i.backoff_seconds,
      next_attempt_at = CASE WHEN i.to_state = 'waiting_for_retry' THEN now() + make_interval(secs => i.backoff_seconds) END
    FROM input i WHERE s.step_uuid = i.step_uuid AND s.state = i.from_state
    RETURNING s.step_uuid, s.task_uuid, i.from_state, i.to_state, i.backoff_seconds
  )
  INSERT INTO workflow_step_transitions (step_uuid, task_uuid, from_state, to_state, metadata)
  SELECT step_uuid, task_uuid, from_state, to_state,
    CASE WHEN to_state = 'waiting_for_retry' THEN jsonb_build_object('backoff_seconds', backoff_seconds) END
  FROM upd`;

/**
 * Processes up to `limit` step results in one transaction (DESIGN §6.6.5): success → complete,
 * failure → waiting_for_retry (retryable with attempts left, delay per §6.9) or error; then completion
 * hooks, then the readiness/finalize pass for the affected tasks. The steps are taken from
 * workflow_steps_results_idx inside the transaction, so a crash rolls the whole pass back.
 * A step not in an enqueued_*_for_orchestration state is a duplicate and is ignored.
 */
export async function processResultBatch(db: Db, o: ResultBatchOptions): Promise<ResultBatchOutcome> {
  const { store, limit, hooks = [], failureHooks = [], sender = '' } = o;
  return db.transaction(async (tx) => {
    // One statement: take a batch of steps waiting for result processing (workflow_steps_results_idx, oldest
    // first, SKIP LOCKED so that orchestrators take disjoint batches), plus any message other producers sent
    // to the results queue (a hint: the step row is what counts), then lock their tasks (the lock order
    // everywhere is tasks, then steps) with SKIP LOCKED too and read the steps. A task another transaction
    // holds is left for the next pass (`skipped`): its steps stay in the index. Never waiting on a lock while
    // holding step locks is what keeps this free of deadlocks with cancel and manual actions, which lock the
    // task first. APPLY_SQL is guarded by state, so a step processed twice changes nothing the second time.
    const rows = await tx.query<LoadedStep & { kind: 'summary' | 'task' | 'step'; wanted: number; task_state: TaskState; next_sweep_at: Date | null }>(
      `WITH msgs AS (
         ${deleteTaken(takeVisible('$1', '$2', 'msg_id'))}
       ), cand AS (
         SELECT s.step_uuid, s.task_uuid FROM workflow_steps s
         WHERE s.state IN ('enqueued_for_orchestration', 'enqueued_as_error_for_orchestration')
         ORDER BY s.updated_at LIMIT $2
         FOR UPDATE OF s SKIP LOCKED
       ), picked AS (
         SELECT step_uuid, task_uuid FROM cand UNION SELECT step_uuid, task_uuid FROM msgs
       ), locked AS (
         SELECT t.task_uuid, t.state, t.next_sweep_at, t.named_task_id FROM tasks t
         WHERE t.task_uuid IN (SELECT task_uuid FROM picked)
         ORDER BY t.task_uuid FOR UPDATE OF t SKIP LOCKED
       )
       SELECT 'summary' AS kind, (SELECT count(DISTINCT task_uuid)::int FROM picked) AS wanted,
              NULL::uuid AS task_uuid, NULL AS task_state, NULL::timestamptz AS next_sweep_at,
              NULL::uuid AS step_uuid, NULL AS name, NULL AS template_step_name, NULL AS state, NULL::int AS attempts,
              NULL::int AS max_attempts, NULL::boolean AS retryable, NULL::jsonb AS results, NULL::int AS named_task_id
       UNION ALL
       SELECT 'task', NULL, l.task_uuid, l.state, l.next_sweep_at, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, l.named_task_id
       FROM locked l
       UNION ALL
       SELECT 'step', NULL, s.task_uuid, l.state, NULL, s.step_uuid, s.name, s.template_step_name, s.state, s.attempts,
              s.max_attempts, s.retryable, s.results, l.named_task_id
       FROM workflow_steps s JOIN locked l ON l.task_uuid = s.task_uuid
       WHERE s.step_uuid IN (SELECT step_uuid FROM picked)`,
      [RESULTS_QUEUE, limit],
    );
    const taskRows = rows.filter((r) => r.kind === 'task');
    const steps = rows.filter((r) => r.kind === 'step');
    const processed = steps.length;
    const skipped = (rows.find((r) => r.kind === 'summary')?.wanted ?? 0) - taskRows.length;
    const outcome: ResultBatchOutcome = { processed, skipped, completed: 0, failed: 0, retried: 0, enqueued: new Map(), finished: [], nextWakeAt: null };
    if (processed === 0) return outcome;
    const locked = taskRows.map((t) => ({ task_uuid: t.task_uuid, state: t.task_state, next_sweep_at: t.next_sweep_at }));
    const ids: string[] = [], froms: string[] = [], tos: string[] = [], delays: Array<number | null> = [];
    const completedSteps: LoadedStep[] = [];
    const failedSteps: LoadedStep[] = [];
    for (const step of steps) {
      // A result arriving after its task ended (another step failed the task meanwhile) is still recorded,
      // so the step leaves the results index, but it starts nothing: no retry, no decision or batch hooks.
      const taskEnded = isTerminalTaskState(step.task_state);
      if (step.state === 'enqueued_for_orchestration') {
        ids.push(step.step_uuid); froms.push(step.state); tos.push('complete'); delays.push(null);
        if (!taskEnded) completedSteps.push(step);
        outcome.completed++;
      } else if (step.state === 'enqueued_as_error_for_orchestration' && taskEnded) {
        ids.push(step.step_uuid); froms.push(step.state); tos.push('error'); delays.push(null);
        outcome.failed++;
      } else if (step.state === 'enqueued_as_error_for_orchestration') {
        const template = await store.byId(tx, step.named_task_id);
        const policy = template.steps.find((s) => s.name === step.template_step_name)?.retry ?? null;
        const resultRetryable = step.results?.retryable !== false;
        if (resultRetryable && step.retryable && step.attempts < step.max_attempts) {
          const delay = backoffSeconds(step.attempts, policy, o.backoff, retryAfterFromResult(step.results));
          ids.push(step.step_uuid); froms.push(step.state); tos.push('waiting_for_retry'); delays.push(delay);
          outcome.retried++;
        } else {
          ids.push(step.step_uuid); froms.push(step.state); tos.push('error'); delays.push(null);
          failedSteps.push(step);
          outcome.failed++;
        }
      }
    }
    if (ids.length) await tx.query(APPLY_SQL, [ids, froms, tos, delays]);
    if (hooks.length) {
      for (const step of completedSteps) {
        const template = await store.byId(tx, step.named_task_id);
        for (const hook of hooks) await hook(tx, step, template);
      }
    }
    for (const step of failureHooks.length ? failedSteps : []) {
      const template = await store.byId(tx, step.named_task_id);
      for (const hook of failureHooks) await hook(tx, step, template);
    }
    // incremental readiness: only children of these steps and steps the hooks just created can have become ready
    const advanced = await advanceTasks(tx, locked.map((t) => t.task_uuid), { notify: o.notify, sender, locked, changedSteps: steps.map((s) => s.step_uuid) });
    return { ...outcome, ...advanced, processed };
  });
}
