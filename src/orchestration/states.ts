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

/** Terminal task states. */
export const TERMINAL_TASK_STATES: readonly TaskState[] = ['complete', 'error', 'cancelled', 'resolved_manually'];
/** Terminal step states. */
export const TERMINAL_STEP_STATES: readonly StepState[] = ['complete', 'error', 'cancelled', 'resolved_manually'];

const NON_TERMINAL_TASK = Object.values(TaskState).filter((s) => !TERMINAL_TASK_STATES.includes(s));
const NON_TERMINAL_STEP = Object.values(StepState).filter((s) => !TERMINAL_STEP_STATES.includes(s));

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

/** Whether a task state is terminal. */
export function isTerminalTaskState(state: string): boolean {
  return (TERMINAL_TASK_STATES as readonly string[]).includes(state);
}

export { NON_TERMINAL_TASK, NON_TERMINAL_STEP };
