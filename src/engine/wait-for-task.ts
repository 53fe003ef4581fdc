import { isConnectionLost } from '../db/connection-errors.ts';
import { TaskerError } from '../errors.ts';
import { isTerminalTaskState } from '../orchestration/state-machine.ts';
import type { TaskView } from '../orchestration/task-queries.ts';

/** What {@link waitForTask} polls and listens to. */
export interface WaitForTaskDeps {
  getTask(taskUuid: string): Promise<TaskView>;
  /** In-process notice that a task finished; resolves to an unsubscribe. */
  onTaskFinished(fn: (task: { taskUuid: string }) => void): () => void;
}

/**
 * Resolves with the task once it is terminal; rejects with TIMEOUT after `timeoutMs`. Woken at once when this
 * process's orchestrator finishes the task, else by a short poll (10 ms doubling to 250 ms) that also covers
 * orchestrators in other processes. A lost connection is retried until the deadline (postgres.js reconnects).
 */
export async function waitForTask(deps: WaitForTaskDeps, taskUuid: string, timeoutMs = 60_000): Promise<TaskView> {
  const deadline = Date.now() + timeoutMs;
  let wake: (() => void) | null = null;
  let lastError: unknown;
  const off = deps.onTaskFinished((t) => t.taskUuid === taskUuid && wake?.());
  try {
    for (let interval = 10; ; interval = Math.min(interval * 2, 250)) {
      let view: TaskView | null = null;
      try {
        view = await deps.getTask(taskUuid);
      } catch (err) {
        if (err instanceof TaskerError || !isConnectionLost(err)) throw err;
        lastError = err;
      }
      if (view && isTerminalTaskState(view.state)) return view;
      const left = deadline - Date.now();
      if (left <= 0) {
        const where = view ? `state ${view.state}, ${view.step_counts.complete}/${view.step_counts.total} steps complete` : 'the database was not answering';
        throw new TaskerError('TIMEOUT', `task ${taskUuid} did not finish within ${timeoutMs} ms (${where})`, {
          hint: 'inspect it with `tasker task get` and `tasker task steps`',
          cause: lastError,
        });
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.min(interval, left));
        wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
  } finally {
    off();
  }
}
