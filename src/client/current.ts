// The engine this process started most recently (what getTaskerClient() talks to when given nothing).
import type { Tasker } from '../engine/index.ts';

let current: Tasker | null = null;

/** Records `tasker` as this process's running engine (createTasker's start() does this). */
export function setCurrentTasker(tasker: Tasker): void {
  current = tasker;
}

/** Forgets `tasker` if it is the recorded one (its stop() does this). */
export function clearCurrentTasker(tasker: Tasker): void {
  if (current === tasker) current = null;
}

/** The running engine of this process, or null. */
export function getCurrentTasker(): Tasker | null {
  return current;
}
