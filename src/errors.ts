/** Every error code tasker raises; each one is documented in the README's "Error codes" table. */
export const ErrorCode = {
  CONFIG_INVALID: 'CONFIG_INVALID',
  CONFIG_NOT_FOUND: 'CONFIG_NOT_FOUND',
  ENV_VAR_MISSING: 'ENV_VAR_MISSING',
  USAGE: 'USAGE',
  TEMPLATE_INVALID: 'TEMPLATE_INVALID',
  TEMPLATE_NOT_FOUND: 'TEMPLATE_NOT_FOUND',
  TEMPLATE_DUPLICATE: 'TEMPLATE_DUPLICATE',
  TASK_NOT_FOUND: 'TASK_NOT_FOUND',
  TASK_DUPLICATE: 'TASK_DUPLICATE',
  TASK_BATCH_REJECTED: 'TASK_BATCH_REJECTED',
  TASK_TERMINAL: 'TASK_TERMINAL',
  SCHEDULE_NOT_FOUND: 'SCHEDULE_NOT_FOUND',
  STEP_NOT_FOUND: 'STEP_NOT_FOUND',
  STATE_TRANSITION_INVALID: 'STATE_TRANSITION_INVALID',
  DLQ_ENTRY_NOT_FOUND: 'DLQ_ENTRY_NOT_FOUND',
  INPUT_INVALID: 'INPUT_INVALID',
  INPUT_TOO_LARGE: 'INPUT_TOO_LARGE',
  HANDLER_NOT_FOUND: 'HANDLER_NOT_FOUND',
  HANDLER_DUPLICATE: 'HANDLER_DUPLICATE',
  HANDLER_LOAD_FAILED: 'HANDLER_LOAD_FAILED',
  HANDLER_RESULT_INVALID: 'HANDLER_RESULT_INVALID',
  QUEUE_NAME_INVALID: 'QUEUE_NAME_INVALID',
  IDENTIFIER_INVALID: 'IDENTIFIER_INVALID',
  DB_UNREACHABLE: 'DB_UNREACHABLE',
  DB_LOCKED: 'DB_LOCKED',
  PORT_IN_USE: 'PORT_IN_USE',
  MIGRATION_NEWER: 'MIGRATION_NEWER',
  MIGRATION_FAILED: 'MIGRATION_FAILED',
  MIGRATION_MODIFIED: 'MIGRATION_MODIFIED',
  RUNTIME_UNSUPPORTED: 'RUNTIME_UNSUPPORTED',
  TIMEOUT: 'TIMEOUT',
  ENGINE_NOT_STARTED: 'ENGINE_NOT_STARTED',
  API_UNREACHABLE: 'API_UNREACHABLE',
  API_ERROR: 'API_ERROR',
} as const;

/** A tasker error code: one of the string literals of {@link ErrorCode}. */
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/** Options accepted by {@link TaskerError}. */
export interface TaskerErrorOptions {
  cause?: unknown;
  /** One line telling the user how to fix the problem. */
  hint?: string;
  /** Structured facts (file, field, value, existing uuid...) for tools and HTTP bodies. */
  details?: Record<string, unknown>;
}

/** The one base error of tasker: a stable string `code`, a message, an optional hint and cause. */
export class TaskerError extends Error {
  readonly code: ErrorCode;
  readonly hint?: string;
  readonly details?: Record<string, unknown>;

  constructor(code: ErrorCode, message: string, options: TaskerErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'TaskerError';
    this.code = code;
    this.hint = options.hint;
    this.details = options.details;
  }
}

/** True when `err` is a {@link TaskerError}, optionally with the given code. */
export function isTaskerError(err: unknown, code?: ErrorCode): err is TaskerError {
  return err instanceof TaskerError && (code === undefined || err.code === code);
}
