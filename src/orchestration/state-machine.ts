import type { TaskReadiness } from './readiness.ts';

/** Task states (DESIGN §6.2). */
export const TaskState = {
  PENDING: 'pending',
  INITIALIZING: 'initializing',
  ENQUEUING_STEPS: 'enqueuing_steps',
  STEPS_IN_PROCESS: 'steps_in_process',
  EVALUATING_RESULTS: 'evaluating_results',
  WAITING_FOR_DEPENDENCIES: 'waiting_for_dependencies',
  WAITING_FOR_RETRY: 'waiting_for_retry',
  BLOCKED_BY_FAILURES: 'blocked_by_failures',
  COMPLETE: 'complete',
  ERROR: 'error',
  CANCELLED: 'cancelled',
  RESOLVED_MANUALLY: 'resolved_manually',
} as const;
/** One of {@link TaskState}. */
export type TaskState = (typeof TaskState)[keyof typeof TaskState];

/** Step states (DESIGN §6.3). */
export const StepState = {
  PENDING: 'pending',
  ENQUEUED: 'enqueued',
  IN_PROGRESS: 'in_progress',
  ENQUEUED_FOR_ORCHESTRATION: 'enqueued_for_orchestration',
  ENQUEUED_AS_ERROR_FOR_ORCHESTRATION: 'enqueued_as_error_for_orchestration',
  WAITING_FOR_RETRY: 'waiting_for_retry',
  COMPLETE: 'complete',
  ERROR: 'error',
  CANCELLED: 'cancelled',
  RESOLVED_MANUALLY: 'resolved_manually',
} as const;
/** One of {@link StepState}. */
export type StepState = (typeof StepState)[keyof typeof StepState];

// Moves only an operator makes (reset for retry → pending, complete/resolve by hand) or an orchestrator's
// rejection of a completed step's outcome (complete → error): a state whose only moves are these is terminal.
const MANUAL_STEP_MOVES = new Set<StepState>(['pending', 'complete', 'resolved_manually', 'error']);

/** Allowed task moves, from → to (DESIGN §6.2). `*` rows are expanded below. */
export const TASK_TRANSITIONS: Readonly<Record<TaskState, readonly TaskState[]>> = {
  pending: ['initializing', 'cancelled', 'resolved_manually'],
  initializing: ['enqueuing_steps', 'complete', 'waiting_for_dependencies', 'cancelled', 'resolved_manually'],
  enqueuing_steps: ['steps_in_process', 'error', 'cancelled', 'resolved_manually'],
  steps_in_process: ['evaluating_results', 'waiting_for_retry', 'cancelled', 'resolved_manually'],
  evaluating_results: ['complete', 'enqueuing_steps', 'waiting_for_dependencies', 'blocked_by_failures', 'cancelled', 'resolved_manually'],
  waiting_for_dependencies: ['evaluating_results', 'cancelled', 'resolved_manually'],
  waiting_for_retry: ['enqueuing_steps', 'cancelled', 'resolved_manually'],
  blocked_by_failures: ['error', 'resolved_manually', 'cancelled', 'evaluating_results'],
  complete: ['resolved_manually'],
  error: ['pending', 'resolved_manually'],
  cancelled: ['resolved_manually'],
  resolved_manually: [],
};

/** Allowed step moves, from → to (DESIGN §6.3). */
export const STEP_TRANSITIONS: Readonly<Record<StepState, readonly StepState[]>> = {
  pending: ['enqueued', 'cancelled', 'complete', 'resolved_manually'],
  enqueued: ['in_progress', 'pending', 'cancelled', 'complete', 'resolved_manually'],
  in_progress: ['enqueued_for_orchestration', 'enqueued_as_error_for_orchestration', 'in_progress', 'enqueued', 'cancelled', 'complete', 'resolved_manually'],
  enqueued_for_orchestration: ['complete', 'cancelled', 'resolved_manually'],
  enqueued_as_error_for_orchestration: ['waiting_for_retry', 'error', 'cancelled', 'complete', 'resolved_manually'],
  waiting_for_retry: ['pending', 'enqueued', 'cancelled', 'complete', 'resolved_manually'],
  // complete → error: the orchestrator rejected the completed step's outcome (decision/batch hooks, §6.7/§6.8)
  complete: ['resolved_manually', 'error'],
  error: ['pending', 'complete', 'resolved_manually'],
  cancelled: ['resolved_manually'],
  resolved_manually: [],
};

/** The one guard: may a task move from `from` to `to`? */
export function canTransitionTask(from: TaskState, to: TaskState): boolean {
  return TASK_TRANSITIONS[from]?.includes(to) ?? false;
}

/** The one guard for steps. */
export function canTransitionStep(from: StepState, to: StepState): boolean {
  return STEP_TRANSITIONS[from]?.includes(to) ?? false;
}

/** Every task state from which `to` may be reached (used as `WHERE state = ANY(...)` guards in SQL). */
export function taskStatesAllowing(to: TaskState): TaskState[] {
  return (Object.keys(TASK_TRANSITIONS) as TaskState[]).filter((from) => canTransitionTask(from, to));
}

/** Every step state from which `to` may be reached. */
export function stepStatesAllowing(to: StepState): StepState[] {
  return (Object.keys(STEP_TRANSITIONS) as StepState[]).filter((from) => canTransitionStep(from, to));
}

// --- derived from the tables: the terminal states and the SQL lists the statements splice in -------------

/** Terminal task states: those from which only a manual resolution leads on (derived from TASK_TRANSITIONS). */
export const TERMINAL_TASK_STATES: readonly TaskState[] = (Object.keys(TASK_TRANSITIONS) as TaskState[])
  .filter((s) => TASK_TRANSITIONS[s].every((to) => to === 'resolved_manually' || to === 'pending'));
/** Terminal step states: those no worker or orchestrator moves on from (only a person does). */
export const TERMINAL_STEP_STATES: readonly StepState[] = (Object.keys(STEP_TRANSITIONS) as StepState[])
  .filter((s) => STEP_TRANSITIONS[s].every((to) => MANUAL_STEP_MOVES.has(to)));

/** Whether a task state is terminal. */
export function isTerminalTaskState(state: string): boolean {
  return (TERMINAL_TASK_STATES as readonly string[]).includes(state);
}

/** A SQL list of state literals, `'a', 'b'` (states are these constants, never input). */
export function sqlStates(states: readonly string[]): string {
  return states.map((s) => `'${s}'`).join(', ');
}

/** `'complete', 'error', 'cancelled', 'resolved_manually'` for `state NOT IN (…)` guards on tasks. */
export const TERMINAL_TASK_SQL = sqlStates(TERMINAL_TASK_STATES);
/** The same for steps. */
export const TERMINAL_STEP_SQL = sqlStates(TERMINAL_STEP_STATES);
/**
 * Task states in which the task waits on an orchestrator (every unfinished state but steps_in_process, where it
 * waits on workers): a task resting in one of them for long missed a wake-up, and the sweep picks it up.
 */
export const AWAITING_ORCHESTRATION_SQL = sqlStates(
  (Object.keys(TASK_TRANSITIONS) as TaskState[]).filter((s) => !isTerminalTaskState(s) && s !== 'steps_in_process'),
);

// --- paths through the task machine ---------------------------------------------------------------------

type Target = 'steps_in_process' | 'complete' | 'error' | 'waiting_for_retry' | 'waiting_for_dependencies';

/** Shortest path of allowed moves from `from` to `to` (DESIGN §6.2), never through cancel/manual states. */
export function transitionPath(from: TaskState, to: TaskState): TaskState[] {
  if (from === to) return [];
  const queue: TaskState[][] = [[from]];
  const seen = new Set<TaskState>([from]);
  while (queue.length) {
    const path = queue.shift()!;
    for (const next of TASK_TRANSITIONS[path[path.length - 1]]) {
      if (seen.has(next) || next === 'cancelled' || next === 'resolved_manually') continue;
      if (next === to) return [...path.slice(1), next];
      if (isTerminalTaskState(next)) continue;
      seen.add(next);
      queue.push([...path, next]);
    }
  }
  return [];
}

/** The state moves for a task given its readiness; an empty list means "leave it". */
export function planTask(current: TaskState, r: TaskReadiness | undefined, enqueuedNow: boolean): TaskState[] {
  let target: Target;
  if (!r || r.total === 0) target = 'complete';
  else if (r.errors > 0) target = r.inProcess > 0 ? 'steps_in_process' : 'error';
  else if (enqueuedNow || r.inProcess > 0) target = 'steps_in_process';
  else if (r.done + (r.toleratedErrors ?? 0) === r.total) target = 'complete';
  else if (r.retryWaiting > 0) target = 'waiting_for_retry';
  else target = 'waiting_for_dependencies';

  if (target === 'error') {
    const toBlocked = current === 'blocked_by_failures' ? [] : transitionPath(current, 'blocked_by_failures');
    return [...toBlocked, 'error'];
  }
  if (target === 'steps_in_process' && enqueuedNow) {
    // a new round of steps always passes through enqueuing_steps, as the state machine describes
    const toEnqueuing = transitionPath(current, 'enqueuing_steps');
    return [...toEnqueuing, 'steps_in_process'];
  }
  if (target === 'steps_in_process' && current === 'blocked_by_failures') return [];
  return transitionPath(current, target);
}
