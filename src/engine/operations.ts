// The task-operations facade: create, read, cancel and act on tasks against one database. The engine
// (src/engine/index.ts, and through it the HTTP API) and the CLI's local mode (src/cli/task-backend.ts)
// both use it, so each operation's options (notify, input limit, completion hooks) are wired once.
import type { TaskerConfig } from '../config/schema.ts';
import type { Db } from '../db/types.ts';
import { defaultCompletionHooks } from '../orchestration/dynamic-hooks.ts';
import type { CompletionHook } from '../orchestration/result-processor.ts';
import { applyStepAction, type StepActionRequest, type StepActionResult } from '../orchestration/step-actions.ts';
import type { AdvanceOutcome } from '../orchestration/task-advancer.ts';
import { cancelTask, type CancelTaskOptions, type CancelTaskResult } from '../orchestration/task-cancel.ts';
import { createTask, type CreateTaskRequest, type CreatedTask } from '../orchestration/task-creator.ts';
import { createTasks } from '../orchestration/task-bulk-creator.ts';
import { getTask, getTaskSteps, listTasks, type StepView, type TaskFilter, type TaskView } from '../orchestration/task-queries.ts';
import { TemplateStore } from '../templates/store.ts';

/** What can be done to tasks, by the engine, the HTTP API and the CLI. */
export interface TaskOperations {
  createTask(request: CreateTaskRequest): Promise<CreatedTask>;
  /**
   * Creates all of `requests` in one statement, or none: TASK_BATCH_REJECTED lists every refused item
   * (`details.errors`: index, code, message). The created tasks come back in request order.
   */
  createTasks(requests: readonly CreateTaskRequest[]): Promise<CreatedTask[]>;
  getTask(taskUuid: string, options?: { steps?: boolean }): Promise<TaskView>;
  getTaskSteps(taskUuid: string): Promise<StepView[]>;
  listTasks(filter?: TaskFilter): Promise<{ tasks: TaskView[]; total: number }>;
  /** Cancels a task and its unfinished steps (DESIGN §6.11); running handlers see their AbortSignal fire. */
  cancelTask(taskUuid: string, options?: CancelTaskOptions): Promise<CancelTaskResult>;
  /** Applies a manual action (reset_for_retry, resolve_manually, complete_manually) to a step, then re-advances the task. */
  stepAction(taskUuid: string, stepNameOrUuid: string, request: StepActionRequest): Promise<StepActionResult>;
}

/** Options of {@link createTaskOperations}. */
export interface TaskOperationsOptions {
  config: TaskerConfig;
  /** The template cache (one per process is enough; a fresh one by default). */
  store?: TemplateStore;
  /** Hooks run when a manual action completes a step (default: the built-in decision and batch hooks). */
  hooks?: readonly CompletionHook[];
  /** This process's id, in NOTIFY payloads. */
  sender?: string;
  /** Each outcome that enqueued steps or finished tasks (to wake co-located workers and waiters). */
  onOutcome?: (outcome: AdvanceOutcome) => void;
  /** Steps whose handlers must stop now, if they run in this process (cancelled, finished by hand). */
  onAbort?: (stepUuids: string[]) => void;
  /** A task was cancelled. */
  onCancelled?: (taskUuid: string) => void;
}

/** Creates the {@link TaskOperations} over the database `db()` returns (called per operation). */
export function createTaskOperations(db: () => Db, o: TaskOperationsOptions): TaskOperations {
  const store = o.store ?? new TemplateStore();
  const notify = o.config.common.queues.notify;
  const hooks = o.hooks ?? defaultCompletionHooks(o.config.orchestration);
  return {
    async createTask(request) {
      const { task, outcome } = await createTask(db(), store, request, { notify, sender: o.sender, maxInputBytes: o.config.orchestration.max_task_input_bytes });
      o.onOutcome?.(outcome);
      return task;
    },
    async createTasks(requests) {
      const { tasks, outcome } = await createTasks(db(), store, requests, { notify, sender: o.sender, maxInputBytes: o.config.orchestration.max_task_input_bytes });
      o.onOutcome?.(outcome);
      return tasks;
    },
    getTask: (uuid, options) => getTask(db(), uuid, options),
    getTaskSteps: (uuid) => getTaskSteps(db(), uuid),
    listTasks: (filter) => listTasks(db(), filter),
    async cancelTask(uuid, options) {
      const result = await cancelTask(db(), uuid, options);
      o.onAbort?.(result.aborted_steps);
      o.onCancelled?.(uuid);
      return result;
    },
    async stepAction(uuid, step, request) {
      const result = await applyStepAction(db(), uuid, step, request, { notify, hooks });
      if (result.from_state === 'in_progress') o.onAbort?.([result.step_uuid]);
      o.onOutcome?.(result.outcome);
      return result;
    },
  };
}
