import { deleteStepMessages } from '../queue/sql.ts';
// Manual step actions (DESIGN §6.11): reset a failed step, resolve it, or complete it with a given result.
import type { Db } from '../db/types.ts';
import { TaskerError } from '../errors.ts';
import { StepHandlerResult } from '../handlers/step-handler-result.ts';
import type { TaskTemplate } from '../templates/types.ts';
import { defaultCompletionHooks } from './dynamic-hooks.ts';
import type { CompletionHook } from './result-processor.ts';
import { stepStatesAllowing, type StepState } from './state-machine.ts';
import { advanceTasks, type AdvanceOutcome } from './task-advancer.ts';
import { checkTaskUuid, notifyAbort } from './task-cancel.ts';

/** The manual actions on a step. */
export const StepActions = ['reset_for_retry', 'resolve_manually', 'complete_manually'] as const;
/** One of {@link StepActions}. */
export type StepAction = (typeof StepActions)[number];

/** A manual action request: who did it and why are kept in the step's (and task's) transition metadata. */
export interface StepActionRequest {
  action: StepAction;
  actor?: string | null;
  reason?: string | null;
  /** For complete_manually: the result object dependents will read (the `result` of a StepHandlerResult). */
  result?: Record<string, unknown> | null;
}

/** What {@link applyStepAction} did. */
export interface StepActionResult {
  task_uuid: string;
  step_uuid: string;
  step_name: string;
  from_state: string;
  to_state: string;
  /** The task's state after it was re-advanced. */
  task_state: string;
  outcome: AdvanceOutcome;
}

const TARGET: Record<StepAction, StepState> = { reset_for_retry: 'pending', resolve_manually: 'resolved_manually', complete_manually: 'complete' };
// reset is for permanently failed steps only; waiting_for_retry → pending is the scheduler's move, not an operator's
const ALLOWED_FROM: Record<StepAction, readonly StepState[]> = {
  reset_for_retry: ['error'],
  resolve_manually: stepStatesAllowing('resolved_manually'),
  complete_manually: stepStatesAllowing('complete'),
};

/**
 * Applies a manual action to one step of a task (by step name or uuid), then re-advances the task in the same
 * transaction: `reset_for_retry` (error → pending, attempts 0), `resolve_manually` (→ resolved_manually, which
 * satisfies dependents), `complete_manually` (→ complete, storing `{success: true, result, metadata: {manual:
 * true, actor, reason}}` for dependents; decision/batch outcomes in it are applied by `hooks`). A task in `error`
 * is moved error → pending first so it runs on; a running handler of the step is told to abort.
 * Errors: TASK_NOT_FOUND, TASK_TERMINAL (complete/cancelled/resolved task), STEP_NOT_FOUND, STATE_TRANSITION_INVALID.
 */
export async function applyStepAction(
  db: Db,
  taskUuid: string,
  stepNameOrUuid: string,
  request: StepActionRequest,
  options: { notify?: boolean; hooks?: readonly CompletionHook[] } = {},
): Promise<StepActionResult> {
  checkTaskUuid(taskUuid);
  const action = request.action;
  if (!StepActions.includes(action)) {
    throw new TaskerError('INPUT_INVALID', `unknown step action ${JSON.stringify(action)}; expected one of ${StepActions.join(', ')}`);
  }
  if (action === 'complete_manually' && (request.result == null || typeof request.result !== 'object' || Array.isArray(request.result))) {
    throw new TaskerError('INPUT_INVALID', 'complete_manually needs a result: a JSON object that dependent steps will read', { hint: `e.g. --result '{"approved": true}'` });
  }
  const audit = { action, actor: request.actor ?? null, reason: request.reason ?? null };
  return db.transaction(async (tx) => {
    const task = await tx.query<{ state: string; template: TaskTemplate }>(
      `SELECT t.state, nt.template FROM tasks t JOIN named_tasks nt ON nt.named_task_id = t.named_task_id WHERE t.task_uuid = $1 FOR UPDATE OF t`,
      [taskUuid],
    );
    if (task.length === 0) throw new TaskerError('TASK_NOT_FOUND', `no task ${taskUuid}`, { hint: 'see tasker task list' });
    const taskState = task[0].state;
    if (taskState === 'complete' || taskState === 'cancelled' || taskState === 'resolved_manually') {
      throw new TaskerError('TASK_TERMINAL', `task ${taskUuid} is ${taskState}; step actions apply to unfinished or failed (error) tasks`, { details: { task_uuid: taskUuid, state: taskState } });
    }
    const found = await tx.query<{ step_uuid: string; name: string; template_step_name: string; state: StepState; results: unknown }>(
      `SELECT step_uuid, name, template_step_name, state, results FROM workflow_steps
       WHERE task_uuid = $1 AND (name = $2 OR step_uuid::text = lower($2)) FOR UPDATE`,
      [taskUuid, stepNameOrUuid],
    );
    if (found.length === 0) {
      const names = await tx.query<{ name: string }>(`SELECT name FROM workflow_steps WHERE task_uuid = $1 ORDER BY created_at, name`, [taskUuid]);
      throw new TaskerError('STEP_NOT_FOUND', `task ${taskUuid} has no step ${JSON.stringify(stepNameOrUuid)}`, {
        hint: `its steps: ${names.map((n) => n.name).join(', ') || '(none)'}`,
      });
    }
    const step = found[0];
    const to = TARGET[action];
    if (!ALLOWED_FROM[action].includes(step.state)) {
      throw new TaskerError('STATE_TRANSITION_INVALID',
        `cannot ${action} step '${step.name}': it is ${step.state}; ${action} applies to steps in state ${ALLOWED_FROM[action].join(', ')}`,
        { details: { step_uuid: step.step_uuid, state: step.state, allowed: ALLOWED_FROM[action] } });
    }
    const results = action === 'complete_manually'
      ? JSON.stringify(StepHandlerResult.success(request.result ?? {}, { manual: true, actor: audit.actor, reason: audit.reason }).toJSON())
      : null;
    await tx.query(
      `WITH upd AS (
         UPDATE workflow_steps s SET state = $3, updated_at = now(),
           attempts = CASE WHEN $3 = 'pending' THEN 0 ELSE s.attempts END,
           results = coalesce($4::jsonb, s.results), processed = ($3 IN ('complete', 'resolved_manually')),
           claim_token = NULL, claimed_by = NULL, lease_expires_at = NULL, in_process = false,
           next_attempt_at = NULL, backoff_request_seconds = NULL
         WHERE s.step_uuid = $1 AND s.state = $2
         RETURNING s.step_uuid, s.task_uuid
       ), tr AS (
         INSERT INTO workflow_step_transitions (step_uuid, task_uuid, from_state, to_state, metadata)
         SELECT step_uuid, task_uuid, $2, $3, $5::jsonb FROM upd
       )
       ${deleteStepMessages('upd, tasks t', 't.worker_queue', 'upd.step_uuid', "$2 IN ('enqueued', 'in_progress') AND t.task_uuid = upd.task_uuid")}`,
      [step.step_uuid, step.state, to, results, JSON.stringify(audit)],
    );
    if (step.state === 'in_progress') await notifyAbort(tx, [step.step_uuid]);
    if (to === 'complete') {
      for (const hook of options.hooks ?? defaultCompletionHooks()) {
        await hook(tx, { step_uuid: step.step_uuid, task_uuid: taskUuid, name: step.name, template_step_name: step.template_step_name, results: JSON.parse(results as string) }, task[0].template);
      }
    }
    if (taskState === 'error') {
      // error → pending is the state machine's reset move; the advance pass below walks it on from there
      await tx.query(
        `WITH upd AS (UPDATE tasks SET state = 'pending', completed_at = NULL, updated_at = now() WHERE task_uuid = $1 AND state = 'error' RETURNING task_uuid)
         INSERT INTO task_transitions (task_uuid, from_state, to_state, metadata) SELECT task_uuid, 'error', 'pending', $2::jsonb FROM upd`,
        [taskUuid, JSON.stringify({ ...audit, step: step.name })],
      );
    }
    const outcome = await advanceTasks(tx, [taskUuid], { notify: options.notify ?? true });
    const after = await tx.query<{ state: string }>(`SELECT state FROM tasks WHERE task_uuid = $1`, [taskUuid]);
    return { task_uuid: taskUuid, step_uuid: step.step_uuid, step_name: step.name, from_state: step.state, to_state: to, task_state: after[0].state, outcome };
  });
}
