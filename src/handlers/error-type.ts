/** Standard error classifications shared with the orchestrator's retry logic (an `as const` object, not an enum). */
export const ErrorType = {
  PERMANENT_ERROR: 'permanent_error',
  RETRYABLE_ERROR: 'retryable_error',
  VALIDATION_ERROR: 'validation_error',
  TIMEOUT: 'timeout',
  HANDLER_ERROR: 'handler_error',
} as const;

/** One of the standard {@link ErrorType} values. */
export type ErrorType = (typeof ErrorType)[keyof typeof ErrorType];

const STANDARD = new Set<string>(Object.values(ErrorType));

/** True when `errorType` is one of the standard {@link ErrorType} values. */
export function isStandardErrorType(errorType: string): boolean {
  return STANDARD.has(errorType);
}

/** True for error types that are retryable unless a handler says otherwise (`retryable_error`, `timeout`). */
export function isTypicallyRetryable(errorType: string): boolean {
  return errorType === ErrorType.RETRYABLE_ERROR || errorType === ErrorType.TIMEOUT;
}
